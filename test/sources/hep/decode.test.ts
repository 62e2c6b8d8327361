import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeHep, HepFramer } from '../../../src/sources/hep/decode.js';
import { hep, hepJs } from './helpers.js';

describe('decodeHep', () => {
  it('reads what hep-js encodes, as hep-js reads it', () => {
    const buf = hep('OPTIONS sip:a SIP/2.0\r\n\r\n', {
      src: '192.0.2.7',
      dst: '198.51.100.9',
      ts: 1_700_000_000_123,
    });
    const r = decodeHep(buf);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const ref = hepJs.decapsulate(buf);
    if (ref === false || ref === undefined) throw new Error('hep-js could not read its own packet');
    expect(r.packet.srcIp).toBe(ref.rcinfo.srcIp);
    expect(r.packet.dstIp).toBe(ref.rcinfo.dstIp);
    expect(r.packet.captureId).toBe(ref.rcinfo.captureId);
    expect(r.packet.type).toBe(ref.rcinfo.payloadType);
    expect(r.packet.payload.toString()).toBe(ref.payload);
    expect(r.packet.ts).toBe(1_700_000_000_123);
    expect(r.packet.protocol).toBe(17);
  });

  // The chunk loop reads its integers byte by byte (issue 35's replay cost): every value of every
  // width, the top bit set included, must come out as hep-js, the reference encoder, put it in.
  it('reads every port, time and capture id as hep-js encodes and reads them (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          srcPort: fc.integer({ min: 0, max: 0xffff }),
          dstPort: fc.integer({ min: 0, max: 0xffff }),
          timeSeconds: fc.integer({ min: 0, max: 0xffff_ffff }),
          timeUseconds: fc.integer({ min: 0, max: 0xffff_ffff }),
          captureId: fc.integer({ min: 0, max: 0xffff_ffff }),
          payloadType: fc.integer({ min: 0, max: 0xff }),
        }),
        (f) => {
          const buf = hepJs.encapsulate('OPTIONS sip:a SIP/2.0\r\n\r\n', {
            protocolFamily: 2,
            protocol: 17,
            srcIp: '192.0.2.7',
            dstIp: '198.51.100.9',
            ...f,
          });
          const ref = hepJs.decapsulate(buf);
          if (ref === false || ref === undefined) throw new Error('hep-js could not read its own packet');
          const r = decodeHep(buf);
          expect(r.ok).toBe(true);
          if (!r.ok) return;
          expect(r.packet).toMatchObject({
            srcPort: ref.rcinfo.srcPort,
            dstPort: ref.rcinfo.dstPort,
            captureId: ref.rcinfo.captureId,
            type: ref.rcinfo.payloadType,
          });
          const us = Math.min(ref.rcinfo.timeUseconds as number, 999_999);
          expect(r.packet.tsMicros).toBe((ref.rcinfo.timeSeconds as number) * 1_000_000 + us);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('refuses malformed packets with a reason', () => {
    const good = hep('OPTIONS sip:a SIP/2.0\r\n\r\n');
    expect(decodeHep(Buffer.from('HEP'))).toEqual({ ok: false, reason: 'short' });
    expect(decodeHep(Buffer.from('HEP2\x00\x06'))).toEqual({ ok: false, reason: 'magic' });
    expect(decodeHep(good.subarray(0, good.length - 1))).toEqual({ ok: false, reason: 'length' });
    const zeroChunk = Buffer.from(good);
    zeroChunk.writeUInt16BE(0, 10); // first chunk's length: 0 would never advance
    expect(decodeHep(zeroChunk)).toEqual({ ok: false, reason: 'chunk' });
    expect(decodeHep(Buffer.from('HEP3\x00\x06'))).toEqual({ ok: false, reason: 'no_payload' });
  });

  it('reads IPv6 address chunks (hep-js drops them)', () => {
    const chunk = (type: number, value: Buffer) => {
      const h = Buffer.alloc(6);
      h.writeUInt16BE(0, 0);
      h.writeUInt16BE(type, 2);
      h.writeUInt16BE(6 + value.length, 4);
      return Buffer.concat([h, value]);
    };
    const v6 = Buffer.from('20010db8000000000000000000000001', 'hex');
    const body = Buffer.concat([chunk(1, Buffer.from([10])), chunk(5, v6), chunk(15, Buffer.from('x'))]);
    const head = Buffer.from('HEP3\x00\x00', 'latin1');
    head.writeUInt16BE(6 + body.length, 4);
    const r = decodeHep(Buffer.concat([head, body]));
    expect(r.ok && r.packet.srcIp).toBe('2001:db8:0:0:0:0:0:1');
  });

  it('never throws on random or truncated input', () => {
    const seed = hep('INVITE sip:a SIP/2.0\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n\r\n');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        decodeHep(Buffer.from(bytes));
        const prefixed = Buffer.concat([Buffer.from('HEP3'), Buffer.from(bytes)]);
        decodeHep(prefixed);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        fc.nat(seed.length),
        fc.nat(seed.length),
        fc.integer({ min: 0, max: 255 }),
        (cut, at, byte) => {
          const b = Buffer.from(seed.subarray(0, cut));
          if (at < b.length) b[at] = byte;
          decodeHep(b);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('HepFramer', () => {
  it('splits a TCP stream at any chunking', () => {
    const pkts = [hep('a'.repeat(20)), hep('b'.repeat(300)), hep('c')];
    const stream = Buffer.concat(pkts);
    fc.assert(
      fc.property(fc.array(fc.nat(stream.length), { maxLength: 6 }), (cuts) => {
        const got: string[] = [];
        const f = new HepFramer((p) => got.push(p.toString('hex')));
        const points = [...new Set([0, ...cuts, stream.length])].sort((a, b) => a - b);
        for (let i = 1; i < points.length; i++)
          expect(f.push(stream.subarray(points[i - 1], points[i]))).toBe(true);
        expect(got).toEqual(pkts.map((p) => p.toString('hex')));
      }),
    );
  });

  it('gives up on a stream that is not HEP', () => {
    const f = new HepFramer(() => {});
    expect(f.push(Buffer.from('GET / HTTP/1.1\r\n'))).toBe(false);
  });
});
