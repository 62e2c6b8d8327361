import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { hmacSha256Hex, hmacSha256Pads } from '../../src/store/hmac.js';
import {
  checkPrivacyConfig,
  hashNumber,
  maskNumber,
  mayReveal,
  normaliseNumber,
  numberProtector,
  protectNumber,
} from '../../src/store/privacy.js';
import { RFC_4231 } from './rfc4231.js';

const KEY = 'privacy-test-key-0123456789abcdef';

describe('maskNumber', () => {
  it.each([
    ['+15551234567', '+1555***4567'],
    ['15551234567', '1555***4567'],
    ['+1 (555) 123-4567', '+1555***4567'],
    ['sip:+15551234567@pbx.example.com;user=phone', '+1555***4567'],
    ['tel:+442071234567', '+4420***4567'],
    ['5551234567', '555***4567'],
    ['5551234', '55***34'],
    ['12345', '1***5'],
    ['911', '***'],
    ['1', '***'],
    ['sip:alice@example.com', 'a***'],
    ['ACME Bank', 'A***'],
    ['', '***'],
  ])('%s -> %s', (input, masked) => {
    expect(maskNumber(input)).toBe(masked);
  });

  it('hides at least three digits of any phone number and never shows its length', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\+?\d{5,15}$/), (n) => {
        const m = maskNumber(n);
        const digits = n.replace(/\D/g, '');
        const shown = m.replace(/\D/g, '');
        expect(digits.length - shown.length).toBeGreaterThanOrEqual(3);
        expect(m).toContain('***');
        expect(m.split('*').length - 1).toBe(3);
      }),
    );
  });
});

describe('hashNumber', () => {
  it('is HMAC-SHA256 (hex) over the normalised digits', () => {
    const want = createHmac('sha256', KEY).update('15551234567').digest('hex');
    expect(hashNumber(KEY, '+15551234567')).toBe(want);
    expect(hashNumber(KEY, '+1 (555) 123-4567')).toBe(want);
    expect(hashNumber(KEY, 'sip:+15551234567@pbx')).toBe(want);
    expect(hashNumber(KEY, '+15551234568')).not.toBe(want);
    expect(hashNumber(`${KEY}x`, '+15551234567')).not.toBe(want);
    expect(hashNumber(KEY, 'Alice')).toBe(hashNumber(KEY, 'sip:alice@other'));
    expect(normaliseNumber('sip:Alice@pbx')).toBe('alice');
  });
});

describe('hmacSha256Hex', () => {
  it.each(RFC_4231)('gives RFC 4231 test case $case', ({ key, data, mac }) => {
    expect(hmacSha256Hex(key)(data).slice(0, mac.length)).toBe(mac);
  });

  /** What a database computes from the pads (stored-ids.ts, PostgreSQL): RFC 2104's two hashes. */
  const fromPads = (key: string | Uint8Array, data: string) => {
    const { inner, outer } = hmacSha256Pads(key);
    const h = createHash('sha256').update(inner).update(data, 'utf8').digest();
    return createHash('sha256').update(outer).update(h).digest('hex');
  };

  it.each(RFC_4231)('pads that give RFC 4231 test case $case as two SHA-256', ({ key, data, mac }) => {
    expect(fromPads(key, data).slice(0, mac.length)).toBe(mac);
  });

  it('pads agree with the HMAC for any text key and message (keys longer than a block hashed first)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 16, maxLength: 100, unit: 'binary' }),
        fc.string({ unit: 'binary' }),
        (key, m) => {
          expect(fromPads(key, m)).toBe(hmacSha256Hex(key)(m));
        },
      ),
    );
  });

  it('takes a text key as its UTF-8 bytes, and one hasher gives the same digest for a message each time', () => {
    const hmac = hmacSha256Hex('Jefe');
    const mac = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';
    expect(hmac('what do ya want for nothing?')).toBe(mac);
    hmac('x'.repeat(300));
    expect(hmac('what do ya want for nothing?')).toBe(mac);
  });

  it('numberProtector hashes as hashNumber does', () => {
    const protect = numberProtector({ hashKey: KEY, storeRaw: false });
    for (const n of ['+15551234567', 'sip:Alice@pbx', '+44 20 7946 0958', 'Ünïcødé-sender'])
      expect(protect(n)?.hash).toBe(hashNumber(KEY, n));
  });
});

describe('protectNumber / config', () => {
  it('keeps raw only when storeRaw is on; reveal needs both switches', () => {
    expect(protectNumber({ hashKey: KEY, storeRaw: false }, '+15551234567')).toEqual({
      hash: hashNumber(KEY, '+15551234567'),
      masked: '+1555***4567',
      raw: null,
    });
    expect(protectNumber({ hashKey: KEY, storeRaw: true }, ' +15551234567 ')!.raw).toBe('+15551234567');
    expect(protectNumber({ hashKey: KEY, storeRaw: true }, undefined)).toBeNull();
    expect(protectNumber({ hashKey: KEY, storeRaw: true }, '  ')).toBeNull();
    expect(mayReveal({ hashKey: KEY, storeRaw: false }, true)).toBe(false);
    expect(mayReveal({ hashKey: KEY, storeRaw: true }, undefined)).toBe(false);
    expect(mayReveal({ hashKey: KEY, storeRaw: true }, true)).toBe(true);
  });

  it('memoises within a bound and gives the same answers as protectNumber', () => {
    const cfg = { hashKey: KEY, storeRaw: false };
    const protect = numberProtector(cfg, 3);
    for (const n of ['+15551234567', '+15550000001', '+15550000002', '+15550000003', '+15551234567']) {
      expect(protect(n)).toEqual(protectNumber(cfg, n));
    }
    expect(protect(undefined)).toBeNull();
  });

  it('keeps a busy number memoised through a stream of one-off callers, and forgets the one-offs', () => {
    const cfg = { hashKey: KEY, storeRaw: false };
    const protect = numberProtector(cfg, 100);
    const busy = protect('+442079460000');
    const first = protect('+15550000000');
    // A memo is a hit when the same object comes back; a number hashed again is a new object.
    for (let i = 1; i <= 1000; i++) {
      protect(`+1555${String(i).padStart(7, '0')}`);
      if (i % 40 === 0) expect(protect('+442079460000')).toBe(busy);
    }
    expect(protect('+442079460000')).toBe(busy);
    const again = protect('+15550000000');
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
  });

  it('rejects a short or missing key without echoing it', () => {
    for (const bad of [{ hashKey: 'tiny-secret', storeRaw: false }, { storeRaw: false }, { hashKey: KEY }]) {
      const err = (() => {
        try {
          checkPrivacyConfig(bad as never);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as Error).message).not.toContain('tiny-secret');
    }
    expect(checkPrivacyConfig({ hashKey: KEY, storeRaw: true })).toEqual({
      hashKey: KEY,
      storeRaw: true,
      revealCallIds: false,
    });
  });
});
