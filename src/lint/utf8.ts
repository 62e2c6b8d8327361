/**
 * Bytes to text for the text formats, keeping what a decoder would hide: both are UTF-8 ("Strings
 * MUST only consist of valid UTF-8 characters"; expfmt refuses a label value that is not), and
 * OpenMetrics forbids a byte order mark, which TextDecoder would drop silently.
 */
import type { Issue } from './model.js';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder('utf-8', { ignoreBOM: true });

/** The offset of the first byte that is not valid UTF-8 (RFC 3629), or -1. */
export function invalidUtf8At(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    // Lead byte: length, and the range the next byte must be in (no overlongs, no surrogates).
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return i;
    }
    i += n + 1;
  }
  return -1;
}

/** The text, and a `format` issue at the first invalid byte when there is one. */
export function decodeUtf8(bytes: Uint8Array): { text: string; issues: Issue[] } {
  try {
    return { text: strict.decode(bytes), issues: [] };
  } catch {
    const at = invalidUtf8At(bytes);
    // lastIndexOf(x, -1) would search from the end.
    const lineStart = at === 0 ? 0 : bytes.lastIndexOf(0x0a, at - 1) + 1;
    let line = 1;
    for (let i = 0; i < lineStart; i++) if (bytes[i] === 0x0a) line++;
    const column = [...lenient.decode(bytes.subarray(lineStart, at))].length + 1;
    const byte = (bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, '0');
    return {
      text: lenient.decode(bytes),
      issues: [
        { kind: 'format', line, column, message: `byte 0x${byte} is not valid UTF-8: expositions are UTF-8` },
      ],
    };
  }
}
