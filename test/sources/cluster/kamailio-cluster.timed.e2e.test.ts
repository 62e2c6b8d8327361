/**
 * Issue 53's done-when on real material. Debian's sipp places 500 calls through Debian's Kamailio
 * (4 workers, siptrace as HEP v3): 100 each answered, busy (486), cancelled, redirected (302, then
 * answered) and timed out (a silent UAS: the proxy's fr_timer gives the caller its 408). A HEP
 * collector keeps every packet siptrace sent, as it arrived. The capture is then replayed at the
 * pace it was captured to one sidecar (its own PostgreSQL database) and to a cluster of three
 * members on `nats-server -js` and one shared database: each packet to a member at random, up to
 * 200 ms late (reordered within 200 ms). One member is SIGKILLed halfway: its partitions move to
 * the two left within 10 s, their /readyz is 503 naming the partitions without a live owner until
 * then and 200 after, and every call's stored record (outcome, SIP code, times: every RFC 6076 KPI
 * the store derives) equals the single sidecar's, as does the dashboard's KPIs: none lost, doubled
 * or timed out falsely.
 */
import type { ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresForFile } from '../../helpers/postgres.js';
import { type FailingCheck, hostLoadOnly } from '../../helpers/problems.js';
import { until } from '../../helpers/until.js';
import { counted, freePort, type SippRun, sippPair, startKamailio, stop } from '../hep/lab.js';
import {
  type Nats,
  owned,
  readyz,
  rows,
  type Sidecar,
  startMembers,
  startNats,
  startSidecar,
  stopAll,
} from './members.js';

const single = postgresForFile();
const shared = postgresForFile();
const dir = mkdtempSync(join(tmpdir(), 'sidetone-cluster-lab-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PARTITIONS = 8;
/** Calls per scenario (500 in all), and the rate each UAC starts them at: the capture takes ~13 s. */
const CALLS = 100;
const RATE = 10;
/** The scenario of each outcome the issue names (test/sources/hep/sipp/uac-<name>.xml). */
const SCENARIOS = {
  answered: 'answered',
  busy: '486',
  cancelled: 'cancel',
  redirected: '302',
  'timed out': '408',
} as const;
/** The proxy's fr_timer: a silent UAS's call ends with Kamailio's 408 after 2 s, not 30 s. */
const FR_TIMER_MS = 2000;
const env = {
  // Timer B after the proxy's 408, as with the defaults (32 s against Kamailio's 30 s): the
  // callee leg's unanswered INVITE times out once its call has ended, on both sides alike.
  SIDETONE_HEP_TIMER_B_MS: '6000',
  // The 200 ms of reordering is the sender's; at load 15-20 an event loop stalls up to ~300 ms
  // (jetstream.e2e.test.ts), so the window is 1 s on every sidecar.
  SIDETONE_HEP_REORDER_WINDOW_MS: '1000',
};

/** A packet as the collector got it: when (ms, performance clock) and its bytes. */
interface Captured {
  at: number;
  buf: Buffer;
}

/** Kamailio's siptrace of the five scenarios, as a HEP collector received it, and what sipp counted. */
async function record(): Promise<{ packets: Captured[]; runs: Record<string, SippRun> }> {
  const packets: Captured[] = [];
  const collector = createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
  collector.on('message', (buf) => packets.push({ at: performance.now(), buf }));
  await new Promise<void>((r) => collector.bind(0, '127.0.0.1', () => r()));
  const proxy = await freePort();
  let kamailio: ChildProcess | undefined;
  const uass: ChildProcess[] = [];
  try {
    kamailio = await startKamailio(
      dir,
      proxy,
      { port: collector.address().port, tcp: false },
      { frTimerMs: FR_TIMER_MS },
    );
    copyFileSync(join(dir, 'uas-silent.xml'), join(dir, 'uas-408.xml'));
    const pairs = await Promise.all(
      Object.values(SCENARIOS).map((name) =>
        sippPair({ dir, name, transport: 'udp', proxy, calls: CALLS, rate: RATE }),
      ),
    );
    for (const p of pairs) uass.push(p.uas);
    const done = await Promise.all(pairs.map((p) => p.uac));
    step('sipp done');
    const runs = Object.fromEntries(Object.values(SCENARIOS).map((name, i) => [name, done[i] as SippRun]));
    // Every UAC has ended: what siptrace still sends (the last ACKs) comes within milliseconds.
    await until(
      () => packets.length > 0 && performance.now() - (packets.at(-1) as Captured).at > 500,
      'the capture to end',
    );
    return { packets, runs };
  } finally {
    for (const u of uass) await stop(u);
    await stop(kamailio);
    collector.close();
  }
}

/** The cluster and the single sidecar, started while the lab records; each put in `started`. */
async function sidecars(nats: Nats, started: Sidecar[]): Promise<{ one: Sidecar; members: Sidecar[] }> {
  const cluster = { natsUrl: nats.url, partitions: PARTITIONS };
  const one = startSidecar('single', single.url, env).then((s) => {
    started.push(s);
    return s;
  });
  const members = await startMembers(shared.url, env, cluster, started);
  return { one: await one, members };
}

const statusCounts = (m: Map<string, string>) => {
  const out: Record<string, number> = {};
  for (const v of m.values()) {
    const s = JSON.parse(v).status as string;
    out[s] = (out[s] ?? 0) + 1;
  }
  return out;
};

interface Dash {
  totals: { calls: { value: number }; answered: { value: number }; failed: { value: number } };
  kpis: Record<string, number | null>;
}
const dash = async (s: Sidecar) =>
  (await (await fetch(`${s.base}/metrics/dashboard?hours=1`)).json()) as Dash;

const began = Date.now();
/** Where the run is, on stdout: a run that fails on its deadline says how far it came. */
const step = (what: string) =>
  console.log(`cluster lab ${((Date.now() - began) / 1000).toFixed(1)} s: ${what}`);

describe('the cluster on real Kamailio + sipp HEP (issue 53)', () => {
  it('500 calls spread over three members, one SIGKILLed: every call as one sidecar stores it', async () => {
    const started: Sidecar[] = [];
    let nats: Nats | undefined;
    const sock = createSocket('udp4');
    try {
      nats = await startNats(dir);
      // Both settled before going on: what one of them started is stopped below whatever failed.
      const [recorded, set] = await Promise.allSettled([record(), sidecars(nats, started)]);
      if (recorded.status === 'rejected') throw recorded.reason;
      if (set.status === 'rejected') throw set.reason;
      const { one, members } = set.value;
      const { packets, runs } = recorded.value;
      step(`${packets.length} HEP packets recorded; sidecars ready`);
      for (const [outcome, name] of Object.entries(SCENARIOS))
        expect(runs[name]?.stat.TotalCallCreated, `${outcome}: ${runs[name]?.errors}`).toBe(CALLS);
      // Each member's partition gauge follows its ownership at its next step: polled, as a full run
      // at load read 6 of 8 right after every member answered ready.
      await until(
        async () => (await Promise.all(members.map(owned))).reduce((a, b) => a + b) === PARTITIONS,
        'every partition owned once, by the gauges',
      );

      // The replay: the single sidecar gets the capture in order at its pace; the cluster the same
      // packets up to 200 ms late, each to a member at random.
      const first = (packets[0] as Captured).at;
      const span = (packets.at(-1) as Captured).at - first;
      const t0 = Date.now() + 300;
      const sends: Array<{ at: number; buf: Buffer; single: boolean }> = [];
      for (const p of packets) {
        const at = t0 + (p.at - first);
        sends.push(
          { at, buf: p.buf, single: true },
          { at: at + Math.random() * 200, buf: p.buf, single: false },
        );
      }
      sends.sort((x, y) => x.at - y.at);
      const killAt = t0 + span / 2;
      const victim = members[2] as Sidecar;
      const survivors = members.slice(0, 2);
      let killed: number | undefined;
      const seen: Array<{
        id: string;
        at: number;
        status: number;
        cluster: string;
        failing: FailingCheck[];
      }> = [];
      let watching = true;
      let watch: Promise<void> = Promise.resolve();
      const send = (buf: Buffer, port: number) =>
        new Promise<void>((r) => sock.send(buf, port, '127.0.0.1', () => r()));
      for (const s of sends) {
        const wait = s.at - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (killed === undefined && Date.now() >= killAt) {
          victim.cli.child.kill('SIGKILL');
          killed = Date.now();
          // The survivors' /readyz every 100 ms from the kill until both are ready again.
          watch = (async () => {
            while (watching) {
              for (const m of survivors)
                seen.push({
                  id: m.id,
                  at: Date.now(),
                  ...(await readyz(m).catch(() => ({ status: 0, cluster: '', failing: [] }))),
                });
              await new Promise((r) => setTimeout(r, 100));
            }
          })();
        }
        // A capture agent stops sending to a member 500 ms before it dies (its packets in flight
        // to a dead process are lost whatever stores them): the others get them.
        const live = Date.now() >= killAt - 500 ? survivors : members;
        const to = live[Math.floor(Math.random() * live.length)] as Sidecar;
        await send(s.buf, s.single ? one.hep : to.hep);
      }
      expect(killed).toBeDefined();
      step('replayed');
      // Its partitions move to the two left (silent after 3 s, gone at its TTL of 5 s, taken at the
      // next heartbeat): within 10 s.
      await until(
        async () =>
          (await owned(survivors[0] as Sidecar)) + (await owned(survivors[1] as Sidecar)) === PARTITIONS,
        'the dead member partitions taken over',
        { timeoutMs: 10_000, everyMs: 100 },
      );
      const movedMs = Date.now() - (killed as number);
      step(`partitions moved ${movedMs} ms after the SIGKILL`);
      expect(movedMs).toBeLessThan(10_000);
      // The watcher stops first, and the wait for both to be ready again records what it reads:
      // the last answer recorded of each is the one the wait saw (in a full run the watcher's last
      // sample, taken before the wait's, held a 503 the wait had already seen turn 200).
      watching = false;
      await watch;
      await until(async () => {
        const now = await Promise.all(survivors.map(readyz));
        now.forEach((r, i) => {
          seen.push({ id: (survivors[i] as Sidecar).id, at: Date.now(), ...r });
        });
        return now.every((r) => r.status === 200);
      }, 'both survivors ready again');
      // Each survivor's answers as they changed, for the record.
      const changes = seen.filter(
        (x, i) =>
          seen.findLastIndex((y, j) => j < i && y.id === x.id) < 0 ||
          seen.findLast((y, j) => j < i && y.id === x.id)?.cluster !== x.cluster,
      );
      step(
        `/readyz: ${changes.map((x) => `${x.id} +${x.at - (killed as number)} ms ${x.status} ${x.cluster}`).join('; ')}`,
      );
      // Each survivor said 503 while the victim's partitions had no live owner, naming why, and
      // 200 once they were taken. A 503 for the event loop alone is the host's, not the cluster's
      // (as test/helpers/problems.ts allows): in a full run a survivor answered 503 with its
      // cluster check passing ("pass: 3 members", run 97 of 2026-11-29, the SIGKILL at the
      // suite's busiest), and nothing recorded which check had failed. Any other cause fails.
      for (const m of survivors) {
        const mine = seen.filter((x) => x.id === m.id);
        const record = `${m.id}: ${JSON.stringify(
          mine.map((x) => [
            x.status,
            x.cluster,
            ...x.failing.map((f) => `${f.name} ${f.status}: ${f.detail}`),
          ]),
        )}`;
        const down = mine.filter((x) => x.status === 503);
        const cluster = down.filter((x) => !hostLoadOnly(x.failing));
        expect(cluster.length, record).toBeGreaterThan(0);
        for (const x of cluster)
          expect(x.cluster, record).toMatch(/^fail: \d+ of 8 partitions without a live owner/);
        expect(mine.at(-1)?.status).toBe(200);
      }
      const firstDown =
        Math.min(...seen.filter((x) => x.status === 503).map((x) => x.at)) - (killed as number);

      // Every call reached the single sidecar's store, ended; the cluster's equals it row by row.
      let want = new Map<string, string>();
      await until(
        async () => {
          want = await rows(single.url);
          return want.size === 5 * CALLS && [...want.values()].every((r) => JSON.parse(r).ended_at !== null);
        },
        'the single sidecar stored every call ended',
        { timeoutMs: 30_000, everyMs: 250 },
      );
      step('the single sidecar stored every call');
      let got = new Map<string, string>();
      await until(
        async () => {
          got = await rows(shared.url);
          return got.size === want.size && [...got].every(([k, v]) => want.get(k) === v);
        },
        'the cluster stored every call as the single sidecar did',
        { timeoutMs: 30_000, everyMs: 250 },
      ).catch(() => {});
      expect(got.size).toBe(want.size);
      const differ = [...want].filter(([k, v]) => got.get(k) !== v).map(([k, v]) => [v, got.get(k)]);
      if (differ.length > 0)
        console.log(
          `cluster lab: rows that differ (single, cluster):\n${differ.map((d) => d.join('\n')).join('\n\n')}`,
        );
      expect(differ).toEqual([]);
      // The outcomes are sipp's: the busy, cancelled and timed-out calls as its UACs received their
      // finals; none timed out but the silent UAS's.
      const statuses = statusCounts(got);
      expect(statuses.busy).toBe(counted(runs['486']?.counts ?? {}, 486));
      expect(statuses.cancelled).toBe(counted(runs.cancel?.counts ?? {}, 487));
      expect(statuses.timeout ?? 0).toBe(counted(runs['408']?.counts ?? {}, 408));
      // The RFC 6076 KPIs and totals the dashboard computes from each store are the same.
      const [a, b] = [await dash(one), await dash(survivors[0] as Sidecar)];
      expect(b.totals.calls.value).toBe(5 * CALLS);
      expect({ totals: b.totals, kpis: b.kpis }).toEqual({ totals: a.totals, kpis: a.kpis });
      console.log(
        `cluster lab: ${packets.length} HEP packets of ${5 * CALLS} calls; statuses ${JSON.stringify(statuses)}; ` +
          `/readyz 503 from ${firstDown} ms after the SIGKILL; partitions moved ${movedMs} ms after it`,
      );
    } finally {
      sock.close();
      await stopAll(started);
      await nats?.stop();
    }
  }, 150_000);
});
