import { describe, expect, it } from 'vitest';
import { MAX_DETAIL_LENGTH, sanitizeDetail } from '../../src/health/sanitize.js';

describe('sanitizeDetail', () => {
  it.each([
    ['modem registered', 'modem registered'],
    ['1.2 GiB free of 29 GiB (4.1%)', '1.2 GiB free of 29 GiB (4.1%)'],
    ['', ''],
  ])('keeps a clean detail: %j', (input, out) => {
    expect(sanitizeDetail(input)).toBe(out);
  });

  it.each([
    // A credential parameter is a secret: its value goes (src/guard/secrets.ts), its name stays.
    ['SIM ready, token=sk_live_abcdefgh12345678', /^SIM ready, token=\*{8}$/],
    ['SIM ready, key sk_live_abcdefgh12345678', /^SIM ready, key \[redacted token\]$/],
    ['send to alice@example.com failed', /^send to \[redacted email\] failed$/],
    ['IMSI 234150999999999 attached', /\[redacted/],
    ['dial +44 7700 900123 failed', /^redacted \(looked like phone\)$/],
  ])('masks PII in %j', (input, expected) => {
    const out = sanitizeDetail(input);
    expect(out).toMatch(expected);
  });

  it('strips control characters and truncates', () => {
    expect(sanitizeDetail('line1\nline2\u001b[31m')).toBe('line1 line2 [31m');
    const long = sanitizeDetail('x '.repeat(500));
    expect(long.length).toBe(MAX_DETAIL_LENGTH);
    expect(long.endsWith('...')).toBe(true);
  });

  it('accepts errors and other values', () => {
    expect(sanitizeDetail(new Error('disk full'))).toBe('disk full');
    expect(sanitizeDetail(undefined)).toBe('');
    expect(sanitizeDetail({ a: 1 })).toBe('{"a":1}');
  });
});
