import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/events/bus.js';
import { parseEvent } from '../../../src/events/schemas.js';
import type { EventOf, SidetoneEvent } from '../../../src/events/types.js';
import { Registry } from '../../../src/metrics/index.js';
import { parseSip } from '../../../src/sources/hep/sip.js';
import { HepSource } from '../../../src/sources/hep/source.js';
import { HepTracker } from '../../../src/sources/hep/tracker.js';
import { hep, sip, T0 } from './helpers.js';

type Flow = EventOf<'sip.flow'>;
const CALLER = '10.0.0.1';
const PROXY = '10.0.0.2';
const CALLEE = '10.0.0.3';
/** Past timer H and the linger (32 s each): the call is forgotten and its flow emitted. */
const FORGOTTEN = 70_000;

function setup(options: ConstructorParameters<typeof HepSource>[1] = {}) {
  const bus = new EventBus();
  const events: SidetoneEvent[] = [];
  bus.onAny((e) => events.push(e));
  const registry = new Registry();
  const source = new HepSource(bus, { registry, reorderWindowMs: 0, ...options });
  const feed = (text: string, at: number, src: string, dst: string) =>
    source.handle(hep(text, { src, dst, ts: T0 + at }), T0 + at);
  const flows = () => events.filter((e): e is Flow => e.type === 'sip.flow');
  return { source, events, registry, feed, flows, tick: (at: number) => source.tick(T0 + at) };
}

/** A call through a proxy that the callee refuses 486 with a Reason, From/To carrying E.164 numbers. */
function busyCall(feed: ReturnType<typeof setup>['feed'], callId: string) {
  const m = (start: string, cseq: string, branch: string, to?: string, extra: string[] = []) =>
    sip(start, { callId, cseq, branch, ...(to !== undefined && { to }), extra });
  feed(m('INVITE sip:+447700900002@b.example SIP/2.0', '1 INVITE', 'z9hG4bK-a'), 0, CALLER, PROXY);
  feed(m('SIP/2.0 100 Trying', '1 INVITE', 'z9hG4bK-a'), 1, PROXY, CALLER);
  feed(m('INVITE sip:+447700900002@b.example SIP/2.0', '1 INVITE', 'z9hG4bK-b'), 2, PROXY, CALLEE);
  const reason = ['Reason: Q.850;cause=17;text="user busy"'];
  feed(m('SIP/2.0 486 Busy Here', '1 INVITE', 'z9hG4bK-b', 'callee', reason), 40, CALLEE, PROXY);
  feed(m('ACK sip:+447700900002@b.example SIP/2.0', '1 ACK', 'z9hG4bK-b', 'callee'), 41, PROXY, CALLEE);
  feed(m('SIP/2.0 486 Busy Here', '1 INVITE', 'z9hG4bK-a', 'callee', reason), 42, PROXY, CALLER);
  feed(m('ACK sip:+447700900002@b.example SIP/2.0', '1 ACK', 'z9hG4bK-a', 'callee'), 43, CALLER, PROXY);
}

describe("each call's SIP flow (issue 35)", () => {
  it('a failed call keeps every copy in capture order, by role, with its Q.850 cause, after its ACKs', () => {
    const { feed, flows, tick } = setup({ flowSample: 0 });
    busyCall(feed, 'busy-1');
    tick(1000);
    // Not at the end: the ACKs after the 486 belong to the ladder, so the flow waits for the linger.
    expect(flows()).toEqual([]);
    tick(FORGOTTEN);
    expect(flows()).toHaveLength(1);
    const f = flows()[0] as Flow;
    expect(f.callId).toBe('busy-1');
    expect(f.ts).toBe(T0);
    expect(f.messages).toEqual([
      { atMs: 0, from: 'caller', to: 'proxy', method: 'INVITE' },
      { atMs: 1, from: 'proxy', to: 'caller', method: 'INVITE', code: 100 },
      { atMs: 2, from: 'proxy', to: 'callee', method: 'INVITE' },
      { atMs: 40, from: 'callee', to: 'proxy', method: 'INVITE', code: 486, q850: 17 },
      { atMs: 41, from: 'proxy', to: 'callee', method: 'ACK' },
      { atMs: 42, from: 'proxy', to: 'caller', method: 'INVITE', code: 486, q850: 17 },
      { atMs: 43, from: 'caller', to: 'proxy', method: 'ACK' },
    ]);
    // The event is valid as the bus's schema has it, and carries no number, URI or address.
    expect(parseEvent(f).ok).toBe(true);
    const text = JSON.stringify(f);
    for (const secret of ['447700900', 'example', '10.0.0', 'sip:']) expect(text).not.toContain(secret);
  });

  it('roles follow the INVITE, not the order hosts appear: a proxy answering from a second socket (TCP) is a proxy', () => {
    const { feed, flows, tick } = setup();
    const m = (start: string, cseq: string, branch: string, to?: string) =>
      sip(start, { callId: 'tcp-1', cseq, branch, ...(to !== undefined && { to }) });
    feed(m('INVITE sip:b SIP/2.0', '1 INVITE', 'z9hG4bK-a'), 0, CALLER, PROXY);
    // The callee's answer to the proxy's connection (which the capture shows as another host),
    // stamped by another worker before the INVITE it answers.
    feed(m('SIP/2.0 404 Not Found', '1 INVITE', 'z9hG4bK-b', 't'), 1, CALLEE, '10.0.0.9');
    feed(m('INVITE sip:b SIP/2.0', '1 INVITE', 'z9hG4bK-b'), 2, PROXY, CALLEE);
    feed(m('SIP/2.0 404 Not Found', '1 INVITE', 'z9hG4bK-a', 't'), 6, PROXY, CALLER);
    tick(FORGOTTEN);
    expect(flows()[0]?.messages.map((s) => `${s.from}>${s.to}`)).toEqual([
      'caller>proxy',
      'callee>proxy_2',
      'proxy>callee',
      'proxy>caller',
    ]);
  });

  it('answered calls are sampled by their Call-ID (0 none, 1 all); failed ones always kept', () => {
    const answered = (flowSample: number) => {
      const { feed, flows, tick } = setup({ flowSample });
      for (let i = 0; i < 40; i++) {
        const callId = `ok-${i}`;
        const at = i * 10;
        feed(
          sip('INVITE sip:b SIP/2.0', { callId, cseq: '1 INVITE', branch: `z9hG4bK-${i}` }),
          at,
          CALLER,
          CALLEE,
        );
        feed(
          sip('SIP/2.0 200 OK', { callId, cseq: '1 INVITE', branch: `z9hG4bK-${i}`, to: 't' }),
          at + 1,
          CALLEE,
          CALLER,
        );
        feed(
          sip('BYE sip:a SIP/2.0', { callId, cseq: '2 BYE', branch: `z9hG4bK-y${i}`, to: 't' }),
          at + 5,
          CALLER,
          CALLEE,
        );
        feed(
          sip('SIP/2.0 200 OK', { callId, cseq: '2 BYE', branch: `z9hG4bK-y${i}`, to: 't' }),
          at + 6,
          CALLEE,
          CALLER,
        );
      }
      busyCall(feed, 'busy-s');
      tick(FORGOTTEN);
      return flows().map((f) => f.callId);
    };
    expect(answered(0)).toEqual(['busy-s']);
    expect(answered(1)).toHaveLength(41);
    const half = answered(0.5);
    expect(half).toContain('busy-s');
    // The same calls on every run: chosen by hash, not by chance.
    expect(answered(0.5)).toEqual(half);
    expect(half.length).toBeGreaterThan(5);
    expect(half.length).toBeLessThan(36);
    // An answered flow: INVITE, 200, BYE, 200 between caller and callee.
    const { feed, flows, tick } = setup({ flowSample: 1 });
    feed(
      sip('INVITE sip:b SIP/2.0', { callId: 'a', cseq: '1 INVITE', branch: 'z9hG4bK-1' }),
      0,
      CALLER,
      CALLEE,
    );
    feed(
      sip('SIP/2.0 200 OK', { callId: 'a', cseq: '1 INVITE', branch: 'z9hG4bK-1', to: 't' }),
      3,
      CALLEE,
      CALLER,
    );
    feed(
      sip('BYE sip:a SIP/2.0', { callId: 'a', cseq: '2 BYE', branch: 'z9hG4bK-2', to: 't' }),
      9,
      CALLER,
      CALLEE,
    );
    tick(FORGOTTEN);
    expect(flows()[0]?.messages.map((m) => `${m.from}>${m.to} ${m.code ?? m.method}`)).toEqual([
      'caller>callee INVITE',
      'callee>caller 200',
      'caller>callee BYE',
    ]);
  });

  it('bounded: 64 messages a call, the rest counted in the tracker overflow as flow', async () => {
    const { feed, flows, tick, registry } = setup();
    // Timer A retransmissions of an INVITE nobody answers: 100 copies.
    for (let i = 0; i < 100; i++)
      feed(
        sip('INVITE sip:b SIP/2.0', { callId: 'rtx', cseq: '1 INVITE', branch: 'z9hG4bK-r' }),
        i * 10,
        CALLER,
        CALLEE,
      );
    tick(FORGOTTEN);
    const f = flows()[0] as Flow;
    expect(f.messages).toHaveLength(64);
    expect(f.dropped).toBe(36);
    expect(parseEvent(f).ok).toBe(true);
    const text = await registry.metrics();
    expect(text).toMatch(/sidetone_hep_tracker_overflow_total\{limit="flow"\} 36/);
  });

  it('bounded in total: past maxFlowMessages no call keeps more, and each message left out is counted', () => {
    const bus = new EventBus();
    const flows: Flow[] = [];
    bus.on('sip.flow', (e) => flows.push(e));
    const tracker = new HepTracker(bus, { maxFlowMessages: 10, flowSample: 1 });
    for (let c = 0; c < 4; c++)
      for (let i = 0; i < 4; i++) {
        const msg = parseSip(
          Buffer.from(
            sip('INVITE sip:b SIP/2.0', { callId: `t${c}`, cseq: '1 INVITE', branch: `z9hG4bK-${c}` }),
          ),
        );
        tracker.message({
          msg: msg!,
          ts: T0 + c * 100 + i,
          srcIp: CALLER,
          dstIp: CALLEE,
          match: undefined,
          legMatch: undefined,
        });
      }
    expect(tracker.flowMessages).toBe(10);
    expect(tracker.overflow.flow).toBe(6);
    tracker.advance(T0 + FORGOTTEN);
    expect(flows.map((f) => f.messages.length)).toEqual([4, 4, 2, 0]);
    expect(flows.map((f) => f.dropped ?? 0)).toEqual([0, 0, 2, 4]);
    // Forgotten calls give their room back.
    expect(tracker.flowMessages).toBe(0);
  });
});
