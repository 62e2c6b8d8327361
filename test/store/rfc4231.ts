/**
 * RFC 4231 section 4, the HMAC-SHA-256 results (test case 5's output truncated to 128 bits, as
 * the RFC gives it). Keys and data as the RFC writes them, in hex where they are not text. Shared
 * by the Node HMAC's test (privacy.test.ts) and PostgreSQL's (record-ids.e2e.test.ts).
 */
export const RFC_4231: ReadonlyArray<{ case: number; key: Uint8Array; data: string; mac: string }> = [
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
