import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { hmacSha256Hex } from '../../src/store/hmac.js';
import {
  checkPrivacyConfig,
  hashNumber,
  maskNumber,
  mayReveal,
  normaliseNumber,
  numberProtector,
  protectNumber,
} from '../../src/store/privacy.js';

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
  it('equals createHmac for any key (short, block-sized, longer than a block) and any message', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ minLength: 16, maxLength: 200 }),
          fc.string({ unit: 'grapheme', minLength: 16, maxLength: 80 }),
        ),
        fc.array(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 120 })), {
          maxLength: 8,
        }),
        (key, messages) => {
          const fast = hmacSha256Hex(key);
          // Several messages through one hasher: a long one must not leave bytes behind for a short one.
          for (const m of [...messages, ...messages.reverse()]) {
            expect(fast(m)).toBe(createHmac('sha256', key).update(m).digest('hex'));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('equals createHmac at the one-block boundary, for long and non-ASCII messages, and short ones after them', () => {
    const fast = hmacSha256Hex(KEY);
    // 55 ASCII bytes are the most one block holds with its padding; 56 take Node's HMAC.
    for (const m of [
      'x'.repeat(55),
      'x'.repeat(56),
      'x'.repeat(256),
      'é'.repeat(129),
      '☎'.repeat(2000),
      '4477',
      '',
    ])
      expect(fast(m)).toBe(createHmac('sha256', KEY).update(m).digest('hex'));
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
