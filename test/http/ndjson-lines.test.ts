/**
 * NdjsonLines splits an NDJSON body as it arrives into what `body.split('\n')` of the whole decoded
 * body gives, each line trimmed, blank ones skipped but counted: for any text and any way its bytes
 * are cut into chunks (a character cut in two, a CRLF cut between its bytes, a line over several
 * chunks), and for bytes that are not UTF-8 at all (replaced as Buffer#toString replaces them).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NdjsonLines } from '../../src/http/ndjson-lines.js';

/** The reading this replaces: the whole body decoded, then split. */
function wholeBody(bytes: Buffer) {
  const lines: string[] = [];
  const lineOf: number[] = [];
  bytes
    .toString('utf8')
    .split('\n')
    .forEach((line, i) => {
      const t = line.trim();
      if (t === '') return;
      lines.push(t);
      lineOf.push(i + 1);
    });
  return { lines, lineOf };
}

function chunked(bytes: Buffer, cuts: number[]) {
  const split = new NdjsonLines();
  let at = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    split.push(bytes.subarray(at, cut));
    at = cut;
  }
  split.push(bytes.subarray(at));
  split.end();
  return { lines: split.lines, lineOf: split.lineOf, bytes: split.bytes };
}

// Text with what NDJSON bodies carry and what breaks naive splitting: newlines, CRLF, blanks,
// tabs, two-, three- and four-byte UTF-8.
const piece = fc.constantFrom('\n', '\r\n', '\r', ' ', '\t', '{"a":1}', 'é', '€', '😀', 'x', '"', '\n\n');
const body = fc
  .array(fc.oneof(piece, fc.string({ unit: 'binary', maxLength: 8 })), { maxLength: 40 })
  .map((p) => p.join(''));
const cuts = fc.array(fc.nat(), { maxLength: 12 });

describe('NdjsonLines', () => {
  it('gives the lines and line numbers of the whole body, however its bytes are chunked', () => {
    fc.assert(
      fc.property(body, cuts, (text, at) => {
        const bytes = Buffer.from(text, 'utf8');
        const got = chunked(bytes, at);
        expect({ lines: got.lines, lineOf: got.lineOf }).toEqual(wholeBody(bytes));
        expect(got.bytes).toBe(bytes.length);
        expect({ ...NdjsonLines.of(text) }).toMatchObject(wholeBody(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('decodes bytes that are not UTF-8 as the whole body would, chunk boundaries anywhere', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), cuts, (raw, at) => {
        const bytes = Buffer.from(raw);
        const got = chunked(bytes, at);
        expect({ lines: got.lines, lineOf: got.lineOf }).toEqual(wholeBody(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('numbers lines from 1, blank ones counted, the last without a newline kept', () => {
    const split = NdjsonLines.of('{"a":1}\r\n\n  \n{"b":2}\n{"c":3}');
    expect(split.lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
    expect(split.lineOf).toEqual([1, 4, 5]);
  });
});
