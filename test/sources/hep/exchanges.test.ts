// Issue 35, registrations and trunks: what a capture says about REGISTER chains (register,
// re-register, unregister, challenged, failed; the active bindings per trunk; RFC 6076 4.1 RRD;
// challenges as authentication steps) and about OPTIONS keepalives to a configured trunk (up/down
// and round trip, with no prober). Before issue 35 an Expires 0 REGISTER counted as a successful
// registration, nothing counted unregistrations or challenges to REGISTER, and keepalives never
// moved sidetone_trunk_up.
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/events/bus.js';
import type { SidetoneEvent } from '../../../src/events/types.js';
import { Registry } from '../../../src/metrics/index.js';
import { HepSource } from '../../../src/sources/hep/source.js';
import type { TrunkRule } from '../../../src/sources/hep/trunks.js';
import { instrument } from '../../../src/telephony/index.js';
import { feeder, sip, T0 } from './helpers.js';

const PBX = '10.0.0.1';
const CARRIER = '203.0.113.5';

function setup(trunks: TrunkRule[] = [{ name: 'carrier', cidrs: ['203.0.113.0/24'] }]) {
  const bus = new EventBus();
  const registry = new Registry();
  // The packs' clock is the capture's (trunk status goes stale on it).
  let now = T0;
  instrument(bus, registry, { trunks: ['carrier'], packs: { sip: true, trunks: true }, now: () => now });
  const events: SidetoneEvent[] = [];
  bus.onAny((e) => events.push(e));
  const source = new HepSource(bus, { registry, trunks });
  const feedAt = feeder(source);
  const feed: typeof feedAt = (text, o) => {
    now = T0 + (o.at ?? o.ts);
    feedAt(text, o);
  };
  const of = (type: string) => events.filter((e) => e.type === type);
  const settle = (ms: number) => {
    now = T0 + ms;
    source.tick(now);
  };
  const metric = async (line: string) => {
    const text = await registry.metrics();
    const m = text.split('\n').find((l) => l.startsWith(`${line} `));
    return m === undefined ? undefined : Number(m.slice(m.lastIndexOf(' ') + 1));
  };
  return { feed, of, settle, metric, source };
}

/** A REGISTER from the PBX to the carrier and the carrier's answer. */
function register(
  lab: ReturnType<typeof setup>,
  o: {
    callId: string;
    cseq: number;
    at: number;
    status: string;
    extra?: string[];
    answer?: string[];
    aor?: string;
  },
) {
  const h = {
    callId: o.callId,
    cseq: `${o.cseq} REGISTER`,
    branch: `z9hG4bK-${o.callId}-${o.cseq}`,
    ...(o.aor !== undefined && { toUri: o.aor }),
  };
  lab.feed(sip('REGISTER sip:carrier.example SIP/2.0', { ...h, extra: o.extra ?? [] }), {
    ts: o.at,
    src: PBX,
    dst: CARRIER,
  });
  lab.feed(sip(`SIP/2.0 ${o.status}`, { ...h, to: 'reg', extra: o.answer ?? [] }), {
    ts: o.at + 40,
    src: CARRIER,
    dst: PBX,
  });
}

describe('registrations', () => {
  it('401 -> 200 registers (RRD from the first REGISTER, challenge included), a refresh re-registers, Expires 0 unregisters', async () => {
    const lab = setup();
    register(lab, { callId: 'r1', cseq: 1, at: 0, status: '401 Unauthorized' });
    register(lab, { callId: 'r1', cseq: 2, at: 100, status: '200 OK', extra: ['Expires: 600'] });
    register(lab, { callId: 'r1', cseq: 3, at: 300_000, status: '200 OK', extra: ['Expires: 600'] });
    register(lab, { callId: 'r1', cseq: 4, at: 400_000, status: '200 OK', extra: ['Expires: 0'] });
    lab.settle(500_000);
    expect(
      lab.of('sip.registration').map((e) => [(e as { result: string }).result, (e as { kind: string }).kind]),
    ).toEqual([
      ['challenged', 'register'],
      ['success', 'register'],
      ['success', 'reregister'],
      ['success', 'unregister'],
    ]);
    expect((lab.of('sip.registration')[1] as { seconds: number }).seconds).toBeCloseTo(0.14, 6);
    expect(lab.of('sip.auth').map((e) => (e as { result: string }).result)).toEqual(['challenge', 'success']);
    const m = lab.metric;
    expect(await m('sidetone_sip_registrations_total{direction="outbound",result="success"}')).toBe(2);
    expect(await m('sidetone_sip_unregistrations_total{direction="outbound",result="success"}')).toBe(1);
    expect(await m('sidetone_sip_auth_attempts_total{direction="outbound",result="challenge"}')).toBe(1);
    expect(await m('sidetone_sip_registrations_active{direction="outbound",trunk="carrier"}')).toBe(0);
    expect(
      await m('sidetone_sip_registration_request_delay_seconds_count{direction="outbound",trunk="carrier"}'),
    ).toBe(2);
  });

  it('expires=0 on every Contact and Contact: * unregister too; the active gauge follows', async () => {
    const lab = setup();
    for (const [i, id] of ['a', 'b', 'c'].entries())
      register(lab, { callId: id, cseq: 1, at: i, status: '200 OK', aor: `${id}@carrier.example` });
    lab.settle(500);
    expect(await lab.metric('sidetone_sip_registrations_active{direction="outbound",trunk="carrier"}')).toBe(
      3,
    );
    register(lab, {
      callId: 'a',
      cseq: 2,
      at: 1000,
      status: '200 OK',
      aor: 'a@carrier.example',
      extra: ['Contact: <sip:a@10.0.0.1>;expires=0'],
    });
    register(lab, {
      callId: 'b',
      cseq: 2,
      at: 1001,
      status: '200 OK',
      aor: 'b@carrier.example',
      extra: ['Contact: *', 'Expires: 0'],
    });
    lab.settle(2000);
    expect(lab.of('sip.registration').map((e) => (e as { kind: string }).kind)).toEqual([
      'register',
      'register',
      'register',
      'unregister',
      'unregister',
    ]);
    expect(await lab.metric('sidetone_sip_registrations_active{direction="outbound",trunk="carrier"}')).toBe(
      1,
    );
  });

  it('a binding nobody refreshes expires at the interval the registrar granted', async () => {
    const lab = setup();
    register(lab, {
      callId: 'e1',
      cseq: 1,
      at: 0,
      status: '200 OK',
      answer: ['Contact: <sip:e@10.0.0.1>;expires=60'],
    });
    lab.settle(59_000);
    expect(lab.of('sip.registration_expired')).toEqual([]);
    lab.settle(61_000);
    expect(lab.of('sip.registration_expired')).toEqual([
      expect.objectContaining({ trunk: 'carrier', ts: T0 + 60_040 }),
    ]);
    expect(await lab.metric('sidetone_sip_registrations_active{direction="outbound",trunk="carrier"}')).toBe(
      0,
    );
    expect(
      await lab.metric(
        'sidetone_sip_registration_bindings_total{direction="outbound",trunk="carrier",change="expired"}',
      ),
    ).toBe(1);
  });

  it('a refused or unanswered REGISTER is a failure (403 after a challenge: credentials refused; timer F: timeout)', () => {
    const lab = setup();
    register(lab, { callId: 'f1', cseq: 1, at: 0, status: '401 Unauthorized' });
    register(lab, { callId: 'f1', cseq: 2, at: 100, status: '403 Forbidden' });
    lab.feed(
      sip('REGISTER sip:carrier.example SIP/2.0', { callId: 'f2', cseq: '1 REGISTER', branch: 'z9hG4bK-f2' }),
      {
        ts: 200,
        src: PBX,
        dst: CARRIER,
      },
    );
    lab.settle(40_000);
    expect(lab.of('sip.registration').map((e) => (e as { result: string }).result)).toEqual([
      'challenged',
      'failed',
      'timeout',
    ]);
    expect(lab.of('sip.auth').map((e) => (e as { result: string }).result)).toEqual(['challenge', 'failure']);
  });
});

describe('trunk status from captured keepalives', () => {
  const options = (lab: ReturnType<typeof setup>, id: string, at: number, status?: string) => {
    const h = { callId: id, cseq: '1 OPTIONS', branch: `z9hG4bK-${id}` };
    lab.feed(sip('OPTIONS sip:carrier.example SIP/2.0', h), { ts: at, src: PBX, dst: CARRIER });
    if (status !== undefined)
      lab.feed(sip(`SIP/2.0 ${status}`, { ...h, to: 'k' }), { ts: at + 42, src: CARRIER, dst: PBX });
  };

  it('an answer says up with its round trip; silence for 64*T1 says down; a 503 says down', async () => {
    const lab = setup();
    options(lab, 'k1', 0, '200 OK');
    lab.settle(1000);
    expect(lab.of('trunk.status')).toEqual([
      expect.objectContaining({ trunk: 'carrier', up: true, code: 200, rttSeconds: 0.042 }),
    ]);
    expect(await lab.metric('sidetone_trunk_up{trunk="carrier"}')).toBe(1);
    options(lab, 'k2', 2000);
    lab.settle(33_000);
    expect(await lab.metric('sidetone_trunk_up{trunk="carrier"}')).toBe(1); // timer F not yet
    lab.settle(34_500);
    expect(await lab.metric('sidetone_trunk_up{trunk="carrier"}')).toBe(0);
    options(lab, 'k3', 40_000, '503 Service Unavailable');
    lab.settle(41_000);
    expect(lab.of('trunk.status').map((e) => (e as { up: boolean }).up)).toEqual([true, false, false]);
    expect(await lab.metric('sidetone_trunk_options_probes_total{trunk="carrier",result="up"}')).toBe(1);
    expect(await lab.metric('sidetone_trunk_options_probes_total{trunk="carrier",result="down"}')).toBe(2);
    expect(await lab.metric('sidetone_trunk_options_rtt_seconds_count{trunk="carrier"}')).toBe(2);
  });

  it.each([
    ['404 Not Found', true],
    ['405 Method Not Allowed', true],
    ['500 Server Internal Error', true],
    ['501 Not Implemented', true],
    ['603 Decline', true],
    ['408 Request Timeout', false],
    ['503 Service Unavailable', false],
  ])('an OPTIONS answered %s says the trunk is %s (up: any final but 408 and 503)', (status, up) => {
    const lab = setup();
    options(lab, 'k1', 0, status);
    lab.settle(1000);
    expect(lab.of('trunk.status')).toEqual([expect.objectContaining({ trunk: 'carrier', up })]);
  });

  it('through a proxy: timed on the copy sent to the trunk, reported once per keepalive', () => {
    const lab = setup();
    const P = '10.0.0.2';
    const h = (leg: string) => ({ callId: 'p1', cseq: '1 OPTIONS', branch: `z9hG4bK-p1-${leg}` });
    lab.feed(sip('OPTIONS sip:carrier.example SIP/2.0', h('a')), { ts: 0, src: PBX, dst: P });
    lab.feed(sip('OPTIONS sip:carrier.example SIP/2.0', h('b')), { ts: 2, src: P, dst: CARRIER });
    lab.feed(sip('SIP/2.0 200 OK', { ...h('b'), to: 'k' }), { ts: 12, src: CARRIER, dst: P });
    lab.feed(sip('SIP/2.0 200 OK', { ...h('a'), to: 'k' }), { ts: 13, src: P, dst: PBX });
    lab.settle(60_000);
    expect(lab.of('trunk.status')).toEqual([
      expect.objectContaining({ up: true, rttSeconds: expect.closeTo(0.01, 6) }),
    ]);
    expect(lab.of('sip.transaction_timeout')).toEqual([]);
  });
});

describe('keepalive answers stamped before the copy they answer', () => {
  it("the trunk's answer stamped before the proxy stamped its copy to the trunk (siptrace, one worker each): still up", () => {
    const lab = setup();
    const P = '10.0.0.2';
    const h = (leg: string) => ({ callId: 'p2', cseq: '1 OPTIONS', branch: `z9hG4bK-p2-${leg}` });
    lab.feed(sip('OPTIONS sip:carrier.example SIP/2.0', h('a')), { ts: 0, src: PBX, dst: P });
    lab.settle(201); // the in-copy was handed on (the window is 200 ms), then the others came
    lab.feed(sip('SIP/2.0 200 OK', { ...h('b'), to: 'k' }), { ts: 4.6, at: 202, src: CARRIER, dst: P });
    lab.feed(sip('OPTIONS sip:carrier.example SIP/2.0', h('b')), { ts: 5, at: 203, src: P, dst: CARRIER });
    lab.feed(sip('SIP/2.0 200 OK', { ...h('a'), to: 'k' }), { ts: 6, at: 204, src: P, dst: PBX });
    lab.settle(60_000);
    expect(lab.of('trunk.status')).toEqual([expect.objectContaining({ up: true, code: 200 })]);
    expect(lab.of('sip.transaction_timeout')).toEqual([]);
    expect(lab.of('sip.request')).toHaveLength(1);
  });
});

// Issue 47 item 3: Kamailio relaying keepalives to a carrier that stops answering. sidetone counted
// 15 of 15 `result="up"` and sidetone_trunk_up stayed 1 while timer F fired 5 times: with a header
// rule (or both ends in the rule's networks) the trunk's side was taken to be the sender, and any
// final answer said up, Kamailio's own 408 (fr_timer, 30 s) on the caller's leg included.
describe('a trunk that stops answering goes down (issue 47)', () => {
  const P = '10.0.0.2';
  /** A keepalive through the proxy P; the carrier answers `status`, else P answers 408 at 30 s. */
  const viaProxy = (lab: ReturnType<typeof setup>, id: string, at: number, status?: string) => {
    const h = (leg: string) => ({
      callId: id,
      cseq: '1 OPTIONS',
      branch: `z9hG4bK-${id}-${leg}`,
      extra: ['X-Carrier: a'],
    });
    lab.feed(sip('OPTIONS sip:carrier.example SIP/2.0', h('a')), { ts: at, src: PBX, dst: P });
    lab.feed(sip('OPTIONS sip:carrier.example SIP/2.0', h('b')), { ts: at + 1, src: P, dst: CARRIER });
    if (status !== undefined) {
      lab.feed(sip(`SIP/2.0 ${status}`, { ...h('b'), to: 'k' }), { ts: at + 20, src: CARRIER, dst: P });
      lab.feed(sip(`SIP/2.0 ${status}`, { ...h('a'), to: 'k' }), { ts: at + 21, src: P, dst: PBX });
    } else
      lab.feed(sip('SIP/2.0 408 Request Timeout', { ...h('a'), to: 'p' }), {
        ts: at + 30_000,
        src: P,
        dst: PBX,
      });
  };
  const ups = (lab: ReturnType<typeof setup>) =>
    lab.of('trunk.status').map((e) => ((e as { up: boolean }).up ? 'up' : 'down'));

  it("a header rule: the proxy's 408 on the caller's leg says down, not up", async () => {
    const lab = setup([{ name: 'carrier', header: 'X-Carrier' }]);
    // Every 40 s: each keepalive is over (408 at 30 s, timer F at 32 s) before the next.
    for (let i = 0; i < 5; i++) viaProxy(lab, `h${i}`, i * 40_000, i < 2 ? '200 OK' : undefined);
    lab.settle(5 * 40_000 + 1000);
    expect(ups(lab)).toEqual(['up', 'up', 'down', 'down', 'down']);
    expect(await lab.metric('sidetone_trunk_up{trunk="carrier"}')).toBe(0);
    expect(await lab.metric('sidetone_trunk_options_probes_total{trunk="carrier",result="down"}')).toBe(3);
    expect(lab.of('sip.transaction_timeout')).toHaveLength(3); // timer F of the carrier's leg
  });

  it("both ends in the rule's networks and no proxy: timer F says down", async () => {
    const lab = setup([{ name: 'carrier', cidrs: ['10.0.0.0/8'] }]);
    const h = { callId: 'n1', cseq: '1 OPTIONS', branch: 'z9hG4bK-n1' };
    lab.feed(sip('OPTIONS sip:carrier.example SIP/2.0', h), { ts: 0, src: PBX, dst: '10.9.9.9' });
    lab.feed(sip('SIP/2.0 200 OK', { ...h, to: 'k' }), { ts: 30, src: '10.9.9.9', dst: PBX });
    const h2 = { callId: 'n2', cseq: '1 OPTIONS', branch: 'z9hG4bK-n2' };
    lab.feed(sip('OPTIONS sip:carrier.example SIP/2.0', h2), { ts: 40_000, src: PBX, dst: '10.9.9.9' });
    lab.settle(73_000);
    expect(ups(lab)).toEqual(['up', 'down']);
    expect(await lab.metric('sidetone_trunk_up{trunk="carrier"}')).toBe(0);
  });

  it('no answer by the next keepalive to the same place says down, without waiting for timer F', async () => {
    const lab = setup();
    const options = (id: string, at: number, status?: string, dst = CARRIER) => {
      const h = { callId: id, cseq: '1 OPTIONS', branch: `z9hG4bK-${id}` };
      lab.feed(sip('OPTIONS sip:carrier.example SIP/2.0', h), { ts: at, src: PBX, dst });
      if (status !== undefined)
        lab.feed(sip(`SIP/2.0 ${status}`, { ...h, to: 'k' }), { ts: at + 42, src: dst, dst: PBX });
    };
    options('i0', 0, '200 OK');
    options('i1', 10_000); // the carrier stops answering
    lab.settle(15_000);
    expect(ups(lab)).toEqual(['up']);
    options('i2', 20_000);
    lab.settle(20_500);
    expect(ups(lab)).toEqual(['up', 'down']); // i1, judged by i2, 12 s before its timer F
    // Stamped when i1 was sent: the verdict is about that keepalive, not the moment it was judged.
    expect(lab.of('trunk.status')[1]).toEqual(expect.objectContaining({ ts: T0 + 10_000, up: false }));
    expect(await lab.metric('sidetone_trunk_up{trunk="carrier"}')).toBe(0);
    // A second prober 300 ms after the first to the same place: neither judges the other.
    options('j0', 30_000, '200 OK');
    options('j1', 30_300, '200 OK');
    // Another address of the trunk is another place: its keepalive judges nothing here.
    options('k0', 30_500, undefined, '203.0.113.6');
    lab.settle(31_000);
    expect(ups(lab)).toEqual(['up', 'down', 'down', 'up', 'up']); // i2 judged by j0
    lab.settle(80_000); // timer F of i1, i2 and k0: each keepalive reports once
    expect(ups(lab)).toEqual(['up', 'down', 'down', 'up', 'up', 'down']);
    expect(await lab.metric('sidetone_trunk_options_probes_total{trunk="carrier",result="down"}')).toBe(3);
  });

  it("an older keepalive's timer F after a newer one's answer is counted, and the trunk stays up", async () => {
    // The Kamailio lab's order: three keepalives 200 ms apart go unanswered (the first two too
    // close for the next to judge them), three answered ones follow 31 s later, then the first
    // three's timer F fires. Before, those timeouts came last and left the trunk down.
    const lab = setup();
    const options = (id: string, at: number, status?: string) => {
      const h = { callId: id, cseq: '1 OPTIONS', branch: `z9hG4bK-${id}` };
      lab.feed(sip('OPTIONS sip:carrier.example SIP/2.0', h), { ts: at, src: PBX, dst: CARRIER });
      if (status !== undefined)
        lab.feed(sip(`SIP/2.0 ${status}`, { ...h, to: 'k' }), { ts: at + 2, src: CARRIER, dst: PBX });
    };
    for (const [i, at] of [0, 200, 400].entries()) options(`u${i}`, at);
    for (const [i, at] of [31_000, 31_200, 31_400].entries()) options(`a${i}`, at, '200 OK');
    lab.settle(40_000);
    expect(ups(lab)).toEqual(['down', 'up', 'up', 'up', 'down', 'down']);
    expect(await lab.metric('sidetone_trunk_options_probes_total{trunk="carrier",result="down"}')).toBe(3);
    expect(await lab.metric('sidetone_trunk_up{trunk="carrier"}')).toBe(1);
  });
});
