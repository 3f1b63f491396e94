// Scans of JSON text. A linear pre-scan before JSON.parse, so size limits are enforced before the costly part: V8 takes
// seconds to parse a header of a million keys (each new key a new object shape) and the duplicate-key scan as
// long again, while this loop reads 20 MB in tens of milliseconds. It counts object keys (all, and those of the
// top-level object) and the nesting depth, and stops at the first limit passed. Malformed text is not judged
// here: JSON.parse refuses it afterwards with its own message. After parsing, a scan for duplicate keys.

import { describe, FormatError } from '../errors.ts';

export interface JsonLimits {
  /** Keys of every object, at any depth. */
  readonly maxKeys: number;
  /** Keys of the top-level object (a safetensors header: tensors + `__metadata__`). */
  readonly maxTopKeys?: number;
  /** Arrays and objects open at once. */
  readonly maxDepth?: number;
}

const [QUOTE, BACKSLASH, COLON, OPEN_BRACE, CLOSE_BRACE, OPEN_BRACKET, CLOSE_BRACKET] = [
  34, 92, 58, 123, 125, 91, 93,
];
const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

/** The closing quote of the string opening at `at`, or -1 when the text ends first. */
function stringEnd(text: string, at: number): number {
  let end = at;
  for (;;) {
    end = text.indexOf('"', end + 1);
    if (end < 0) return -1;
    let slashes = 0;
    while (text.charCodeAt(end - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return end;
  }
}

/** Undefined when `text` is within the limits (or malformed), else which limit it passes, for a message. */
export function overLimits(text: string, limits: JsonLimits): string | undefined {
  const maxDepth = limits.maxDepth ?? Number.POSITIVE_INFINITY;
  const maxTop = limits.maxTopKeys ?? Number.POSITIVE_INFINITY;
  // true: an object is open at that level (its strings may be keys); false: an array.
  const open: boolean[] = [];
  let keys = 0;
  let top = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === QUOTE) {
      const end = stringEnd(text, i);
      if (end < 0) return undefined;
      let next = end + 1;
      while (isSpace(text.charCodeAt(next))) next++;
      if (open[open.length - 1] === true && text.charCodeAt(next) === COLON) {
        if (++keys > limits.maxKeys) return `more than ${limits.maxKeys} keys`;
        if (open.length === 1 && ++top > maxTop) return `more than ${maxTop} entries`;
      }
      i = end;
    } else if (ch === OPEN_BRACE || ch === OPEN_BRACKET) {
      open.push(ch === OPEN_BRACE);
      if (open.length > maxDepth) return `arrays or objects nested deeper than ${maxDepth} levels`;
    } else if (ch === CLOSE_BRACE || ch === CLOSE_BRACKET) open.pop();
  }
  return undefined;
}

/**
 * JSON text of a file's section (a manifest, a training state) parsed within `limits`, with duplicate keys
 * refused: JSON.parse would keep the last of two equal keys silently. `fail` throws the caller's FormatError.
 */
export function parseSection(
  what: string,
  text: string,
  limits: JsonLimits,
  fail: (message: string) => never,
  reviver?: (key: string, value: unknown) => unknown,
): unknown {
  const over = overLimits(text, limits);
  if (over !== undefined) fail(`${what} holds ${over}`);
  let json: unknown;
  try {
    json = JSON.parse(text, reviver);
  } catch (cause) {
    if (cause instanceof FormatError) throw cause;
    fail(`${what} is not valid JSON (${(cause as Error).message.slice(0, 100)})`);
  }
  const duplicate = findDuplicateKey(text);
  if (duplicate !== undefined) fail(`${what} names ${describe(duplicate)} twice`);
  return json;
}

/**
 * JSON.parse keeps the last of two equal keys silently; the format forbids duplicates, so scan for them.
 * Runs on text that already parsed, so strings and brackets are well formed.
 */
export function findDuplicateKey(text: string): string | undefined {
  const stack: (Set<string> | null)[] = [];
  // charCodeAt and indexOf, not text[i]: a 6 MB header is scanned in tens of milliseconds, not hundreds.
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === QUOTE) {
      const end = stringEnd(text, i);
      if (end < 0) return undefined;
      const keys = stack[stack.length - 1];
      let next = end + 1;
      while (isSpace(text.charCodeAt(next))) next++;
      if (keys && text.charCodeAt(next) === COLON) {
        const raw = text.slice(i + 1, end);
        const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        if (keys.has(key)) return key;
        keys.add(key);
      }
      i = end;
    } else if (ch === OPEN_BRACE) stack.push(new Set());
    else if (ch === OPEN_BRACKET) stack.push(null);
    else if (ch === CLOSE_BRACE || ch === CLOSE_BRACKET) stack.pop();
  }
  return undefined;
}
