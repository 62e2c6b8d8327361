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
  /**
   * RFC 4231 section 4, the HMAC-SHA-256 results (test case 5's output truncated to 128 bits, as
   * the RFC gives it). Keys and data as the RFC writes them, in hex where they are not text.
   */
  const RFC_4231: ReadonlyArray<{ case: number; key: Uint8Array; data: string; mac: string }> = [
    {
      case: 1,
      key: Buffer.alloc(20, 0x0b),
      data: 'Hi There',
      mac: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    },
    {
      case: 2,
      key: Buffer.from('Jefe'),
      data: 'what do ya want for nothing?',
      mac: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    },
    {
      case: 5,
      key: Buffer.alloc(20, 0x0c),
      data: 'Test With Truncation',
      mac: 'a3b6167473100ee06e0c796c2955552b',
    },
    {
      case: 6,
      key: Buffer.alloc(131, 0xaa),
      data: 'Test Using Larger Than Block-Size Key - Hash Key First',
      mac: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    },
    {
      case: 7,
      key: Buffer.alloc(131, 0xaa),
      data: 'This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.',
      mac: '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
    },
  ];

  it.each(RFC_4231)('gives RFC 4231 test case $case', ({ key, data, mac }) => {
    expect(hmacSha256Hex(key)(data).slice(0, mac.length)).toBe(mac);
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
    // storeRaw has no default: the fix the message names is one that works.
    expect(() => checkPrivacyConfig({ hashKey: KEY } as never)).toThrow(
      /privacy\.storeRaw must be true or false, got undefined; set it to false/,
    );
    expect(checkPrivacyConfig({ hashKey: KEY, storeRaw: false }).storeRaw).toBe(false);
    expect(checkPrivacyConfig({ hashKey: KEY, storeRaw: true })).toEqual({
      hashKey: KEY,
      storeRaw: true,
      revealCallIds: false,
    });
  });
});
