/**
 * Issue 47 item 12c: "awaiting a delivery report" had three definitions. For the same traffic
 * `sidetone sms` showed 0 (status `pending` only), `/metrics` 37 (the pack replaced a submission
 * when its TP-MR was reused) and the console 198 (queued + sent + pending, referenced or not). Now
 * one definition (domain/standards/sms.ts `awaitsReport`) and every surface gives the same count
 * and the same oldest age: the metric's gauges, the store's stats (what `sidetone sms` and
 * /metrics/sms print) and the console.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { consoleData } from '../../src/analytics/console.js';
import { smsSummary } from '../../src/analytics/sms.js';
import { REPORT_WAIT_MS } from '../../src/domain/standards/sms.js';
import { EventBus } from '../../src/events/bus.js';
import type { SidetoneEvent } from '../../src/events/types.js';
import { Registry } from '../../src/metrics/index.js';
import { ALERT_DEFAULTS } from '../../src/rules/thresholds.js';
import { storeSink } from '../../src/sinks/store-sink.js';
import { SqliteCallStore } from '../../src/store/sqlite/store.js';
import { smsPack } from '../../src/telephony/packs/sms.js';

const NOW = Date.UTC(2026, 0, 10, 12, 0);
const HOUR = 3_600_000;
const to = '+447700900123';

interface Surfaces {
  metric: { count: number; oldestSeconds: number };
  summary: { count: number; oldestSeconds: number | null };
  console: { count: number; oldestSeconds: number | null };
}

/** Feed `events` (in ts order) to the SMS pack and the store, with the clock at each event's ts; read every surface at NOW. */
async function surfaces(events: SidetoneEvent[]): Promise<Surfaces> {
  const clock = { now: NOW - 3 * 24 * HOUR };
  const registry = new Registry();
  const bus = new EventBus({ registry });
  smsPack(registry, { now: () => clock.now }).subscribe(bus);
  const store = new SqliteCallStore({
    path: ':memory:',
    privacy: { hashKey: 'contract-hash-key-0123456789', storeRaw: false },
  });
  const sink = storeSink(bus, store, { modems: ['modem0', 'modem1'] });
  try {
    for (const e of events) {
      clock.now = e.ts as number;
      bus.emit(e);
    }
    await sink.flush();
    clock.now = NOW;
    const text = await registry.metrics();
    const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
    const s = await smsSummary(store, { from: NOW - 3 * 24 * HOUR, to: NOW });
    const c = await consoleData(store, '7d', { now: NOW, alerts: ALERT_DEFAULTS, maxActiveSeconds: 14_400 });
    return {
      metric: {
        count: gauge('sidetone_sms_delivery_pending'),
        oldestSeconds: gauge('sidetone_sms_delivery_pending_oldest_seconds'),
      },
      summary: {
        count: s.awaitingReport,
        oldestSeconds: s.oldestAwaitingAt === null ? null : (NOW - s.oldestAwaitingAt) / 1000,
      },
      console: { count: c.sms.awaiting, oldestSeconds: c.sms.oldestAwaitingSeconds },
    };
  } finally {
    await sink.close();
    await store.close();
  }
}

const sent = (ts: number, reference?: number, modem?: string): SidetoneEvent => ({
  type: 'sms.sent',
  to,
  ts,
  ...(reference === undefined ? {} : { reference }),
  ...(modem === undefined ? {} : { modem }),
});
const report = (ts: number, reference: number, status: number | string, modem?: string): SidetoneEvent => ({
  type: 'sms.delivery_report',
  reference,
  ts,
  ...(typeof status === 'number' ? { tpStatus: status } : { providerStatus: status }),
  ...(modem === undefined ? {} : { modem }),
});

describe('SMS awaiting a delivery report: one count on every surface', () => {
  it('counts the referenced, sent, unreported submissions of the last day, a reused TP-MR included', async () => {
    const t = NOW - 2 * HOUR;
    const got = await surfaces([
      // Two days old and never reported: its day is out, it no longer awaits.
      sent(NOW - 2 * 24 * HOUR, 1, 'modem0'),
      // No reference: no report can be matched to it, so none is awaited.
      sent(t, undefined, 'modem0'),
      // Awaits: sent, reference 7 on modem0.
      sent(t + 1000, 7, 'modem0'),
      // A "still trying" report (TP-Status 0x20) and an unreadable one are not final: still awaits.
      sent(t + 2000, 8, 'modem0'),
      report(t + 3000, 8, 0x20, 'modem0'),
      report(t + 4000, 8, 'partially_delivered', 'modem0'),
      // Delivered and failed: final.
      sent(t + 5000, 9, 'modem1'),
      report(t + 6000, 9, 0x00, 'modem1'),
      sent(t + 7000, 10, 'modem1'),
      report(t + 8000, 10, 0x41, 'modem1'),
      // The TP-MR wraps on modem0: reference 7 again. Both await (the report goes to the newest).
      sent(t + 9000, 7, 'modem0'),
      // Refused at submission: never sent.
      { type: 'sms.send_failed', to, reference: 11, modem: 'modem0', cmsError: 38, ts: t + 10_000 },
    ]);
    const oldest = (NOW - (t + 1000)) / 1000;
    expect(got).toEqual({
      metric: { count: 3, oldestSeconds: oldest },
      summary: { count: 3, oldestSeconds: oldest },
      console: { count: 3, oldestSeconds: oldest },
    });
  });

  it('a report takes the newest submission with its reference, then the older one, on every surface', async () => {
    const t = NOW - HOUR;
    const got = await surfaces([
      sent(t, 5, 'modem0'),
      sent(t + 60_000, 5, 'modem0'),
      report(t + 61_000, 5, 0x00, 'modem0'),
    ]);
    // The older one still awaits, and is the oldest.
    expect(got.metric).toEqual({ count: 1, oldestSeconds: HOUR / 1000 });
    expect(got.summary).toEqual(got.metric);
    expect(got.console).toEqual(got.metric);
    const both = await surfaces([
      sent(t, 5, 'modem0'),
      sent(t + 60_000, 5, 'modem0'),
      report(t + 61_000, 5, 0x00, 'modem0'),
      report(t + 62_000, 5, 0x40, 'modem0'),
    ]);
    expect([both.metric.count, both.summary.count, both.console.count]).toEqual([0, 0, 0]);
  });

  it("a report takes a submission on its own key however old, as the store does, before another modem's", async () => {
    // fast-check's counterexample (issue 47 item 12e, seed -1954127119): the pack had forgotten the
    // first submission (a day and 2 ms since it heard of it) and gave the report modem1's.
    const got = await surfaces([
      sent(NOW - 86_400_002, 3),
      sent(NOW - 1, 3, 'modem1'),
      report(NOW - 1, 3, 0x63),
    ]);
    expect([got.metric.count, got.summary.count, got.console.count]).toEqual([1, 1, 1]);
    // The same on a modem's own key; the forgotten one is spent once, then the next report falls back.
    const again = await surfaces([
      sent(NOW - 86_400_002, 3, 'modem0'),
      sent(NOW - 3, 3),
      report(NOW - 2, 3, 0x00, 'modem0'),
      report(NOW - 1, 3, 0x00, 'modem0'),
    ]);
    expect([again.metric.count, again.summary.count, again.console.count]).toEqual([0, 0, 0]);
    const once = await surfaces([
      sent(NOW - 86_400_002, 3, 'modem0'),
      sent(NOW - 3, 3),
      report(NOW - 2, 3, 0x00, 'modem0'),
    ]);
    expect([once.metric.count, once.summary.count, once.console.count]).toEqual([1, 1, 1]);
  });

  it('property: for any traffic, the metric, the store and the console count the same and age the oldest alike', async () => {
    const modem = fc.constantFrom(undefined, 'modem0', 'modem1');
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('sent' as const),
        ref: fc.option(fc.integer({ min: 0, max: 3 })),
        modem,
      }),
      fc.record({
        kind: fc.constant('report' as const),
        ref: fc.integer({ min: 0, max: 3 }),
        status: fc.constantFrom<number | string>(0x00, 0x20, 0x41, 0x63, 'undelivered', 'sending', 'bogus'),
        modem,
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        // Ages over 30 hours, so some submissions outlive their day; fed oldest first, all before the
        // reads at NOW (a period is [from, to): one stamped NOW is the next period's).
        fc.array(fc.tuple(fc.integer({ min: 1, max: 30 * HOUR }), step), { maxLength: 60 }),
        async (steps) => {
          const events: SidetoneEvent[] = [];
          for (const [age, s] of steps.sort((a, b) => b[0] - a[0])) {
            const ts = NOW - age;
            events.push(
              s.kind === 'sent'
                ? sent(ts, s.ref ?? undefined, s.modem)
                : report(ts, s.ref, s.status, s.modem),
            );
          }
          const got = await surfaces(events);
          expect(got.summary.count).toBe(got.metric.count);
          expect(got.console.count).toBe(got.metric.count);
          // The gauge is 0 when none waits; the store's reads say null.
          expect(got.summary.oldestSeconds ?? 0).toBe(got.metric.oldestSeconds);
          expect(got.console.oldestSeconds ?? 0).toBe(Math.round(got.metric.oldestSeconds));
          expect(got.metric.oldestSeconds).toBeLessThan(REPORT_WAIT_MS / 1000);
        },
      ),
    );
  });
});
