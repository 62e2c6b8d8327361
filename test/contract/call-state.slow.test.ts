/**
 * One state per call (issue 33): the outcome of a call is the same on `/metrics`, the call log, the
 * call's span and its stored row, also when the per-call state is evicted. Wired as the sidecar
 * wires them (src/server/sidecar.ts: packs, store sink, trace sink, call log, in that order), with
 * the defaults as a user gets them: the cap is the packs' default `maxTracked`, 100,000.
 *
 * Before the projection, the reproduction below (one answered call, 10,000 more started, then the
 * first ends) gave `/metrics` answered, the store answered, the call log `call.failed cancelled`
 * and no span at all (the trace sink had ended it as evicted at the 10,000th start).
 */
import { SpanStatusCode } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src/events/bus.js';
import type { SidetoneEvent } from '../../src/events/types.js';
import { callEventLog, createLogger } from '../../src/logs/index.js';
import { Registry } from '../../src/metrics/index.js';
import { storeSink } from '../../src/sinks/store-sink.js';
import { traceSink } from '../../src/sinks/trace-sink.js';
import { openSqliteCallStore } from '../../src/store/index.js';
import { recordIds } from '../../src/store/privacy.js';
import { instrument } from '../../src/telephony/instrument.js';
import { captureLines } from '../helpers/lines.js';

const privacy = { hashKey: 'call-state-test-key-0123', storeRaw: false };
const ref = recordIds(privacy, 'cid');
const T = 1_700_000_000_000;

/** What one surface says about one call: its outcome and status, or `none` when it says nothing. */
type Said = string;

async function surfaces(options: { maxTracked?: number } = {}) {
  const registry = new Registry();
  const bus = new EventBus({ registry });
  // `serve` runs every pack the operator did not turn off (src/server/sidecar.ts).
  const telephony = instrument(bus, registry, { packs: 'all', ...options });
  const store = await openSqliteCallStore({ path: ':memory:', privacy });
  const sink = storeSink(bus, store);
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const traces = traceSink(bus, { tracer: provider.getTracer('test'), callIds: ref });
  const { destination, lines } = captureLines();
  const stopLog = callEventLog(bus, createLogger({ level: 'debug', destination }), {
    spanContext: (id) => traces.spanContext(id),
    callIds: ref,
  });
  const read = async (callIds: readonly string[]) => {
    await sink.flush();
    await new Promise((r) => setImmediate(r)); // the log destination's last writes
    const outcomes: Record<string, number> = {};
    for (const line of registry.render().split('\n')) {
      const m = /^sidetone_call_outcomes_total\{.*outcome="(\w+)".*\} (\d+)/.exec(line);
      if (m) outcomes[m[1]!] = (outcomes[m[1]!] ?? 0) + Number(m[2]);
    }
    const logged = new Map<string, Said>();
    // Every call closed (ended or evicted) is one logged line with an outcome: a call id started
    // again after its eviction is a second call, counted again.
    const closedLogged: Record<string, number> = {};
    for (const l of lines) {
      const j = JSON.parse(l) as { event: string; call_ref: string; outcome?: string; status?: string };
      if (j.outcome === undefined) continue;
      logged.set(j.call_ref, `${j.outcome}/${j.status}`);
      closedLogged[j.outcome] = (closedLogged[j.outcome] ?? 0) + 1;
    }
    const spanned = new Map<string, Said>();
    for (const s of exporter.getFinishedSpans()) {
      const a = s.attributes;
      if (a['sidetone.call.outcome'] === undefined) continue;
      // The span's status agrees with its attributes: OK only for a completed call.
      expect(s.status.code).toBe(
        a['sidetone.call.status'] === 'completed' ? SpanStatusCode.OK : SpanStatusCode.ERROR,
      );
      spanned.set(
        String(a['sidetone.call.id']),
        `${a['sidetone.call.outcome']}/${a['sidetone.call.status']}`,
      );
    }
    const per: Record<string, { log: Said; span: Said; store: Said }> = {};
    for (const id of callIds) {
      const row = await store.getCall(id);
      per[id] = {
        log: logged.get(ref(id)) ?? 'none',
        span: spanned.get(ref(id)) ?? 'none',
        store: row?.outcome == null ? 'none' : `${row.outcome}/${row.status}`,
      };
    }
    return { outcomes, closedLogged, per };
  };
  const close = async () => {
    stopLog();
    traces.close();
    await sink.close();
    telephony.close?.();
    await store.close();
  };
  return { bus, read, close };
}

const start = (callId: string, at: number): SidetoneEvent => ({
  type: 'call.started',
  callId,
  direction: 'inbound',
  channel: 'sip',
  ts: at,
});

/** One answered call, `more` calls started, then the first ends (hung up by the caller). */
async function script(more: number) {
  const s = await surfaces();
  s.bus.emit(start('first', T));
  s.bus.emit({ type: 'call.answered', callId: 'first', ts: T + 1000 });
  // In requests of 1,000 calls, as `POST /events` brings them: the store sink writes in between.
  for (let i = 0; i < more; i++) {
    s.bus.emit(start(`later-${i}`, T + 2000 + i));
    if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
  }
  s.bus.emit({ type: 'call.ended', callId: 'first', hangupBy: 'caller', ts: T + 2000 + more + 60_000 });
  const r = await s.read(['first']);
  await s.close();
  return r;
}

describe('one state per call: every surface gives a call the same outcome', () => {
  it('10,000 later calls do not make an answered call fail on any surface (the issue 33 reproduction)', async () => {
    const { outcomes, per } = await script(10_000);
    expect(outcomes).toEqual({ answered: 1 });
    expect(per.first).toEqual({
      log: 'answered/completed',
      span: 'answered/completed',
      store: 'answered/completed',
    });
  }, 60_000);

  it('past the default cap (100,000 calls tracked) the evicted call is closed alike everywhere', async () => {
    // The 100,000th later start evicts the first call: it is closed as the store's zombie cleanup
    // closes a call (status `timeout`), still answered, and its late `call.ended` changes nothing.
    const { outcomes, per } = await script(100_000);
    expect(outcomes).toEqual({ answered: 1 });
    expect(per.first).toEqual({
      log: 'answered/timeout',
      span: 'answered/timeout',
      store: 'answered/timeout',
    });
  }, 120_000);
});

// --- any interleaving of many calls' events ---------------------------------------------------

const endArb = fc.record({
  sipCode: fc.option(fc.constantFrom(200, 404, 408, 480, 486, 487, 503, 603), { nil: undefined }),
  q850: fc.option(fc.constantFrom(16, 17, 18, 19, 21, 34, 41), { nil: undefined }),
  hangupBy: fc.option(fc.constantFrom('caller', 'callee', 'system', 'unknown') as fc.Arbitrary<'caller'>, {
    nil: undefined,
  }),
  timeout: fc.option(fc.constant(true), { nil: undefined }),
});
const callArb = fc.record({
  ringing: fc.boolean(),
  answers: fc.integer({ min: 0, max: 2 }), // 2: a retransmitted 200 OK
  startTwice: fc.boolean(),
  ends: fc.boolean(), // false: the call never ends (only eviction can close it)
  end: endArb,
});

describe('one state per call, property', () => {
  it('any interleaving of calls, with or without eviction, gives each call one outcome on every surface', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(callArb, { minLength: 1, maxLength: 25 }),
        fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
        fc.infiniteStream(fc.nat()),
        async (calls, maxTracked, picks) => {
          // Each call's steps in order; the calls interleaved as the stream picks. A repeated
          // start is a retransmission, in the same step: a call id started again after its
          // eviction is a new call in memory but the same row in the store (a limit, see below).
          const queues = calls.map((c, i): SidetoneEvent[][] => {
            const id = `c${i}`;
            const q: SidetoneEvent[][] = [c.startTwice ? [start(id, T), start(id, T)] : [start(id, T)]];
            if (c.ringing) q.push([{ type: 'call.ringing', callId: id, ts: T + 500 }]);
            for (let k = 0; k < c.answers; k++) q.push([{ type: 'call.answered', callId: id, ts: T + 1000 }]);
            if (c.ends) q.push([{ type: 'call.ended', callId: id, ts: T + 9000, ...c.end }]);
            return q;
          });
          const s = await surfaces(maxTracked === undefined ? {} : { maxTracked });
          const it = picks[Symbol.iterator]();
          for (let open = queues; open.length > 0; open = open.filter((x) => x.length > 0)) {
            for (const e of open[it.next().value % open.length]!.shift()!) s.bus.emit(e);
          }
          const ids = calls.map((_, i) => `c${i}`);
          const { outcomes, closedLogged, per } = await s.read(ids);
          await s.close();
          for (const id of ids) {
            const p = per[id]!;
            // The log, the span and the stored row say the same of every call (its last closing)...
            expect(p.log, id).toBe(p.span);
            expect(p.store, id).toBe(p.log);
          }
          // ...and `/metrics` counts exactly the closings the log reports, outcome by outcome.
          expect(outcomes).toEqual(closedLogged);
        },
      ),
      { numRuns: 200 },
    );
  }, 120_000);
});
