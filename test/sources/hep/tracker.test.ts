import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HEP_ROUTE_WAIT_MS } from '../../../src/config/source-defaults.js';
import { EventBus } from '../../../src/events/bus.js';
import { parseEvent } from '../../../src/events/schemas.js';
import type { SidetoneEvent } from '../../../src/events/types.js';
import { Registry } from '../../../src/metrics/index.js';
import { HepSource } from '../../../src/sources/hep/source.js';
import { instrument } from '../../../src/telephony/index.js';
import { hep as hepPacket, rawHep, sip, T0 } from './helpers.js';

/** SIP text, stamped when it is fed. */
const hep = (text: string) => text;

/** In arrival order (no reorder window): these cases are about what each message means. */
function setup(options: ConstructorParameters<typeof HepSource>[1] = {}) {
  const bus = new EventBus();
  const events: SidetoneEvent[] = [];
  bus.onAny((e) => events.push(e));
  const registry = new Registry();
  const source = new HepSource(bus, { registry, timerBMs: 1000, reorderWindowMs: 0, ...options });
  const of = (type: string) => events.filter((e) => e.type === type);
  const feed = (text: string, at: number, o: { src?: string; dst?: string } = {}) =>
    source.handle(hepPacket(text, { ...o, ts: T0 + at }), T0 + at);
  const tick = (at: number) => source.tick(T0 + at);
  return { source, events, of, registry, feed, tick };
}

const INVITE = (callId: string, branch = 'z9hG4bK-a', extra: string[] = []) =>
  hep(sip('INVITE sip:+447700900002@b.example SIP/2.0', { callId, cseq: '1 INVITE', branch, extra }));
const resp = (callId: string, code: string, cseq = '1 INVITE', branch = 'z9hG4bK-a', to = 'callee') =>
  hep(sip(`SIP/2.0 ${code}`, { callId, cseq, branch, to }));

describe('HepTracker through HepSource', () => {
  it('a refresh answered 481 is a dialog gone, 422 a failure (RFC 4028 7.4, 10)', () => {
    const { feed, of } = setup();
    feed(INVITE('r481'), 0);
    feed(resp('r481', '200 OK'), 1);
    const refresh = (cseq: number, code: string, at: number) => {
      const branch = `z9hG4bK-u${cseq}`;
      const extra = ['Session-Expires: 1800'];
      feed(
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
      feed(resp('r481', code, `${cseq} UPDATE`, branch), at + 1);
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
    const { source, of, feed, tick } = setup();
    feed(INVITE('c1', 'z9hG4bK-leg1'), 0);
    feed(INVITE('c1', 'z9hG4bK-leg1'), 500); // retransmission
    feed(INVITE('c1', 'z9hG4bK-leg2'), 1); // the proxy's second leg
    feed(resp('c1', '100 Trying', '1 INVITE', 'z9hG4bK-leg1', ''), 2);
    feed(resp('c1', '180 Ringing', '1 INVITE', 'z9hG4bK-leg2'), 3);
    feed(resp('c1', '180 Ringing', '1 INVITE', 'z9hG4bK-leg1'), 3);
    feed(resp('c1', '200 OK', '1 INVITE', 'z9hG4bK-leg2'), 4);
    feed(resp('c1', '200 OK', '1 INVITE', 'z9hG4bK-leg1'), 4);
    feed(resp('c1', '200 OK', '1 INVITE', 'z9hG4bK-leg1'), 504); // 2xx retransmission
    feed(hep(sip('ACK sip:b SIP/2.0', { callId: 'c1', cseq: '1 ACK', to: 'callee' })), 5);
    // re-INVITE: a session refresh, never a new attempt
    feed(
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
    feed(resp('c1', '200 OK', '2 INVITE', 'z9hG4bK-r'), 7);
    feed(
      hep(sip('BYE sip:b SIP/2.0', { callId: 'c1', cseq: '3 BYE', to: 'callee', branch: 'z9hG4bK-b' })),
      8,
    );
    feed(resp('c1', '200 OK', '3 BYE', 'z9hG4bK-b'), 9);
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
    tick(60_000);
    expect(of('sip.transaction_timeout')).toHaveLength(0);
  });

  it('CANCEL then 487 ends the call with 487 by the caller', () => {
    const { of, feed } = setup();
    feed(INVITE('c2'), 0);
    feed(resp('c2', '180 Ringing'), 1);
    feed(hep(sip('CANCEL sip:b SIP/2.0', { callId: 'c2', cseq: '1 CANCEL' })), 2);
    feed(resp('c2', '200 canceling', '1 CANCEL'), 3);
    feed(resp('c2', '487 Request Terminated'), 4);
    feed(resp('c2', '487 Request Terminated'), 5);
    expect(of('call.ended')).toEqual([expect.objectContaining({ sipCode: 487, hangupBy: 'caller' })]);
  });

  it('final failures carry their code and a Reason cause; nothing decides the outcome here', () => {
    const { of, feed } = setup();
    feed(INVITE('c3'), 0);
    feed(
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
    const { of, feed, tick } = setup();
    feed(INVITE('c4'), 0);
    tick(999);
    expect(of('sip.transaction_timeout')).toHaveLength(0);
    tick(1001);
    expect(of('sip.transaction_timeout')).toEqual([
      expect.objectContaining({ method: 'INVITE', timer: 'B' }),
    ]);
    expect(of('call.ended')).toEqual([expect.objectContaining({ callId: 'c4', timeout: true })]);
    // A late 408 from a proxy changes nothing.
    feed(resp('c4', '408 Request Timeout'), 2000);
    expect(of('call.ended')).toHaveLength(1);
  });

  it('timer B on the proxy leg only: the call ends with the proxy 408, flagged as a timeout', () => {
    const { of, feed, tick } = setup();
    feed(INVITE('c5', 'z9hG4bK-1'), 0);
    feed(resp('c5', '100 Trying', '1 INVITE', 'z9hG4bK-1', ''), 1);
    feed(INVITE('c5', 'z9hG4bK-2'), 1);
    tick(1002);
    expect(of('sip.transaction_timeout')).toHaveLength(1);
    expect(of('call.ended')).toHaveLength(0);
    feed(resp('c5', '408 Request Timeout', '1 INVITE', 'z9hG4bK-1'), 1500);
    expect(of('call.ended')).toEqual([expect.objectContaining({ sipCode: 408, timeout: true })]);
  });

  it('hold and resume from re-INVITE SDP', () => {
    const { of, feed } = setup();
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
    feed(INVITE('c6'), 0);
    feed(resp('c6', '200 OK'), 1);
    feed(reinvite(2, 'sendonly'), 2);
    feed(reinvite(2, 'sendonly'), 3);
    feed(reinvite(3, 'sendrecv'), 4);
    expect(of('call.held')).toHaveLength(1);
    expect(of('call.resumed')).toHaveLength(1);
    expect(of('call.started')).toHaveLength(1);
  });

  it('REGISTER gives a registration; trunks come from CIDR and header rules', () => {
    const { of, feed, tick } = setup({
      trunks: [
        { name: 'carrier-a', cidrs: ['203.0.113.0/24'] },
        { name: 'carrier-b', header: 'X-Carrier', value: 'b' },
      ],
    });
    feed(hep(sip('REGISTER sip:b SIP/2.0', { callId: 'r1', cseq: '1 REGISTER' })), 0);
    feed(resp('r1', '401 Unauthorized', '1 REGISTER', 'z9hG4bK-1', 'x'), 1);
    expect(of('sip.registration')).toEqual([expect.objectContaining({ code: 401 })]);
    feed(hep(sip('INVITE sip:b SIP/2.0', { callId: 't1', cseq: '1 INVITE' })), 2, {
      src: '10.1.1.1',
      dst: '203.0.113.9',
    });
    feed(hep(sip('INVITE sip:b SIP/2.0', { callId: 't2', cseq: '1 INVITE', extra: ['X-Carrier: b'] })), 3);
    feed(hep(sip('INVITE sip:b SIP/2.0', { callId: 't3', cseq: '1 INVITE' })), 4);
    // t3 matched no rule: it waits for a copy that does (route-wait.ts), then opens with none.
    expect(of('call.started')).toHaveLength(2);
    tick(4 + HEP_ROUTE_WAIT_MS);
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

  it('drops and counts malformed packets, never throws (fuzz)', async () => {
    const { source, registry, events } = setup();
    const seeds = [
      hepPacket(INVITE('f1')),
      hepPacket(resp('f1', '486 Busy Here')),
      hepPacket(sip('BYE sip:b SIP/2.0', { callId: 'f1', cseq: '2 BYE', to: 'x' })),
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
          source.tick(now);
        },
      ),
      { numRuns: 5000 },
    );
    // Whatever got through is a valid event (the bus does not validate: the source must).
    for (const e of events) expect(parseEvent(e).ok).toBe(true);
    const text = await registry.metrics();
    expect(text).toMatch(/sidetone_hep_packets_total\{result="malformed_hep"\} [1-9]/);
  });
});

describe('HepTracker memory', () => {
  it('forgets ended calls after the linger and never-ended ones after the maximum age', () => {
    const { source, feed, tick } = setup();
    feed(INVITE('m1'), 0);
    feed(resp('m1', '486 Busy Here'), 1);
    feed(INVITE('m2'), 2);
    feed(resp('m2', '200 OK'), 3); // answered, BYE never captured
    expect(source.tracker.size).toBe(2);
    tick(40_000);
    expect(source.tracker.size).toBe(1);
    tick(4 * 3600_000 + 10);
    expect(source.tracker.size).toBe(0);
  });
});

describe('HepTracker digest challenges', () => {
  it('407 then an authenticated INVITE is one attempt that can still be answered', () => {
    const { of, feed, tick } = setup();
    feed(INVITE('a1', 'z9hG4bK-1'), 0);
    feed(resp('a1', '407 Proxy Authentication Required', '1 INVITE', 'z9hG4bK-1', 'p'), 1);
    feed(hep(sip('ACK sip:b SIP/2.0', { callId: 'a1', cseq: '1 ACK', to: 'p', branch: 'z9hG4bK-1' })), 2);
    feed(
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
    feed(resp('a1', '200 OK', '2 INVITE', 'z9hG4bK-2'), 4);
    expect(of('call.started')).toHaveLength(1);
    // The 407, then the 200 to the retried INVITE: the credentials were taken.
    expect(of('sip.auth').map((e) => (e as { result: string }).result)).toEqual(['challenge', 'success']);
    expect(of('call.answered')).toHaveLength(1);
    expect(of('call.ended')).toHaveLength(0);
    tick(10_000);
    expect(of('call.ended')).toHaveLength(0);
  });

  it('a challenge never retried ends the attempt with its code, after 3 minutes (a user may be typing the password)', () => {
    const { of, feed, tick } = setup();
    feed(INVITE('a2'), 0);
    feed(resp('a2', '401 Unauthorized'), 1);
    expect(of('call.ended')).toHaveLength(0);
    // A captured phone retried 32.5 s after its 407 (research/sip aaa-sipps-cybercity).
    tick(60_000);
    expect(of('call.ended')).toHaveLength(0);
    tick(180_002);
    expect(of('call.ended')).toEqual([expect.objectContaining({ sipCode: 401 })]);
  });
});

describe('redirects (issue 35)', () => {
  function calls() {
    const bus = new EventBus();
    const registry = new Registry();
    instrument(bus, registry, { packs: { calls: true } });
    const events: SidetoneEvent[] = [];
    bus.onAny((e) => events.push(e));
    const source = new HepSource(bus, { registry, reorderWindowMs: 0 });
    const feed = (text: string, at: number) => source.handle(hepPacket(text, { ts: T0 + at }), T0 + at);
    const outcome = async (o: string) => {
      const text = await registry.metrics();
      const lines = text
        .split('\n')
        .filter((l) => l.startsWith('sidetone_call_outcomes_total{') && l.includes(`outcome="${o}"`));
      return lines.reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    };
    return { source, events, feed, outcome };
  }
  const invite = (callId: string, cseq: number) =>
    sip('INVITE sip:+447700900002@b.example SIP/2.0', {
      callId,
      cseq: `${cseq} INVITE`,
      branch: `z9hG4bK-${cseq}`,
    });
  const reply = (callId: string, cseq: number, status: string) =>
    sip(`SIP/2.0 ${status}`, { callId, cseq: `${cseq} INVITE`, branch: `z9hG4bK-${cseq}`, to: `t${cseq}` });

  it('302, then an INVITE on the same Call-ID, answered: one call, answered (RFC 6076 4.6 SER 100 %; was redirected)', async () => {
    const { source, events, feed, outcome } = calls();
    feed(invite('x1', 1), 0);
    feed(reply('x1', 1, '302 Moved Temporarily'), 10);
    feed(sip('ACK sip:b SIP/2.0', { callId: 'x1', cseq: '1 ACK', branch: 'z9hG4bK-1', to: 't1' }), 11);
    feed(invite('x1', 2), 20);
    feed(reply('x1', 2, '180 Ringing'), 30);
    feed(reply('x1', 2, '200 OK'), 40);
    feed(sip('BYE sip:b SIP/2.0', { callId: 'x1', cseq: '3 BYE', branch: 'z9hG4bK-b', to: 't2' }), 5000);
    source.tick(T0 + 60_000);
    expect(events.filter((e) => e.type === 'call.started')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'call.answered')).toHaveLength(1);
    expect(events.find((e) => e.type === 'call.ended')).toMatchObject({ hangupBy: 'caller' });
    expect(events.find((e) => e.type === 'call.ended')).not.toHaveProperty('sipCode');
    expect(await outcome('answered')).toBe(1);
    expect(await outcome('redirected')).toBe(0);
    // PDD runs from the first INVITE (RFC 6076 4.3.1 counts SRD across the redirect).
    const ringing = events.find((e) => e.type === 'call.ringing');
    expect(ringing?.ts).toBe(T0 + 30);
  });

  it('302 then 486: the outcome is the final one (busy: SEER-effective)', async () => {
    const { source, feed, outcome } = calls();
    feed(invite('x2', 1), 0);
    feed(reply('x2', 1, '302 Moved Temporarily'), 10);
    feed(invite('x2', 2), 20);
    feed(reply('x2', 2, '486 Busy Here'), 40);
    source.tick(T0 + 60_000);
    expect(await outcome('busy')).toBe(1);
    expect(await outcome('redirected')).toBe(0);
  });

  it('a 302 on one fork and a 200 on another: one answered call, ended by its BYE (was ended 302, redirected, 32 s after its answer)', async () => {
    // A forking proxy relays the INVITE on two branches; the capture sees both legs' finals to the
    // same CSeq (RFC 3261 16.7: the 2xx is forwarded at once). The answer is the attempt's outcome:
    // nothing waits on the other fork's 3xx (docs/sources/hep.md, the dialog table: waiting + 2xx).
    const { source, events, feed, outcome } = calls();
    const fork = (status: string, branch: string, to: string) =>
      sip(`SIP/2.0 ${status}`, { callId: 'x4', cseq: '1 INVITE', branch, to });
    feed(
      sip('INVITE sip:+447700900002@b.example SIP/2.0', {
        callId: 'x4',
        cseq: '1 INVITE',
        branch: 'z9hG4bK-1a',
      }),
      0,
    );
    feed(
      sip('INVITE sip:+447700900002@b.example SIP/2.0', {
        callId: 'x4',
        cseq: '1 INVITE',
        branch: 'z9hG4bK-1b',
      }),
      1,
    );
    feed(fork('302 Moved Temporarily', 'z9hG4bK-1a', 'ta'), 10);
    feed(fork('200 OK', 'z9hG4bK-1b', 'tb'), 20);
    feed(sip('BYE sip:b SIP/2.0', { callId: 'x4', cseq: '2 BYE', branch: 'z9hG4bK-b', to: 'tb' }), 60_000);
    source.tick(T0 + 120_000);
    const ended = events.filter((e) => e.type === 'call.ended');
    expect(ended).toEqual([expect.objectContaining({ ts: T0 + 60_000, hangupBy: 'caller' })]);
    expect(ended[0]).not.toHaveProperty('sipCode');
    expect(await outcome('answered')).toBe(1);
    expect(await outcome('redirected')).toBe(0);
  });

  it('a 302 nobody follows within 64*T1 ends the call redirected (out of the SER denominator)', async () => {
    const { source, feed, outcome } = calls();
    feed(invite('x3', 1), 0);
    feed(reply('x3', 1, '302 Moved Temporarily'), 10);
    source.tick(T0 + 1000);
    expect(await outcome('redirected')).toBe(0);
    source.tick(T0 + 33_000);
    expect(await outcome('redirected')).toBe(1);
  });
});
