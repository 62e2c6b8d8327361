import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { luhnValid } from '../../src/guard/luhn.js';
import { detectPii } from '../../src/guard/pii.js';
import { PII_KINDS } from '../../src/guard/pii-kinds.js';
import { NEGATIVES, POSITIVES } from './pii-corpus.js';

describe('detectPii corpus', () => {
  it('covers every kind and is large enough', () => {
    expect(POSITIVES.length).toBeGreaterThanOrEqual(120);
    expect(NEGATIVES.length).toBeGreaterThanOrEqual(120);
    for (const kind of PII_KINDS)
      expect(POSITIVES.filter((s) => s.kind === kind).length).toBeGreaterThanOrEqual(5);
  });

  it.each(POSITIVES.map((s) => [s.value, s.kind] as const))('flags %j as %s', (value, kind) => {
    expect(detectPii(value)).toBe(kind);
  });

  it.each(NEGATIVES.map((v) => [v] as const))('passes %j', (value) => {
    expect(detectPii(value)).toBeUndefined();
  });

  it('has no false positives or false negatives', () => {
    const falseNegatives = POSITIVES.filter((s) => detectPii(s.value) === undefined);
    const wrongKind = POSITIVES.filter((s) => {
      const k = detectPii(s.value);
      return k !== undefined && k !== s.kind;
    });
    const falsePositives = NEGATIVES.filter((v) => detectPii(v) !== undefined);
    console.log(
      `pii corpus: ${POSITIVES.length} positives, ${NEGATIVES.length} negatives, ` +
        `FP=${falsePositives.length} FN=${falseNegatives.length} wrong-kind=${wrongKind.length}`,
    );
    expect(falsePositives).toEqual([]);
    expect(falseNegatives).toEqual([]);
    expect(wrongKind).toEqual([]);
  });
});

const digitString = (min: number, max: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(''));

const withLuhn = (body: string): string => {
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
  throw new Error('unreachable: one check digit always fits');
};

const phone = fc
  .tuple(
    fc.constantFrom('+', '00', ''),
    digitString(1, 3),
    fc.array(digitString(2, 4), { minLength: 2, maxLength: 4 }),
    fc.constantFrom(' ', '-', '.', ''),
  )
  .map(([prefix, cc, groups, sep]) => `${prefix}${cc}${sep}${groups.join(sep)}`)
  // Needs 7 digits to be a phone number at all; a bare `20-11-2026` is a date, not a phone.
  .filter((s) => s.replace(/[^0-9]/g, '').length >= 7 && !/^[0-9]{1,2}([-.])[0-9]{1,2}\1[0-9]{4}$/.test(s));
const imei = digitString(14, 14).map(withLuhn);
const iccid = digitString(16, 17).map((d) => withLuhn(`89${d}`));
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
const email = fc
  .tuple(
    fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9._+-]{0,14}[A-Za-z0-9])?$/),
    label,
    fc.constantFrom('com', 'org', 'io', 'co.uk'),
  )
  .map(([local, host, tld]) => `${local}@${host}.${tld}`);
const b64url = (s: string) => Buffer.from(s).toString('base64url');
const jwt = fc
  .tuple(
    fc.constantFrom('HS256', 'RS256', 'ES256'),
    fc.string({ maxLength: 40 }),
    fc.uint8Array({ minLength: 8, maxLength: 64 }),
  )
  .map(
    ([alg, sub, sig]) =>
      `${b64url(JSON.stringify({ alg, typ: 'JWT' }))}.${b64url(JSON.stringify({ sub }))}.${Buffer.from(sig).toString('base64url')}`,
  );
const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
const pii = fc.oneof(phone, imei, iccid, email, fc.uuid(), jwt, ipv4);

// Arbitrary text, glued to the PII by a character that cannot extend it (quotes, backslash, newline,
// non-ASCII). Space, `.`, `-`, `(` are left out: `v1.0 44.20.7946.0958` is genuinely ambiguous.
const separator = fc.constantFrom(
  '"',
  "'",
  '\\',
  '\n',
  '\r',
  '\t',
  ',',
  ';',
  '=',
  ':',
  '<',
  '>',
  '|',
  '[',
  ']',
  'é',
  'ж',
  '中',
  '😀',
  '\u3000',
);
const text = fc.string({ unit: 'binary', maxLength: 24 });
const codeUnits = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  maxLength: 80,
});

describe('detectPii properties', () => {
  it('finds PII wrapped in arbitrary text', () => {
    fc.assert(
      fc.property(text, separator, pii, separator, text, (before, s1, value, s2, after) => {
        expect(detectPii(`${before}${s1}${value}${s2}${after}`)).toBeDefined();
        expect(detectPii(value)).toBeDefined();
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws, including lone surrogates', () => {
    fc.assert(
      fc.property(
        fc.oneof(codeUnits, fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })),
        (s) => {
          const k = detectPii(s);
          expect(k === undefined || PII_KINDS.includes(k)).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
    for (const odd of [undefined, null, 42, {}] as unknown as string[])
      expect(detectPii(odd)).toBeUndefined();
  });

  it('stays linear on huge and adversarial input', () => {
    const inputs = [
      '1'.repeat(200_000),
      '1.'.repeat(100_000),
      'a'.repeat(200_000),
      '@'.repeat(100_000),
      'a@'.repeat(100_000),
      ':'.repeat(100_000),
      'f:'.repeat(100_000),
      'sip:'.repeat(50_000),
      'eyJ'.repeat(50_000),
      '1 '.repeat(100_000),
      'Ab1'.repeat(70_000),
    ];
    const t0 = performance.now();
    for (const s of inputs) detectPii(s);
    expect(performance.now() - t0).toBeLessThan(2_000);
  });
});
