import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/events/bus.js';
import { parseEvent } from '../../../src/events/schemas.js';
import type { SidetoneEvent } from '../../../src/events/types.js';
import { Registry } from '../../../src/metrics/index.js';
import { HepSource } from '../../../src/sources/hep/source.js';
import { hep, rawHep, sip } from './helpers.js';

function setup(options: ConstructorParameters<typeof HepSource>[1] = {}) {
  const bus = new EventBus();
  const events: SidetoneEvent[] = [];
  bus.onAny((e) => events.push(e));
  const registry = new Registry();
  const source = new HepSource(bus, { registry, timerBMs: 1000, ...options });
  const of = (type: string) => events.filter((e) => e.type === type);
  return { source, events, of, registry };
}

const INVITE = (callId: string, branch = 'z9hG4bK-a', extra: string[] = []) =>
  hep(sip('INVITE sip:+447700900002@b.example SIP/2.0', { callId, cseq: '1 INVITE', branch, extra }));
const resp = (callId: string, code: string, cseq = '1 INVITE', branch = 'z9hG4bK-a', to = 'callee') =>
  hep(sip(`SIP/2.0 ${code}`, { callId, cseq, branch, to }));

describe('HepTracker through HepSource', () => {
  it('a refresh answered 481 is a dialog gone, 422 a failure (RFC 4028 7.4, 10)', () => {
    const { source, of } = setup();
    source.handle(INVITE('r481'), 0);
    source.handle(resp('r481', '200 OK'), 1);
    const refresh = (cseq: number, code: string, at: number) => {
      const branch = `z9hG4bK-u${cseq}`;
      const extra = ['Session-Expires: 1800'];
      source.handle(
        hep(
          sip('UPDATE sip:b SIP/2.0', {
            callId: 'r481',
            cseq: `${cseq} UPDATE`,
            branch,
            to: 'callee',
            extra,
          }),
        ),
        at,
      );
      source.handle(resp('r481', code, `${cseq} UPDATE`, branch), at + 1);
    };
    refresh(2, '422 Session Interval Too Small', 10);
    refresh(3, '481 Call/Transaction Does Not Exist', 20);
    const results = of('sip.session_refresh').map((e) => e as { result: string; code: number });
    expect(results).toEqual([
      expect.objectContaining({ result: 'failed', code: 422 }),
      expect.objectContaining({ result: 'dialog_gone', code: 481 }),
    ]);
    for (const e of of('sip.session_refresh')) expect(parseEvent(e).ok).toBe(true);
  });

  it('one attempt per call across proxy legs and retransmissions; PDD, answer and BYE', () => {
    const { source, of } = setup();
    source.handle(INVITE('c1', 'z9hG4bK-leg1'), 0);
    source.handle(INVITE('c1', 'z9hG4bK-leg1'), 500); // retransmission
    source.handle(INVITE('c1', 'z9hG4bK-leg2'), 1); // the proxy's second leg
    source.handle(resp('c1', '100 Trying', '1 INVITE', 'z9hG4bK-leg1', ''), 2);
    source.handle(resp('c1', '180 Ringing', '1 INVITE', 'z9hG4bK-leg2'), 3);
    source.handle(resp('c1', '180 Ringing', '1 INVITE', 'z9hG4bK-leg1'), 3);
    source.handle(resp('c1', '200 OK', '1 INVITE', 'z9hG4bK-leg2'), 4);
    source.handle(resp('c1', '200 OK', '1 INVITE', 'z9hG4bK-leg1'), 4);
    source.handle(resp('c1', '200 OK', '1 INVITE', 'z9hG4bK-leg1'), 504); // 2xx retransmission
    source.handle(hep(sip('ACK sip:b SIP/2.0', { callId: 'c1', cseq: '1 ACK', to: 'callee' })), 5);
    // re-INVITE: a session refresh, never a new attempt
    source.handle(
      hep(
        sip('INVITE sip:b SIP/2.0', {
          callId: 'c1',
          cseq: '2 INVITE',
          to: 'callee',
          branch: 'z9hG4bK-r',
          extra: ['Session-Expires: 1800'],
        }),
      ),
      6,
    );
    source.handle(resp('c1', '200 OK', '2 INVITE', 'z9hG4bK-r'), 7);
    source.handle(
      hep(sip('BYE sip:b SIP/2.0', { callId: 'c1', cseq: '3 BYE', to: 'callee', branch: 'z9hG4bK-b' })),
      8,
    );
    source.handle(resp('c1', '200 OK', '3 BYE', 'z9hG4bK-b'), 9);
    expect(of('call.started')).toHaveLength(1);
    expect(of('call.started')[0]).toMatchObject({
      callId: 'c1',
      from: '+447700900001',
      to: '+447700900002',
      channel: 'sip',
      transport: 'udp',
    });
    expect(of('call.ringing')).toHaveLength(1);
    expect(of('call.answered')).toHaveLength(1);
    expect(of('call.ended')).toEqual([expect.objectContaining({ callId: 'c1', hangupBy: 'caller' })]);
    expect(of('sip.session_refresh')).toEqual([expect.objectContaining({ result: 'refreshed', code: 200 })]);
    expect(of('sip.request').map((e) => (e as { method: string }).method)).toEqual([
      'INVITE',
      'ACK',
      'INVITE',
      'BYE',
    ]);
    expect(of('sip.response').map((e) => (e as { code: number }).code)).toEqual([100, 180, 200, 200, 200]);
    expect(source.tracker.duplicates).toBeGreaterThanOrEqual(5);
    source.tracker.tick(60_000);
    expect(of('sip.transaction_timeout')).toHaveLength(0);
  });

  it('CANCEL then 487 ends the call with 487 by the caller', () => {
    const { source, of } = setup();
    source.handle(INVITE('c2'), 0);
    source.handle(resp('c2', '180 Ringing'), 1);
    source.handle(hep(sip('CANCEL sip:b SIP/2.0', { callId: 'c2', cseq: '1 CANCEL' })), 2);
    source.handle(resp('c2', '200 canceling', '1 CANCEL'), 3);
    source.handle(resp('c2', '487 Request Terminated'), 4);
    source.handle(resp('c2', '487 Request Terminated'), 5);
    expect(of('call.ended')).toEqual([expect.objectContaining({ sipCode: 487, hangupBy: 'caller' })]);
  });

  it('final failures carry their code and a Reason cause; nothing decides the outcome here', () => {
    const { source, of } = setup();
    source.handle(INVITE('c3'), 0);
    source.handle(
      hep(
        sip('SIP/2.0 503 Service Unavailable', {
          callId: 'c3',
          cseq: '1 INVITE',
          branch: 'z9hG4bK-a',
          to: 'x',
          extra: ['Reason: Q.850;cause=34;text="no circuit"'],
        }),
      ),
      1,
    );
    expect(of('call.ended')).toEqual([
      expect.objectContaining({ sipCode: 503, q850: 34, hangupBy: 'callee' }),
    ]);
    expect(of('call.ended')[0]).not.toHaveProperty('outcome');
  });

  it('timer B: a silent UAS times out the leg; with no response anywhere the call ends as a timeout', () => {
    const { source, of } = setup();
    source.handle(INVITE('c4'), 0);
    source.tracker.tick(999);
    expect(of('sip.transaction_timeout')).toHaveLength(0);
    source.tracker.tick(1000);
    expect(of('sip.transaction_timeout')).toEqual([
      expect.objectContaining({ method: 'INVITE', timer: 'B' }),
    ]);
    expect(of('call.ended')).toEqual([expect.objectContaining({ callId: 'c4', timeout: true })]);
    // A late 408 from a proxy changes nothing.
    source.handle(resp('c4', '408 Request Timeout'), 2000);
    expect(of('call.ended')).toHaveLength(1);
  });

  it('timer B on the proxy leg only: the call ends with the proxy 408, flagged as a timeout', () => {
    const { source, of } = setup();
    source.handle(INVITE('c5', 'z9hG4bK-1'), 0);
    source.handle(resp('c5', '100 Trying', '1 INVITE', 'z9hG4bK-1', ''), 1);
    source.handle(INVITE('c5', 'z9hG4bK-2'), 1);
    source.tracker.tick(1001);
    expect(of('sip.transaction_timeout')).toHaveLength(1);
    expect(of('call.ended')).toHaveLength(0);
    source.handle(resp('c5', '408 Request Timeout', '1 INVITE', 'z9hG4bK-1'), 1500);
    expect(of('call.ended')).toEqual([expect.objectContaining({ sipCode: 408, timeout: true })]);
  });

  it('hold and resume from re-INVITE SDP', () => {
    const { source, of } = setup();
    const sdp = (dir: string) => `v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 4000 RTP/AVP 0\r\na=${dir}\r\n`;
    const reinvite = (cseq: number, dir: string) =>
      hep(
        sip('INVITE sip:b SIP/2.0', {
          callId: 'c6',
          cseq: `${cseq} INVITE`,
          to: 'callee',
          branch: `z9hG4bK-${cseq}`,
          extra: ['Content-Type: application/sdp'],
          body: sdp(dir),
        }),
      );
    source.handle(INVITE('c6'), 0);
    source.handle(resp('c6', '200 OK'), 1);
    source.handle(reinvite(2, 'sendonly'), 2);
    source.handle(reinvite(2, 'sendonly'), 3);
    source.handle(reinvite(3, 'sendrecv'), 4);
    expect(of('call.held')).toHaveLength(1);
    expect(of('call.resumed')).toHaveLength(1);
    expect(of('call.started')).toHaveLength(1);
  });

  it('REGISTER gives a registration; trunks come from CIDR and header rules', () => {
    const { source, of } = setup({
      trunks: [
        { name: 'carrier-a', cidrs: ['203.0.113.0/24'] },
        { name: 'carrier-b', header: 'X-Carrier', value: 'b' },
      ],
    });
    source.handle(hep(sip('REGISTER sip:b SIP/2.0', { callId: 'r1', cseq: '1 REGISTER' })), 0);
    source.handle(resp('r1', '401 Unauthorized', '1 REGISTER', 'z9hG4bK-1', 'x'), 1);
    expect(of('sip.registration')).toEqual([expect.objectContaining({ code: 401 })]);
    source.handle(
      hep(sip('INVITE sip:b SIP/2.0', { callId: 't1', cseq: '1 INVITE' }), {
        src: '10.1.1.1',
        dst: '203.0.113.9',
      }),
      2,
    );
    source.handle(
      hep(sip('INVITE sip:b SIP/2.0', { callId: 't2', cseq: '1 INVITE', extra: ['X-Carrier: b'] })),
      3,
    );
    source.handle(hep(sip('INVITE sip:b SIP/2.0', { callId: 't3', cseq: '1 INVITE' })), 4);
    expect(
      of('call.started').map((e) => [
        (e as { trunk?: string }).trunk,
        (e as { direction: string }).direction,
      ]),
    ).toEqual([
      ['carrier-a', 'outbound'],
      ['carrier-b', 'inbound'],
      [undefined, 'inbound'],
    ]);
  });

  it('drops and counts malformed packets, never throws (fuzz)', () => {
    const { source, registry, events } = setup();
    const seeds = [
      INVITE('f1'),
      resp('f1', '486 Busy Here'),
      hep(sip('BYE sip:b SIP/2.0', { callId: 'f1', cseq: '2 BYE', to: 'x' })),
      rawHep(5, Buffer.from('81c900070000123400005678400000000000000000000000000000000000000000', 'hex')),
    ];
    let now = 1_700_000_000_000;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 800 }).map((b) => Buffer.from(b)),
          fc
            .tuple(
              fc.constantFrom(...seeds),
              fc.nat(900),
              fc.array(fc.tuple(fc.nat(900), fc.nat(255)), { maxLength: 8 }),
            )
            .map(([seed, cut, flips]) => {
              const b = Buffer.from(seed.subarray(0, cut));
              for (const [at, v] of flips) if (at < b.length) b[at] = v;
              return b;
            }),
          fc
            .tuple(fc.constantFrom(...seeds), fc.string({ maxLength: 300 }))
            .map(([seed, junk]) => Buffer.concat([seed.subarray(0, 60), Buffer.from(junk)])),
        ),
        (buf) => {
          source.handle(buf, (now += 7));
          source.tracker.tick(now);
        },
      ),
      { numRuns: 5000 },
    );
    // Whatever got through is a valid event (the bus does not validate: the source must).
    for (const e of events) expect(parseEvent(e).ok).toBe(true);
    const text = registry.render();
    expect(text).toMatch(/sidetone_hep_packets_total\{result="malformed_hep"\} [1-9]/);
  });
});

describe('HepTracker memory', () => {
  it('forgets ended calls after the linger and never-ended ones after the maximum age', () => {
    const bus = new EventBus();
    const source = new HepSource(bus, { timerBMs: 1000 });
    source.handle(INVITE('m1'), 0);
    source.handle(resp('m1', '486 Busy Here'), 1);
    source.handle(INVITE('m2'), 2);
    source.handle(resp('m2', '200 OK'), 3); // answered, BYE never captured
    expect(source.tracker.size).toBe(2);
    source.tracker.tick(40_000);
    expect(source.tracker.size).toBe(1);
    source.tracker.tick(4 * 3600_000 + 10);
    expect(source.tracker.size).toBe(0);
  });
});

describe('HepTracker digest challenges', () => {
  it('407 then an authenticated INVITE is one attempt that can still be answered', () => {
    const { source, of } = setup();
    source.handle(INVITE('a1', 'z9hG4bK-1'), 0);
    source.handle(resp('a1', '407 Proxy Authentication Required', '1 INVITE', 'z9hG4bK-1', 'p'), 1);
    source.handle(
      hep(sip('ACK sip:b SIP/2.0', { callId: 'a1', cseq: '1 ACK', to: 'p', branch: 'z9hG4bK-1' })),
      2,
    );
    source.handle(
      hep(
        sip('INVITE sip:b SIP/2.0', {
          callId: 'a1',
          cseq: '2 INVITE',
          branch: 'z9hG4bK-2',
          extra: ['Proxy-Authorization: Digest x'],
        }),
      ),
      3,
    );
    source.handle(resp('a1', '200 OK', '2 INVITE', 'z9hG4bK-2'), 4);
    expect(of('call.started')).toHaveLength(1);
    expect(of('sip.auth')).toEqual([expect.objectContaining({ result: 'challenge' })]);
    expect(of('call.answered')).toHaveLength(1);
    expect(of('call.ended')).toHaveLength(0);
    source.tracker.tick(10_000);
    expect(of('call.ended')).toHaveLength(0);
  });

  it('a challenge never retried ends the attempt with its code', () => {
    const { source, of } = setup();
    source.handle(INVITE('a2'), 0);
    source.handle(resp('a2', '401 Unauthorized'), 1);
    expect(of('call.ended')).toHaveLength(0);
    source.tracker.tick(1001);
    expect(of('call.ended')).toEqual([expect.objectContaining({ sipCode: 401 })]);
  });
});
