/**
 * A sidecar with no traffic must not wake for nothing (issue 51: on a Pi an idle sidecar's timers
 * are power and heat all day; it idled at ~9 ms of CPU a second where a floor server idles at ~0).
 * The sidecar runs in this process under fake timers: after one scrape, ten minutes of simulated
 * time with no event, no scrape and no probe, every JS timer that fires is counted, by where it was
 * set. What may still fire: the store's maintenance sweep (zombie calls, retention: once a minute)
 * and the checkpoint after its write, the parked event-loop sampler's look at the loop's busy time
 * (every 30 s), and one last look each by the samplers and the health refresh before they park.
 * Before: 633 wake-ups (the store failure watch every second, the modem sampler every 5 s, the
 * health refresh every 10 s), then 74 (the event-loop check's window rotation every 10 s, the
 * console's windows sampler every 15 s); now 45-46. What this cannot count, node:http's own
 * connections check (a timer of node:timers, which fake timers do not replace) and the native
 * event-loop samplers, idle-wakeups.e2e.test.ts counts in a real `sidetone serve`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { type SidecarHandle, startSidecar } from '../../src/server/sidecar.js';
import { storeFailureLog } from '../../src/server/store-health.js';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-idle-'));
let sidecar: SidecarHandle | undefined;
afterEach(async () => {
  await sidecar?.close();
  sidecar = undefined;
  // countFires' spies first: each holds the fake clock's timer as the value to restore, so undone
  // after vi.useRealTimers (vitest undoes every spy after the file) they put back a setTimeout of an
  // uninstalled clock that never fires, and the next file in this worker waits on it (issue 48: one
  // 30 s timeout a run with the unit project not isolated; test/setup/unit.ts now fails the file).
  vi.restoreAllMocks();
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

const MINUTES = 10;
const realSetTimeout = globalThis.setTimeout;
/**
 * A minute: maintenance and the checkpoint after its write (2), the parked event-loop sampler's
 * looks (2); and a dozen one-offs: the samplers' and the health refresh's last looks, the
 * deadlines of a read under way when simulated time jumps past real I/O.
 */
const BOUND = MINUTES * 4 + 12;

/** GET `url` with `Connection: close`; resolves with the status once the socket has closed. */
function scrapeAndClose(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      res.resume();
      res.socket.once('close', () => resolve(res.statusCode ?? 0));
    }).once('error', reject);
  });
}

/** Where each fired timer was set (the first frame outside this file and node's timers). */
function countFires(): Map<string, number> {
  const fires = new Map<string, number>();
  for (const name of ['setTimeout', 'setInterval'] as const) {
    const fake = globalThis[name] as (...a: unknown[]) => unknown;
    vi.spyOn(globalThis, name).mockImplementation(((
      fn: (...a: unknown[]) => void,
      ms?: number,
      ...rest: unknown[]
    ) => {
      const at =
        /\((.*\/src\/[^)]*)\)/.exec(new Error().stack ?? '')?.[1]?.replace(/^.*\/src\//, 'src/') ??
        'elsewhere';
      const where = `${name}(${Math.round(Number(ms))}) at ${at.replace(/:\d+$/, '')}`;
      return fake(
        (...args: unknown[]) => {
          fires.set(where, (fires.get(where) ?? 0) + 1);
          fn(...args);
        },
        ms,
        ...rest,
      );
    }) as never);
  }
  return fires;
}

describe('an idle sidecar', () => {
  it(`wakes at most ${BOUND} times in ${MINUTES} minutes with no traffic`, async () => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
    });
    const fires = countFires();
    const config = loadConfig({
      env: {},
      flags: { 'server.port': '0', 'store.path': join(dir, 'calls.db'), 'store.hash_key': 'k'.repeat(32) },
    });
    sidecar = await startSidecar(config, { signals: false, logger: pino({ level: 'silent' }) });
    // A scrape on a connection of its own, closed once answered (a kept-alive one would keep the
    // server's connections check running, in real time, for as long as the client keeps it).
    expect(await scrapeAndClose(`${sidecar.url}/metrics`)).toBe(200);
    // Start-up's own timers (the first maintenance run, the first health run) settle first.
    await vi.advanceTimersByTimeAsync(1_000);
    fires.clear();
    const start = Date.now();
    let wakeups = 0;
    while (Date.now() - start < MINUTES * 60_000 && vi.getTimerCount() > 0) {
      await vi.advanceTimersToNextTimerAsync();
      wakeups++;
      // What a wake-up started on real I/O (statfs, a store probe) finishes before simulated time
      // moves on: a read's 1 s collect deadline must not pass in simulated time while it waits.
      await new Promise((r) => realSetTimeout(r, 5));
    }
    const seen = [...fires].map(([where, n]) => `${n} ${where}`).join('\n');
    console.log(`${wakeups} wake-ups in ${MINUTES} simulated minutes with no traffic:\n${seen}`);
    expect(wakeups, seen).toBeLessThanOrEqual(BOUND);
    // No periodic timer but the two above keeps firing: the others park, at most one period after
    // their last reader (the health refresh runs for the scrape's period, then parks); one-shot
    // timers belong to a wake-up in progress (a read's deadline, the checkpoint after a write).
    for (const [where, n] of fires) {
      if (
        !where.startsWith('setInterval') ||
        where.includes('maintenance') ||
        (where.startsWith('setInterval(30000)') && where.includes('loop-sampler'))
      )
        continue;
      expect(n, `${where} fired ${n} times with no traffic:\n${seen}`).toBeLessThanOrEqual(2);
    }
  });

  it("watches for the store's recovery only while its writes fail", async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let error: Error | undefined;
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (l: string) => lines.push(JSON.parse(l).msg) });
    const failures = storeFailureLog(log, () => ({ state: () => ({ error }) }) as never);
    try {
      expect(vi.getTimerCount()).toBe(0);
      error = new Error('disk full');
      failures.onError(error);
      expect(vi.getTimerCount()).toBe(1);
      await vi.advanceTimersByTimeAsync(5_000);
      expect(lines.filter((l) => l.includes('recovered'))).toEqual([]);
      error = undefined;
      await vi.advanceTimersByTimeAsync(1_000);
      expect(lines.filter((l) => l.includes('recovered'))).toEqual(['call store writes recovered']);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      failures.stop();
    }
  });
});
