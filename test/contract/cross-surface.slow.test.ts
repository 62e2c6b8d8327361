/**
 * Property: for any generated event script, every surface gives the same KPIs and counts, and
 * they equal an oracle written here from the standards' own definitions (RFC 6076 4.6-4.8, ITU-T
 * E.411, E.425), independent of the classifier's table. So a wrong table entry fails this test
 * even though it would move every surface alike.
 *
 * Scripts hold: retransmissions (an event repeated), re-INVITEs and hold (never a new attempt),
 * CANCEL/487, 401/407 challenges followed by a retry with credentials (the same call), challenges
 * given up (not attempts), Timer B, GSM/PSTN releases with a Q.850 cause, calls on an unlisted
 * trunk (`other`), and calls interleaved in any order, sent in batches of any size.
 *
 * Limit (documented in docs/kpis.md): within one call, `call.started` comes before and
 * `call.ended` after the call's other events; the metric packs count in arrival order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SidetoneEvent } from '../../src/events/types.js';
import { harness, type Kpi5 } from './surfaces.js';

const TRUNKS = ['carrier-a', 'carrier-b'];
const NOW = Date.UTC(2026, 0, 10, 12, 0);
const T0 = Date.UTC(2026, 0, 10, 11, 0); // all calls within one hour and one day

type End =
  | { kind: 'answered'; q850?: 16 }
  | { kind: 'sip'; code: number }
  | { kind: 'timerB' }
  | { kind: 'cancel' }
  | { kind: 'abandonedChallenge'; code: 401 | 407 }
  | { kind: 'release'; q850: number; answered: boolean };

interface CallSpec {
  end: End;
  channel: 'sip' | 'webrtc' | 'pstn';
  trunk: string;
  challengedFirst: 401 | 407 | null;
  ringing: boolean;
  reinvite: boolean;
  /** Indexes (into the call's events) that are retransmitted. */
  repeat: number[];
}

// The standards, written out here rather than read from the classifier.
const SEER_CODES = new Set([200, 480, 486, 600, 603]); // RFC 6076 4.7
const ISA_CODES = new Set([408, 500, 503, 504]); // RFC 6076 4.8, plus Timer B
const NER_CAUSES = new Set([16, 17, 18, 19, 21]); // ITU-T E.425
const SIP_USER_EFFECTIVE = new Set([480, 486, 600, 603]); // -> Q.850 18, 17, 17, 21 (RFC 3398 8.2.6.1)

interface Oracle {
  attempt: boolean;
  answered: boolean;
  effective: boolean;
  sip: boolean;
  redirected: boolean;
  seer: boolean;
  isa: boolean;
}

function oracle(c: CallSpec): Oracle {
  const sip = c.channel === 'sip' || c.channel === 'webrtc';
  const e = c.end;
  const none = {
    attempt: true,
    answered: false,
    effective: false,
    sip,
    redirected: false,
    seer: false,
    isa: false,
  };
  switch (e.kind) {
    case 'answered':
      return { ...none, answered: true, effective: true, seer: true };
    case 'sip':
      return {
        ...none,
        effective: SIP_USER_EFFECTIVE.has(e.code),
        redirected: e.code >= 300 && e.code < 400,
        seer: SEER_CODES.has(e.code),
        isa: ISA_CODES.has(e.code),
      };
    case 'timerB':
      return { ...none, isa: true };
    case 'cancel':
      return none;
    case 'abandonedChallenge':
      return { ...none, attempt: false };
    case 'release':
      return { ...none, answered: e.answered, effective: e.answered || NER_CAUSES.has(e.q850) };
  }
}

function oracleKpis(calls: readonly CallSpec[], trunk?: string): Kpi5 {
  const os = calls
    .filter((c) => trunk === undefined || (TRUNKS.includes(c.trunk) ? c.trunk : 'other') === trunk)
    .map(oracle)
    .filter((o) => o.attempt);
  const n = (f: (o: Oracle) => boolean) => os.filter(f).length;
  const pct = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 100 : null);
  const sipBase = n((o) => o.sip && !o.redirected);
  return {
    asr: pct(
      n((o) => o.answered),
      os.length,
    ),
    ner: pct(
      n((o) => o.effective),
      os.length,
    ),
    ser: pct(
      n((o) => o.sip && o.answered),
      sipBase,
    ),
    seer: pct(
      n((o) => o.sip && o.seer),
      sipBase,
    ),
    isa: pct(
      n((o) => o.sip && o.isa),
      n((o) => o.sip),
    ),
  };
}

/** One call's events, in causal order. */
function callEvents(c: CallSpec, i: number): SidetoneEvent[] {
  const callId = `p${i}@10.0.0.${i % 250}`;
  const t = T0 + i * 60_000;
  const ev: SidetoneEvent[] = [
    { type: 'call.started', callId, direction: 'outbound', channel: c.channel, trunk: c.trunk, ts: t },
  ];
  if (c.challengedFirst !== null) {
    // The INVITE was challenged and re-sent with credentials: the same call, not a new attempt.
    ev.push({
      type: 'sip.response',
      method: 'INVITE',
      code: c.challengedFirst,
      direction: 'outbound',
      callId,
      ts: t + 50,
    });
    ev.push({ type: 'sip.auth', direction: 'outbound', result: 'challenge', ts: t + 60 });
  }
  if (c.ringing) ev.push({ type: 'call.ringing', callId, ts: t + 1000 });
  const e = c.end;
  const answered = e.kind === 'answered' || (e.kind === 'release' && e.answered);
  if (answered) {
    ev.push({ type: 'call.answered', callId, ts: t + 2000 });
    if (c.reinvite) {
      // A re-INVITE (hold and resume) within the dialog.
      ev.push({ type: 'sip.request', method: 'INVITE', direction: 'outbound', callId, ts: t + 3000 });
      ev.push({ type: 'call.held', callId, ts: t + 3000 });
      ev.push({ type: 'call.resumed', callId, ts: t + 4000 });
    }
  }
  const ts = t + 20_000;
  switch (e.kind) {
    case 'answered':
      ev.push({ type: 'call.ended', callId, hangupBy: 'caller', ...(e.q850 ? { q850: e.q850 } : {}), ts });
      break;
    case 'sip':
      ev.push({ type: 'call.ended', callId, sipCode: e.code, ts });
      break;
    case 'timerB':
      ev.push({ type: 'call.ended', callId, timeout: true, ts });
      break;
    case 'cancel':
      ev.push({ type: 'sip.request', method: 'CANCEL', direction: 'outbound', callId, ts: ts - 10 });
      ev.push({ type: 'call.ended', callId, sipCode: 487, hangupBy: 'caller', ts });
      break;
    case 'abandonedChallenge':
      ev.push({ type: 'call.ended', callId, sipCode: e.code, ts });
      break;
    case 'release':
      ev.push({ type: 'call.ended', callId, q850: e.q850, ts });
      break;
  }
  // Retransmissions: an event delivered twice, right after itself.
  const out: SidetoneEvent[] = [];
  ev.forEach((x, k) => {
    out.push(x);
    if (c.repeat.includes(k)) out.push(x);
  });
  return out;
}

const sipCodes = fc.constantFrom(
  302,
  301,
  403,
  404,
  408,
  410,
  480,
  484,
  486,
  488,
  500,
  502,
  503,
  504,
  600,
  603,
  606,
);
const q850s = fc.oneof(
  fc.constantFrom(16, 17, 18, 19, 21, 1, 20, 27, 34, 41, 102),
  fc.integer({ min: 0, max: 127 }),
);

const callSpec: fc.Arbitrary<CallSpec> = fc
  .record({
    sipEnd: fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({
          kind: fc.constant('answered' as const),
          q850: fc.constantFrom(16 as const, undefined),
        }),
      },
      { weight: 5, arbitrary: fc.record({ kind: fc.constant('sip' as const), code: sipCodes }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'timerB' as const }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'cancel' as const }) },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('abandonedChallenge' as const),
          code: fc.constantFrom(401 as const, 407 as const),
        }),
      },
    ),
    release: fc.record({ kind: fc.constant('release' as const), q850: q850s, answered: fc.boolean() }),
    channel: fc.constantFrom('sip', 'sip', 'sip', 'webrtc', 'pstn') as fc.Arbitrary<CallSpec['channel']>,
    trunk: fc.constantFrom('carrier-a', 'carrier-b', 'unlisted-trunk'),
    challengedFirst: fc.constantFrom(null, null, 401 as const, 407 as const),
    ringing: fc.boolean(),
    reinvite: fc.boolean(),
    repeat: fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 3 }),
  })
  .map(({ sipEnd, release, channel, ...rest }) => {
    const sip = channel === 'sip' || channel === 'webrtc';
    // PSTN calls end with a release cause, SIP calls with a SIP outcome.
    const end: End = sip ? (sipEnd as End) : release;
    return {
      ...rest,
      channel,
      end,
      challengedFirst: sip && end.kind !== 'abandonedChallenge' ? rest.challengedFirst : null,
    };
  });

/** Interleave per-call sequences in an order picked by `picks`, keeping each call's own order. */
function interleave(seqs: SidetoneEvent[][], picks: number[]): SidetoneEvent[] {
  const pos = seqs.map(() => 0);
  const out: SidetoneEvent[] = [];
  let p = 0;
  for (;;) {
    const open = seqs.map((_s, i) => i).filter((i) => pos[i]! < seqs[i]!.length);
    if (open.length === 0) return out;
    const i = open[(picks[p++ % Math.max(1, picks.length)] ?? 0) % open.length]!;
    out.push(seqs[i]![pos[i]!++]!);
  }
}

const script = fc.record({
  calls: fc.array(callSpec, { minLength: 1, maxLength: 12 }),
  picks: fc.array(fc.nat(50), { minLength: 1, maxLength: 40 }),
  batch: fc.integer({ min: 1, max: 25 }),
});

describe('cross-surface contract (property)', () => {
  it('every surface equals the others and the standards, over 200 generated scripts', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(script, async ({ calls, picks, batch }) => {
        runs++;
        const events = interleave(
          calls.map((c, i) => callEvents(c, i)),
          picks,
        );
        const h = harness({ now: NOW, trunks: TRUNKS });
        try {
          for (let i = 0; i < events.length; i += batch)
            expect(await h.post(events.slice(i, i + batch))).toBe(200);
          const s = await h.read();
          const want = oracleKpis(calls);
          expect(s.promql, 'PromQL over /metrics vs the standards').toEqual(want);
          expect(s.dashboard, '/metrics/dashboard').toEqual(want);
          expect(s.hourly, '/metrics/hourly').toEqual(want);
          expect(s.daily, '/metrics/daily').toEqual(want);
          expect(s.exportJson, 'JSON export').toEqual(want);
          expect(s.exportCsv, 'CSV export').toEqual(want);
          for (const [trunk, k] of Object.entries(s.promqlByTrunk)) {
            expect(k, `PromQL trunk ${trunk}`).toEqual(oracleKpis(calls, trunk));
            expect(s.dashboardByTrunk[trunk], `dashboard trunk ${trunk}`).toEqual(k);
          }
          // Counts: outcomes in /metrics, in the store, and the failures list agree.
          const stats = await h.store.stats({ from: T0 - 1, to: NOW });
          const nonZero = (r: Record<string, number>) =>
            Object.fromEntries(Object.entries(r).filter(([, v]) => v > 0));
          expect(nonZero(stats.byOutcome)).toEqual(s.outcomes);
          const { answered: _a, ...notAnswered } = s.outcomes;
          expect(s.failures).toEqual(notAnswered);
          expect(stats.finished).toBe(calls.filter((c) => oracle(c).attempt).length);
          expect(stats.active).toBe(0);
        } finally {
          await h.close();
        }
      }),
      { numRuns: 200 },
    );
    expect(runs).toBeGreaterThanOrEqual(200);
  }, 120_000);
});
