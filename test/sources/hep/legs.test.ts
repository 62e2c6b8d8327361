import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/events/bus.js';
import { parseEvent } from '../../../src/events/schemas.js';
import type { SidetoneEvent } from '../../../src/events/types.js';
import { storeSink } from '../../../src/sinks/store-sink.js';
import { legKey } from '../../../src/sources/hep/legs.js';
import { parseSip } from '../../../src/sources/hep/sip.js';
import { HepSource } from '../../../src/sources/hep/source.js';
import { openSqliteCallStore } from '../../../src/store/index.js';
import type { CallStore } from '../../../src/store/types.js';
import { hep, sip, T0 } from './helpers.js';

const privacy = { hashKey: 'legs-test-hash-key-0123', storeRaw: false };
const A = 'a-leg-7f3e@caller.example';
const B = 'b-leg-19c2@b2bua.example';

/** One message of a leg: its SIP text, capture time (ms from T0), from and to. */
interface Msg {
  text: string;
  ts: number;
  src: string;
  dst: string;
}

const CALLER = '10.0.0.1';
const B2BUA = '10.0.0.5';
const CALLEE = '10.0.0.9';

function leg(
  callId: string,
  from: string,
  to: string,
  t0: number,
  final: string,
  extra: string[],
  branch: string,
): Msg[] {
  const req = (start: string, cseq: string, ts: number, x: string[] = []): Msg => ({
    text: sip(start, { callId, cseq, branch, extra: x }),
    ts,
    src: from,
    dst: to,
  });
  const res = (code: string, ts: number): Msg => ({
    text: sip(`SIP/2.0 ${code}`, { callId, cseq: '1 INVITE', branch, to: 'callee' }),
    ts,
    src: to,
    dst: from,
  });
  const answered = final.startsWith('200');
  return [
    req('INVITE sip:+447700900002@b.example SIP/2.0', '1 INVITE', t0, extra),
    res('100 Trying', t0 + 2),
    res('180 Ringing', t0 + 500),
    res(final, t0 + 3000),
    {
      ...req('ACK sip:+447700900002@b.example SIP/2.0', '1 ACK', t0 + 3001),
      text: sip('ACK sip:+447700900002@b.example SIP/2.0', { callId, cseq: '1 ACK', branch, to: 'callee' }),
    },
    ...(answered
      ? [
          {
            text: sip('BYE sip:+447700900002@b.example SIP/2.0', {
              callId,
              cseq: '2 BYE',
              branch: `${branch}-bye`,
              to: 'callee',
            }),
            ts: t0 + 9000,
            src: from,
            dst: to,
          },
        ]
      : []),
  ];
}

/**
 * A B2BUA call: the caller's INVITE (A, no correlation header) reaches the B2BUA at 10.0.0.5, which
 * sends its own INVITE (B, a new Call-ID, `X-CID: <A's Call-ID>`) to the callee 20 ms later. B's
 * ringing and final are relayed to A 10 ms after they arrive.
 */
function b2buaCall(aFinal: string, bFinal: string): { a: Msg[]; b: Msg[] } {
  return {
    a: leg(A, CALLER, B2BUA, 0, aFinal, [], 'z9hG4bK-a1').map((m, i) =>
      i >= 2 ? { ...m, ts: m.ts + 30 } : m,
    ),
    b: leg(B, B2BUA, CALLEE, 20, bFinal, [`X-CID: ${A}`], 'z9hG4bK-b1'),
  };
}

let stores: CallStore[] = [];
afterEach(async () => {
  for (const s of stores) await s.close();
  stores = [];
});

/** Feed `msgs` in the order given (no reorder window: the order is the arrival order), then run out the linger. */
async function capture(msgs: readonly Msg[], legCorrelation?: string[]) {
  const bus = new EventBus();
  const events: SidetoneEvent[] = [];
  bus.onAny((e) => events.push(e));
  const store = await openSqliteCallStore({ path: ':memory:', privacy });
  stores.push(store);
  const sink = storeSink(bus, store);
  const source = new HepSource(bus, {
    reorderWindowMs: 0,
    ...(legCorrelation !== undefined && { legCorrelation }),
  });
  for (const m of msgs) source.handle(hep(m.text, { ts: T0 + m.ts, src: m.src, dst: m.dst }), T0 + m.ts);
  source.tick(T0 + 120_000); // past every linger: the flows are emitted
  await sink.flush();
  return { store, events };
}

/** What the end-to-end record says, without the store's row ids. */
async function endToEndOf(store: CallStore, id: string) {
  const c = await store.getCall(id);
  const e = c?.endToEnd;
  if (e === undefined) return undefined;
  return {
    outcome: e.outcome,
    failedLeg: e.failedLeg,
    pddMs: e.pddMs,
    legs: e.legs.map((l) => ({
      leg: l.leg,
      callId: l.callId,
      outcome: l.outcome,
      sipCode: l.sipCode,
      pddMs: l.pddMs,
      startedAt: l.startedAt,
      endedAt: l.endedAt,
      flow: l.sipFlow?.map((s) => `${s.method} ${s.code ?? ''}`),
    })),
  };
}

describe('legKey: the end-to-end key of a call (hep.leg_correlation)', () => {
  const invite = (extra: string[]) =>
    parseSip(
      Buffer.from(sip('INVITE sip:b@h SIP/2.0', { callId: 'own@h', cseq: '1 INVITE', extra })),
    ) as NonNullable<ReturnType<typeof parseSip>>;

  it.each([
    ['X-CID carries the A leg Call-ID', ['X-CID'], ['X-CID: a@h'], 'a@h'],
    ['header names are case-insensitive', ['x-cid'], ['X-Cid:  a@h '], 'a@h'],
    ['no header: the call is its own A leg', ['X-CID'], [], 'own@h'],
    ['the first listed header present wins', ['X-Leg-ID', 'X-CID'], ['X-CID: a@h', 'X-Leg-ID: L-42'], 'L-42'],
    ['a list of Call-IDs: the first', ['X-CID'], ['X-CID: a@h, b@h'], 'a@h'],
    [
      'P-Charging-Vector: its icid-value (RFC 7315 4.6)',
      ['P-Charging-Vector'],
      [
        'P-Charging-Vector: icid-value=AyretyU0dm+6O2IrT5tAFrbHLso=;icid-generated-at=192.0.6.8;orig-ioi=home1.net',
      ],
      'AyretyU0dm+6O2IrT5tAFrbHLso=',
    ],
    [
      'a quoted icid-value',
      ['P-Charging-Vector'],
      ['P-Charging-Vector: orig-ioi=x; icid-value="1234bc9876e"'],
      '1234bc9876e',
    ],
    [
      'a P-Charging-Vector without icid-value is no key',
      ['P-Charging-Vector'],
      ['P-Charging-Vector: orig-ioi=x'],
      'own@h',
    ],
  ])('%s', (_name, names, extra, key) => {
    expect(legKey(invite(extra), names)).toBe(key);
  });
});

describe('B2BUA legs: one end-to-end call', () => {
  it('with X-CID configured, both legs carry the A leg Call-ID as their end-to-end id', async () => {
    const { a, b } = b2buaCall('486 Busy Here', '486 Busy Here');
    const { events } = await capture(
      [...a, ...b].sort((x, y) => x.ts - y.ts),
      ['X-CID'],
    );
    const started = events.filter((e) => e.type === 'call.started');
    expect(started.map((e) => [e.callId, (e as { endToEndId?: string }).endToEndId])).toEqual([
      [A, A],
      [B, A],
    ]);
    for (const e of started) expect(parseEvent(e).ok).toBe(true);
  });

  it('B busy relayed to A: one end-to-end call, busy, failed at B; read by either leg', async () => {
    const { a, b } = b2buaCall('486 Busy Here', '486 Busy Here');
    const { store } = await capture(
      [...a, ...b].sort((x, y) => x.ts - y.ts),
      ['X-CID'],
    );
    const viaA = await endToEndOf(store, A);
    expect(viaA).toMatchObject({
      outcome: 'busy',
      failedLeg: 'b',
      pddMs: 530, // A's INVITE at 0 to A's 180 at 530 (B rang at 520, relayed 10 ms later)
      legs: [
        { leg: 'a', outcome: 'busy', sipCode: 486, pddMs: 530 },
        { leg: 'b', outcome: 'busy', sipCode: 486, pddMs: 500 },
      ],
    });
    // Both legs' ladders are there.
    expect(viaA?.legs.map((l) => l.flow?.length)).toEqual([5, 5]);
    expect(await endToEndOf(store, B)).toEqual(viaA);
    // The key is kept as the keyed hash call ids are: the A leg's stored id, never the Call-ID.
    const rec = await store.getCall(B);
    expect(rec?.endToEndId).toMatch(/^cid:[0-9a-f]{24}$/);
    expect(rec?.endToEndId).toBe((await store.getCall(A))?.callId);
    expect(JSON.stringify(rec)).not.toContain(A);
  });

  it('A answered early by the B2BUA, B unanswered: not answered end to end, failed at B', async () => {
    const { a, b } = b2buaCall('200 OK', '480 Temporarily Unavailable');
    const { store } = await capture(
      [...a, ...b].sort((x, y) => x.ts - y.ts),
      ['X-CID'],
    );
    expect(await endToEndOf(store, A)).toMatchObject({
      outcome: 'no_answer',
      failedLeg: 'b',
      legs: [
        { leg: 'a', outcome: 'answered' },
        { leg: 'b', outcome: 'no_answer', sipCode: 480 },
      ],
    });
  });

  it('with the correlation unset: two records as today, neither linked', async () => {
    const { a, b } = b2buaCall('486 Busy Here', '486 Busy Here');
    const { store, events } = await capture([...a, ...b].sort((x, y) => x.ts - y.ts));
    for (const e of events.filter((x) => x.type === 'call.started'))
      expect(e).not.toHaveProperty('endToEndId');
    const recs = [await store.getCall(A), await store.getCall(B)];
    expect(recs.map((r) => r?.outcome)).toEqual(['busy', 'busy']);
    for (const r of recs) {
      expect(r).not.toHaveProperty('endToEnd');
      expect(r).not.toHaveProperty('endToEndId');
    }
  });

  it('any arrival order of the two legs’ messages gives the same end-to-end record', async () => {
    const { a, b } = b2buaCall('486 Busy Here', '486 Busy Here');
    const want = await endToEndOf(
      (
        await capture(
          [...a, ...b].sort((x, y) => x.ts - y.ts),
          ['X-CID'],
        )
      ).store,
      A,
    );
    expect(want?.legs).toHaveLength(2);
    // Each leg keeps its own order (the reorder window's job, tested in captures.test.ts); how the
    // two legs' messages interleave, B's INVITE before A's included, is free.
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.boolean(), { minLength: a.length + b.length, maxLength: a.length + b.length }),
        async (picks) => {
          const order: Msg[] = [];
          let i = 0;
          let j = 0;
          for (const takeA of picks) {
            if ((takeA && i < a.length) || j >= b.length) order.push(a[i++] as Msg);
            else order.push(b[j++] as Msg);
          }
          const { store } = await capture(order, ['X-CID']);
          expect(await endToEndOf(store, A)).toEqual(want);
          expect(await endToEndOf(store, B)).toEqual(want);
        },
      ),
      { numRuns: 40 },
    );
  });
});
