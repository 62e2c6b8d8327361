import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { header, parseSip, uriUser } from '../../../src/sources/hep/sip.js';

const parse = (s: string) => parseSip(Buffer.from(s));

describe('parseSip (RFC 3261 7)', () => {
  it('compact header forms, folded lines and bare LF', () => {
    const m = parse(
      'INVITE sip:+15551234567@b.example SIP/2.0\n' +
        'v: SIP/2.0/TCP 10.0.0.1;branch=z9hG4bK-7\n' +
        'f: "A" <sip:+15550001@a.example>;tag=ft\n' +
        't: <tel:+15551234567>\n' +
        'i: abc@host\n' +
        'CSeq: 7\n INVITE\n' +
        'x: 90\n' +
        'c: application/SDP\n' +
        'X-Carrier: b\n\nv=0\n',
    );
    expect(m).toMatchObject({
      method: 'INVITE',
      code: 0,
      callId: 'abc@host',
      cseq: 7,
      fromTag: 'ft',
      toTag: '',
      fromUser: '+15550001',
      toUser: '+15551234567',
      branch: 'z9hG4bK-7',
      transport: 'tcp',
      sessionExpires: true,
      contentType: 'application/sdp',
      body: 'v=0\n',
    });
    expect(m && header(m, 'x-carrier')).toBe('b');
    expect(m && header(m, 'Call-ID')).toBe('abc@host');
  });

  it('responses take their method from CSeq; Reason gives the Q.850 cause (RFC 3326)', () => {
    const m = parse(
      'SIP/2.0 503 Service Unavailable\r\nCall-ID: a\r\nCSeq: 1 INVITE\r\nReason: Q.850;cause=34;text="x"\r\n\r\n',
    );
    expect(m).toMatchObject({ method: 'INVITE', code: 503, q850: 34 });
  });

  it.each([
    ['no Call-ID', 'SIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\n\r\n'],
    ['no CSeq', 'SIP/2.0 200 OK\r\nCall-ID: a\r\n\r\n'],
    ['bad code', 'SIP/2.0 999 Nope\r\nCall-ID: a\r\nCSeq: 1 INVITE\r\n\r\n'],
    ['CSeq method differs', 'BYE sip:a SIP/2.0\r\nCall-ID: a\r\nCSeq: 1 INVITE\r\n\r\n'],
    ['not SIP', 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'],
  ])('refuses %s', (_name, text) => {
    expect(parse(text)).toBeUndefined();
  });

  it.each([
    ['"Bob" <sip:+4420@host>;tag=1', '+4420'],
    ['<sips:alice@host>', 'alice'],
    ['sip:host.example', ''],
    ['<tel:+15551234567;phone-context=x>', '+15551234567'],
    ['garbage', ''],
  ])('uriUser(%s) = %s', (value, user) => {
    expect(uriUser(value)).toBe(user);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 400 }),
        fc.constantFrom('', 'SIP/2.0 200 OK\r\n', 'INVITE sip:a SIP/2.0\r\n'),
        (s, start) => {
          parseSip(Buffer.from(start + s));
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('parseSip limits', () => {
  it('refuses a Call-ID longer than the store keeps (200)', () => {
    const msg = (id: string) => `SIP/2.0 200 OK\r\nCall-ID: ${id}\r\nCSeq: 1 INVITE\r\n\r\n`;
    expect(parseSip(Buffer.from(msg('a'.repeat(200))))?.callId).toHaveLength(200);
    expect(parseSip(Buffer.from(msg('a'.repeat(201))))).toBeUndefined();
  });
});
