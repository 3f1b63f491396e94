// Text that is not text: a binary file read as a string, or bytes that were not UTF-8 decoded with
// replacement. A character model trains on it without complaint and learns noise, so fit refuses it first,
// saying what it found and where. Tabs, newlines and the rest of the whitespace controls are text.

import { DataError } from '../errors.ts';

/** Controls that no text holds: C0 but \t \n \v \f \r, and DEL. */
const isBinaryControl = (c: number) => (c < 0x20 && !(c >= 0x09 && c <= 0x0d)) || c === 0x7f;

/** More of these than this share of the characters is a binary file, not text with a stray control. */
const CONTROL_SHARE = 0.01;

const hex = (c: number) => `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;

/** `text` itself, or a DataError naming the first sign of binary or mis-decoded bytes. */
export function checkTextual(name: string, text: string): string {
  let controls = 0;
  let first = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) {
      throw new DataError(
        `${name} looks binary: it holds a NUL character (U+0000) at index ${i}; give UTF-8 text`,
      );
    }
    if (c === 0xfffd) {
      throw new DataError(
        `${name} holds U+FFFD at index ${i}, the mark a decoder leaves for bytes that are not UTF-8; ` +
          'decode the file as UTF-8, or clean it, first',
      );
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const pair = c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      if (!pair)
        throw new DataError(
          `${name} holds a lone surrogate (${hex(c)}) at index ${i}: it is not valid Unicode text`,
        );
      i++;
    } else if (isBinaryControl(c)) {
      if (first < 0) first = i;
      controls++;
    }
  }
  if (controls > CONTROL_SHARE * text.length) {
    throw new DataError(
      `${name} looks binary: ${controls} of its ${text.length} characters are control characters ` +
        `(the first, ${hex(text.charCodeAt(first))}, at index ${first}); give UTF-8 text`,
    );
  }
  return text;
}
