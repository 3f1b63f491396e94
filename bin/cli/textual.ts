// A file given to `wasm-rnn train` as text that is not text: a binary file, or bytes in another encoding than
// UTF-8. A character model would learn the noise without a word, so the command line refuses it before
// training, naming the file and where the first sign is (as a line and column a user can open in an editor).

import { CliFailure } from './fail.ts';

/** Controls that no text holds: C0 but \t \n \v \f \r, and DEL. */
const isBinaryControl = (b: number) => (b < 0x20 && !(b >= 0x09 && b <= 0x0d)) || b === 0x7f;

/** More of these than this share of the bytes is a binary file, not text with a stray control. */
const CONTROL_SHARE = 0.01;

/** "line 3, column 7" of byte `at` (columns count characters of the decodable prefix). */
function place(bytes: Uint8Array, at: number): string {
  const before = new TextDecoder().decode(bytes.subarray(0, at)).split('\n');
  return `line ${before.length}, column ${[...before[before.length - 1]].length + 1}`;
}

/** `bytes` decoded as UTF-8, or a one-line refusal naming `path`. */
export function decodeText(path: string, bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    throw new CliFailure(
      `${path} is a binary file, not text: it holds a NUL byte at ${place(bytes, nul)}; give a UTF-8 text file`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const loose = new TextDecoder().decode(bytes);
    const at = new TextEncoder().encode(loose.slice(0, loose.indexOf('\uFFFD'))).length;
    throw new CliFailure(
      `${path} is not UTF-8 text: the bytes at ${place(bytes, at)} are not UTF-8 (another encoding, or a binary file); convert it to UTF-8`,
    );
  }
  let controls = 0;
  for (const b of bytes) if (isBinaryControl(b)) controls++;
  if (controls > CONTROL_SHARE * bytes.length) {
    throw new CliFailure(
      `${path} looks like a binary file, not text: ${controls} of its ${bytes.length} bytes are control characters; give a UTF-8 text file`,
    );
  }
  const mark = text.indexOf('\uFFFD');
  if (mark >= 0) {
    throw new CliFailure(
      `${path} holds U+FFFD at ${place(bytes, new TextEncoder().encode(text.slice(0, mark)).length)}, the mark a converter leaves for bytes it could not read; clean the file first`,
    );
  }
  return text;
}
