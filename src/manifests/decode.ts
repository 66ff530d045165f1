/**
 * Bytes of a manifest file → text, the way kubectl reads them: UTF-8 (a BOM is dropped), or UTF-16 with a
 * byte-order mark (kubectl's reader honours a UTF-16 BOM). Everything else is named for what it is instead
 * of turning into replacement characters or "0 images": UTF-16 without a BOM and UTF-32 (kubectl reads
 * them as UTF-8 and fails), invalid UTF-8 (at which byte and line), binary files. Pure.
 */
import { isUtf8 } from 'node:buffer';
import type { FileRefusal } from './read.js';

/** The text of a file, or why it has none. */
export type Decoded =
  | { ok: true; text: string; encoding: 'utf-8' | 'utf-16le' | 'utf-16be' }
  | { ok: false; refusal: FileRefusal };

/** How many leading bytes are sampled to recognise UTF-16/UTF-32 without a BOM. */
const SAMPLE_BYTES = 8000;

const SAVE_AS_UTF8 = 'save the file as UTF-8';

export const BINARY_REASON =
  'binary file (it contains NUL bytes), skipped: it is not a manifest; exclude it if it is meant to be there';

/** Decodes a manifest file's bytes; see the module comment for what is accepted. */
export function decodeManifestBytes(bytes: Uint8Array): Decoded {
  const b = bytes;
  if (startsWith(b, [0x00, 0x00, 0xfe, 0xff]) || startsWith(b, [0xff, 0xfe, 0x00, 0x00]))
    return encodingProblem(
      `the file is UTF-32 (it starts with a UTF-32 byte-order mark), which is not supported; ${SAVE_AS_UTF8}`,
    );
  if (startsWith(b, [0xef, 0xbb, 0xbf])) return utf8(b.subarray(3), 3);
  if (startsWith(b, [0xff, 0xfe])) return utf16(b.subarray(2), 'utf-16le');
  if (startsWith(b, [0xfe, 0xff])) return utf16(b.subarray(2), 'utf-16be');
  if (b.indexOf(0) !== -1) {
    const guess = guessWideEncoding(b.subarray(0, SAMPLE_BYTES));
    if (guess !== null)
      return encodingProblem(
        `the file looks like ${guess} without a byte-order mark, which is not supported (kubectl reads it as UTF-8 and fails); ${SAVE_AS_UTF8}${guess.startsWith('UTF-16') ? ' (or UTF-16 with a BOM)' : ''}`,
      );
    return { ok: false, refusal: { kind: 'binary', reason: BINARY_REASON } };
  }
  return utf8(b, 0);
}

/** CR-only line endings (classic Mac) become LF, one character for one, so every offset stays exact. */
function normalizeLineBreaks(text: string): string {
  return text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
}

function utf8(b: Uint8Array, skipped: number): Decoded {
  if (!isUtf8(b)) {
    const at = firstInvalidUtf8(b);
    const { line, column } = bytePosition(b, at);
    return encodingProblem(
      `not valid UTF-8 at byte ${at + skipped + 1} (line ${line}, column ${column}); kubectl rejects it: ${SAVE_AS_UTF8}`,
      { line, column },
    );
  }
  const text = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
  return { ok: true, text: normalizeLineBreaks(text), encoding: 'utf-8' };
}

function utf16(b: Uint8Array, encoding: 'utf-16le' | 'utf-16be'): Decoded {
  const name = encoding === 'utf-16le' ? 'UTF-16 LE' : 'UTF-16 BE';
  if (b.length % 2 !== 0)
    return encodingProblem(
      `the file has a ${name} byte-order mark but an odd number of bytes; ${SAVE_AS_UTF8}`,
    );
  const le = Buffer.from(b);
  if (encoding === 'utf-16be') le.swap16();
  let text: string;
  try {
    text = new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true }).decode(le);
  } catch {
    return encodingProblem(
      `the file has a ${name} byte-order mark but is not valid ${name} (an unpaired surrogate); ${SAVE_AS_UTF8}`,
    );
  }
  if (text.includes('\0')) return { ok: false, refusal: { kind: 'binary', reason: BINARY_REASON } };
  return { ok: true, text: normalizeLineBreaks(text), encoding };
}

function encodingProblem(reason: string, at = { line: 1, column: 1 }): Decoded {
  return { ok: false, refusal: { kind: 'encoding', reason, ...at } };
}

function startsWith(b: Uint8Array, prefix: number[]): boolean {
  return b.length >= prefix.length && prefix.every((v, i) => b[i] === v);
}

/**
 * `UTF-16 LE`/`UTF-16 BE`/`UTF-32 LE`/`UTF-32 BE` when the NUL bytes of a sample fall where mostly-ASCII
 * text in that encoding puts them (every other byte, or three of four), else null (a binary file).
 */
export function guessWideEncoding(sample: Uint8Array): string | null {
  const zeros = [0, 0, 0, 0];
  for (let i = 0; i < sample.length; i++) if (sample[i] === 0) zeros[i % 4]! += 1;
  const [z0, z1, z2, z3] = zeros as [number, number, number, number];
  const quads = Math.floor(sample.length / 4);
  const pairs = Math.floor(sample.length / 2);
  if (quads === 0) return null;
  const mostly = (n: number, of: number) => n >= of * 0.7;
  const few = (n: number, of: number) => n <= of * 0.1;
  if (mostly(z1, quads) && mostly(z2, quads) && mostly(z3, quads) && few(z0, quads)) return 'UTF-32 LE';
  if (mostly(z0, quads) && mostly(z1, quads) && mostly(z2, quads) && few(z3, quads)) return 'UTF-32 BE';
  if (mostly(z1 + z3, pairs) && few(z0 + z2, pairs)) return 'UTF-16 LE';
  if (mostly(z0 + z2, pairs) && few(z1 + z3, pairs)) return 'UTF-16 BE';
  return null;
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence (RFC 3629). */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const len =
      c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (len === 0) return i;
    if (len > 1) {
      // The second byte's range excludes overlong forms, surrogates and code points above U+10FFFF.
      const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
      const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
      const second = b[i + 1];
      if (second === undefined || second < lo || second > hi) return i;
      for (let k = 2; k < len; k++) {
        const next = b[i + k];
        if (next === undefined || next < 0x80 || next > 0xbf) return i;
      }
    }
    i += len;
  }
  return b.length;
}

/** 1-based line and column (in characters) of a byte offset; the bytes before it are valid UTF-8. */
function bytePosition(b: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    const c = b[i];
    // LF, CRLF (counted at its LF) and a lone CR (old Mac) each end a line.
    if (c === 0x0a || (c === 0x0d && b[i + 1] !== 0x0a)) {
      line += 1;
      lineStart = i + 1;
    }
  }
  const before = Buffer.from(b.buffer, b.byteOffset + lineStart, offset - lineStart).toString('utf8');
  return { line, column: before.length + 1 };
}
