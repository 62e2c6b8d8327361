/**
 * The modem's history (issue 37): the analytics over stored samples (timeline, reconnects across
 * a sidecar restart, the worst sample per bucket) and the sampler's bound (a sample a minute per
 * modem plus one per change; a store that refuses or stays down cannot grow its queue).
 */
import { describe, expect, it, vi } from 'vitest';
import { MODEM_TREND_POINTS, modemHistory } from '../../src/analytics/modem.js';
import type { LiveState } from '../../src/analytics/problems.js';
import { renderModems } from '../../src/cli/commands/modem.js';
import { styleFor } from '../../src/cli/output.js';
import { ValidationError } from '../../src/errors.js';
import {
  MODEM_PENDING_MAX,
  MODEM_POLL_MS,
  MODEM_SAMPLE_MS,
  ModemSampler,
} from '../../src/server/modem-sampler.js';
import { openSqliteCallStore } from '../../src/store/sqlite/store.js';
import type { ModemSample } from '../../src/store/types.js';

const T = Date.UTC(2026, 0, 5, 3, 0, 0);
const privacy = { hashKey: 'modem-history-key-0123456789', storeRaw: false };
type Live = LiveState['modems'][number];
const live = (over: Partial<Live> = {}): Live => ({
  modem: 'modem0',
  connected: true,
  registered: true,
  signalDbm: -70,
  rsrpDbm: -95,
  reconnects: 0,
  flapping: false,
  ...over,
});
const sample = (at: number, over: Partial<Live> = {}): ModemSample => ({ ...live(over), at });

describe('modemHistory', () => {
  it('lists each change once, counts reconnects across a counter reset, keeps the worst per bucket', async () => {
    const store = await openSqliteCallStore({ path: ':memory:', privacy });
    await store.appendModemSamples([
      sample(T, { signalDbm: -70 }),
      sample(T + 20_000, { signalDbm: -101, registered: false }),
      sample(T + 60_000, { connected: false, registered: null, signalDbm: null, rsrpDbm: null }),
      sample(T + 65_000, { reconnects: 1 }),
      sample(T + 70_000, { reconnects: 3, flapping: true }),
      // The sidecar restarted: its counter starts again; 2 reconnects since, not -1.
      sample(T + 3_600_000, { reconnects: 2, flapping: false }),
    ]);
    const { modems } = await modemHistory(store, { from: T, to: T + 86_400_000 });
    const m = modems[0]!;
    expect(m.timeline.map(({ change, count }) => (count ? `${change}x${count}` : change))).toEqual([
      'not_registered',
      'disconnected',
      'connected',
      'registered',
      'reconnectedx1',
      'reconnectedx2',
      'flapping',
      'reconnectedx2',
      'stable',
    ]);
    expect(m.reconnects).toBe(5);
    expect(m.signal).toEqual({ min: -101, max: -70, last: -70 });
    expect(m.initial).toEqual({ connected: true, registered: true, flapping: false });
    // A day in at most MODEM_TREND_POINTS buckets (15 min), the first one's worst: -101, unregistered.
    expect(m.bucketMs).toBe(900_000);
    expect(m.trend.length).toBeLessThanOrEqual(MODEM_TREND_POINTS);
    expect(m.trend[0]).toEqual({ at: T, signalDbm: -101, rsrpDbm: -95, registered: false });
    // `sidetone modem` prints the same history: its figures and every change, in UTC.
    const text = renderModems(
      { period: { from: T, to: T + 86_400_000 }, modems },
      styleFor({ isTTY: false }),
    );
    expect(text).toContain('last -70 dBm, min -101 dBm, max -70 dBm');
    expect(text).toMatch(/reconnects\s+5\n/);
    expect(text).toMatch(/^2026-01-05 03:01:05 {2}reconnected +1$/m);
    expect(text.match(/^2026-01-05 /gm)?.length).toBe(9);
    await store.close();
  });
});

describe('ModemSampler', () => {
  it('writes a sample a minute per modem and one per change, none for a modem never heard from', async () => {
    const written: ModemSample[] = [];
    let now = T;
    let state = [
      live(),
      live({ modem: 'modem1', connected: null, registered: null, signalDbm: null, rsrpDbm: null }),
    ];
    const sampler = new ModemSampler({
      store: {
        appendModemSamples: async (ss) => {
          written.push(...ss);
          return ss.length;
        },
      },
      read: async () => state,
      now: () => now,
    });
    // An hour of 5 s polls with a steady modem, a signal that moves (not a change of state), and
    // three changes of state.
    for (let i = 0; i < 720; i++) {
      now = T + i * 5000;
      state = [
        live({ signalDbm: -70 - (i % 7), reconnects: i >= 300 ? 1 : 0, registered: i < 100 || i >= 110 }),
      ];
      await sampler.tick();
    }
    expect(written.every((s) => s.modem === 'modem0')).toBe(true);
    // 60 minute samples plus at most one per change (3), the minute clock restarting at each.
    expect(written.length).toBeGreaterThanOrEqual(60);
    expect(written.length).toBeLessThanOrEqual(63);
    for (let i = 1; i < written.length; i++) {
      const gap = written[i]!.at - written[i - 1]!.at;
      const changed =
        written[i]!.registered !== written[i - 1]!.registered ||
        written[i]!.reconnects !== written[i - 1]!.reconnects;
      expect(changed || gap >= MODEM_SAMPLE_MS).toBe(true);
    }
  });

  it('keeps at most MODEM_PENDING_MAX samples while the store is down, and drops a refused batch', async () => {
    let now = T;
    let fail: Error | undefined = new Error('store down');
    const stored: ModemSample[] = [];
    const told: unknown[] = [];
    const sampler = new ModemSampler({
      onError: (err) => told.push(err),
      store: {
        appendModemSamples: async (ss) => {
          if (fail) throw fail;
          stored.push(...ss);
          return ss.length;
        },
      },
      read: async () => [live({ reconnects: now })], // a change every poll
      now: () => now,
    });
    for (let i = 0; i < MODEM_PENDING_MAX + 30; i++) {
      now += 5000;
      await sampler.tick();
    }
    expect(sampler.dropped).toBe(30);
    expect(told.length).toBe(1); // one outage, one log line: not one per poll
    fail = undefined;
    now += 5000;
    await sampler.tick();
    // The queue was full: the new sample pushed out the oldest, then all were written.
    expect(sampler.dropped).toBe(31);
    expect(stored.length).toBe(MODEM_PENDING_MAX);
    expect(stored.at(-1)!.at).toBe(now);
    fail = new ValidationError('ST_STORE_INVALID_UPDATE', 'refused', []);
    now += 5000;
    await sampler.tick();
    expect(sampler.dropped).toBe(32);
    expect(told.length).toBe(2);
    fail = undefined;
    now += 5000;
    await sampler.tick();
    expect(stored.at(-1)!.at).toBe(now);
  });

  it('parks after a look that heard from no modem, and a modem event (wake) resumes the polls (issue 51)', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let reads = 0;
    let state = [live({ connected: null, registered: null, signalDbm: null, rsrpDbm: null })];
    const written: ModemSample[] = [];
    const sampler = new ModemSampler({
      store: {
        appendModemSamples: async (ss) => {
          written.push(...ss);
          return ss.length;
        },
      },
      read: async () => {
        reads++;
        return state;
      },
      now: () => T,
    });
    try {
      sampler.start();
      await vi.advanceTimersByTimeAsync(MODEM_POLL_MS);
      expect(reads).toBe(1);
      expect(vi.getTimerCount()).toBe(0);
      await vi.advanceTimersByTimeAsync(60 * MODEM_POLL_MS);
      expect(reads).toBe(1);
      // The modem speaks: the polls resume, and a modem heard from keeps them going.
      state = [live()];
      sampler.wake();
      await vi.advanceTimersByTimeAsync(3 * MODEM_POLL_MS);
      expect(reads).toBe(4);
      expect(written).toHaveLength(1);
      expect(vi.getTimerCount()).toBe(1);
      await sampler.stop();
      sampler.wake(); // stopped: a late event does not restart it
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
