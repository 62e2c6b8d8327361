import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { consoleData, showChange } from '../../src/analytics/console.js';
import { CONSOLE_WINDOWS, type ConsoleWindow, windowPeriod } from '../../src/analytics/windows.js';
import { ALERT_DEFAULTS } from '../../src/rules/thresholds.js';
import type { CallUpdate, SmsUpdate } from '../../src/store/types.js';
import { memoryStore } from './scripted.js';

const NOW = Date.UTC(2026, 0, 10, 12, 34, 56, 789);
const WINDOWS = Object.keys(CONSOLE_WINDOWS) as ConsoleWindow[];
const OPTS = { now: NOW, alerts: ALERT_DEFAULTS, maxActiveSeconds: 14_400 };
const ENDS = ['answered', 'busy', 'unavailable', 'timeout', 'challenge', 'active'] as const;

function call(id: string, at: number, end: (typeof ENDS)[number]): CallUpdate[] {
  const started: CallUpdate = {
    kind: 'started',
    callId: id,
    at,
    direction: 'inbound',
    channel: 'sip',
    trunk: 'other',
  };
  const ended = (u: Partial<Extract<CallUpdate, { kind: 'ended' }>>): CallUpdate => ({
    kind: 'ended',
    callId: id,
    at: at + 9000,
    ...u,
  });
  switch (end) {
    case 'answered':
      return [started, { kind: 'answered', callId: id, at: at + 3000 }, ended({ sipCode: 200 })];
    case 'busy':
      return [started, ended({ sipCode: 486 })];
    case 'unavailable':
      return [started, ended({ sipCode: 503 })];
    case 'timeout':
      return [started, ended({ status: 'timeout' })];
    case 'challenge':
      return [started, ended({ sipCode: 407 })];
    case 'active':
      return [started];
  }
}

describe('console analytics', () => {
  it('each window has its resolution: whole buckets, the last one (containing now) partial', () => {
    for (const w of WINDOWS) {
      const { spanMs, bucketMs } = CONSOLE_WINDOWS[w];
      const p = windowPeriod(w, NOW);
      expect(p.to).toBe(NOW);
      expect(p.from % bucketMs).toBe(0);
      expect(Math.ceil((p.to - p.from) / bucketMs)).toBe(spanMs / bucketMs);
    }
    expect(CONSOLE_WINDOWS['1h'].bucketMs).toBe(60_000);
    expect(CONSOLE_WINDOWS['6h'].bucketMs).toBe(300_000);
    expect(CONSOLE_WINDOWS['24h'].bucketMs).toBe(900_000);
    expect(CONSOLE_WINDOWS['7d'].bucketMs).toBe(3_600_000);
  });

  it('property: in every window the buckets sum to the totals, answered + not answered + other = calls, sent = delivered + failed + awaiting + expired', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ ageS: fc.integer({ min: 0, max: 8 * 86_400 }), end: fc.constantFrom(...ENDS) }),
          { maxLength: 60 },
        ),
        fc.array(
          fc.record({
            ageS: fc.integer({ min: 30, max: 8 * 86_400 }),
            fate: fc.constantFrom('delivered', 'failed', 'pending', 'unknown', 'none'),
          }),
          { maxLength: 20 },
        ),
        async (calls, sms) => {
          const store = memoryStore();
          try {
            await store.applyBatch(calls.flatMap((c, i) => call(`c${i}`, NOW - c.ageS * 1000, c.end)));
            const messages: SmsUpdate[] = sms.flatMap((m, i): SmsUpdate[] => {
              const at = NOW - m.ageS * 1000;
              const sent: SmsUpdate = { kind: 'sent', messageId: `m${i}`, at, to: '+15550001111' };
              return m.fate === 'none'
                ? [sent]
                : [sent, { kind: 'delivery', messageId: `m${i}`, at: at + 1000, outcome: m.fate }];
            });
            await store.applySmsBatch(messages);
            for (const w of WINDOWS) {
              const d = await consoleData(store, w, OPTS);
              const c = d.calls;
              expect(c.answered.value + c.failed.value + c.other, w).toBe(c.total.value);
              const sum = (k: 'total' | 'answered' | 'failed' | 'other') =>
                d.series.reduce((n, p) => n + p[k], 0);
              expect([sum('total'), sum('answered'), sum('failed'), sum('other')], w).toEqual([
                c.total.value,
                c.answered.value,
                c.failed.value,
                c.other,
              ]);
              expect(
                d.series.filter((p) => p.partial).map((p) => p.start),
                w,
              ).toEqual([d.series.at(-1)?.start]);
              expect(d.bucketMs, w).toBe(CONSOLE_WINDOWS[w].bucketMs);
              const s = d.sms;
              expect(s.delivered + s.failed + s.awaiting + s.expired, w).toBe(s.sent);
              // The oldest awaiting is an age inside the window, never the process's uptime.
              if (s.oldestAwaitingSeconds !== null)
                expect(s.oldestAwaitingSeconds).toBeLessThanOrEqual((NOW - d.period.from) / 1000);
              // A change only against a previous period with enough calls to compare.
              for (const x of [c.total, c.answered, c.failed])
                if (x.previous < ALERT_DEFAULTS.kpi_min_attempts) expect(x.changePercent).toBeNull();
            }
            // Calls in progress: the same count whatever the window (not filed-in-period).
            const live = await Promise.all(
              WINDOWS.map(async (w) => (await consoleData(store, w, OPTS)).live.count),
            );
            const active = calls.filter((c) => c.end === 'active' && c.ageS < 14_400).length;
            expect(live).toEqual(WINDOWS.map(() => active));
          } finally {
            await store.close();
          }
        },
      ),
      { numRuns: 15 },
    );
  }, 60_000);

  it('no "+177,163 %": one call before against 1,772 now shows no change; 20 before does', async () => {
    const store = memoryStore();
    try {
      const h = 3_600_000;
      const from = windowPeriod('1h', NOW).from;
      await store.applyBatch(call('prev', from - h / 2, 'answered'));
      await store.applyBatch(
        Array.from({ length: 1772 }, (_, i) => call(`n${i}`, from + i * 1000, 'answered')).flat(),
      );
      let d = await consoleData(store, '1h', OPTS);
      expect(d.calls.total).toEqual({ value: 1772, previous: 1, changePercent: null, shown: '+1,771' });
      await store.applyBatch(
        Array.from({ length: 19 }, (_, i) => call(`p${i}`, from - h / 2 + i * 1000 + 1, 'answered')).flat(),
      );
      d = await consoleData(store, '1h', OPTS);
      expect(d.calls.total).toEqual({ value: 1772, previous: 20, changePercent: 8760, shown: '×88.6' });
    } finally {
      await store.close();
    }
  });

  it('no "+30,566.1 %": a change is a % within tenfold, a factor beyond, a count from a tiny base, new from none', () => {
    const min = ALERT_DEFAULTS.kpi_min_attempts;
    // What the issue saw: 24 calls before, 7,360 now printed "+30,566.1 %".
    expect(showChange(7360, 24, min)).toBe('×306.7');
    expect(showChange(30, 24, min)).toBe('+25 %');
    expect(showChange(6, 24, min)).toBe('−75 %');
    expect(showChange(240, 24, min)).toBe('+900 %');
    expect(showChange(24, 24, min)).toBe('0 %');
    // Below the minimum a ratio means nothing: the count it changed by.
    expect(showChange(1772, 1, min)).toBe('+1,771');
    expect(showChange(0, 3, min)).toBe('−3');
    expect(showChange(5, 0, min)).toBe('new');
    expect(showChange(0, 0, min)).toBeNull();
    // Never more than a tenfold factor's worth of characters, whatever the counts.
    fc.assert(
      fc.property(fc.nat(10_000_000), fc.nat(10_000_000), (v, p) => {
        const s = showChange(v, p, min);
        if (s !== null) expect(s).toMatch(/^(new|×[\d,.]+|[+−][\d,.]+( %)?|0 %)$/);
        if (s?.endsWith('%')) expect(Number(s.replace(/[^\d.]/g, ''))).toBeLessThanOrEqual(900);
      }),
    );
  });
});
