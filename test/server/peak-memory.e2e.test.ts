import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/prometheus.js';
import { CLI, spawnNode, untilReady } from '../helpers/spawn.js';
import { timeFactor } from '../setup/time-factor.js';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-peak-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The MemoryMax of the systemd unit docs/deploy.md ships, MiB: what the kernel kills the sidecar at. */
function memoryMaxMib(): number {
  const unit = readFileSync(new URL('../../deploy/systemd/sidetone.service', import.meta.url), 'utf8');
  const m = /^MemoryMax=(\d+)([KMG])$/m.exec(unit);
  if (m === null) throw new Error('deploy/systemd/sidetone.service sets no MemoryMax');
  return Number(m[1]) * { K: 1 / 1024, M: 1, G: 1024 }[m[2] as 'K' | 'M' | 'G'];
}

/**
 * A memory cgroup made for this test under its own, limited as systemd's MemoryMax limits the
 * unit's: the kernel then counts and enforces the sidecar's memory as it would on a Pi, and Node's
 * process.constrainedMemory() inside it gives the limit.
 */
interface MemoryCgroup {
  version: 1 | 2;
  /** Where a process writes its pid to move in. */
  procs: string;
  /** Processes in it the kernel's OOM killer killed. */
  oomKills(): number;
  /**
   * How often its memory reached the limit (v1 memory.failcnt, v2 memory.events `max`): page cache
   * reclaimed there counts too, so this is reported, not asserted.
   */
  limitHits(): number;
  /** Once no process is left in it. */
  remove(): void;
}

/** This process's own cgroup directory in the v2 hierarchy and in v1's memory one, each where mounted. */
function ownCgroups(): Array<{ version: 1 | 2; dir: string }> {
  const own = readFileSync('/proc/self/cgroup', 'utf8')
    .split('\n')
    .map((line) => line.split(':'));
  // mountinfo: id parent dev root mount-point options [optional...] - fstype source super-options
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => {
      const [fields = '', fs = ''] = line.split(' - ');
      const [fstype, , options = ''] = fs.split(' ');
      return { at: fields.split(' ')[4] ?? '', fstype, options: options.split(',') };
    });
  const v2 = mounts.find((m) => m.fstype === 'cgroup2');
  const v2path = own
    .find(([id]) => id === '0')
    ?.slice(2)
    .join(':');
  const v1 = mounts.find((m) => m.fstype === 'cgroup' && m.options.includes('memory'));
  const v1path = own
    .find(([, controllers]) => controllers?.split(',').includes('memory'))
    ?.slice(2)
    .join(':');
  return [
    ...(v2 !== undefined && v2path !== undefined ? [{ version: 2 as const, dir: join(v2.at, v2path) }] : []),
    ...(v1 !== undefined && v1path !== undefined ? [{ version: 1 as const, dir: join(v1.at, v1path) }] : []),
  ];
}

/**
 * A child of this process's own memory cgroup (cgroup v2 `memory.max`, else v1
 * `memory.limit_in_bytes`) limited to `bytes`, or why none could be made: it needs root and a
 * memory controller this process may write to.
 */
function memoryCgroup(name: string, bytes: number): MemoryCgroup | string {
  if (process.getuid?.() !== 0) return 'not root';
  const counter = (file: string, key: string) => () =>
    Number(new RegExp(`^${key} (\\d+)$`, 'm').exec(readFileSync(file, 'utf8'))?.[1] ?? Number.NaN);
  const why: string[] = [];
  for (const { version, dir: parent } of ownCgroups()) {
    const dir = join(parent, name);
    try {
      mkdirSync(dir);
    } catch (err) {
      why.push(`v${version}: ${(err as NodeJS.ErrnoException).code} making ${dir}`);
      continue;
    }
    const limitFile = join(dir, version === 2 ? 'memory.max' : 'memory.limit_in_bytes');
    try {
      if (!existsSync(limitFile)) throw new Error(`no memory controller in ${parent}`);
      writeFileSync(limitFile, String(bytes));
    } catch (err) {
      rmdirSync(dir);
      why.push(`v${version}: ${(err as Error).message}`);
      continue;
    }
    const events = join(dir, 'memory.events');
    return {
      version,
      procs: join(dir, 'cgroup.procs'),
      oomKills: counter(version === 2 ? events : join(dir, 'memory.oom_control'), 'oom_kill'),
      limitHits:
        version === 2
          ? counter(events, 'max')
          : () => Number(readFileSync(join(dir, 'memory.failcnt'), 'utf8')),
      remove: () => rmdirSync(dir),
    };
  }
  return why.length === 0 ? 'no cgroup hierarchy mounted' : why.join('; ');
}

const statusMib = (pid: number, key: 'VmRSS' | 'VmHWM') =>
  Number(new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) /
  1024;

let seq = 0;
/** 500 events: 100 whole calls (started, 180, answered, a media report, ended), a new number each. */
function batch(): string {
  const lines: string[] = [];
  for (let i = 0; i < 100; i++) {
    const callId = `peak-${seq++}`;
    lines.push(
      JSON.stringify({
        type: 'call.started',
        callId,
        direction: 'outbound',
        channel: 'sip',
        trunk: 'trunk-a',
        to: `+1555${String(seq).padStart(7, '0')}`,
      }),
      JSON.stringify({ type: 'sip.response', method: 'INVITE', code: 180, direction: 'outbound', callId }),
      JSON.stringify({ type: 'call.answered', callId }),
      JSON.stringify({
        type: 'media.report',
        callId,
        codec: 'PCMU',
        packetsReceived: 250,
        packetsLost: 2,
        jitterMs: 8,
        rttMs: 60,
      }),
      JSON.stringify({ type: 'call.ended', callId, q850: 16, hangupBy: 'caller' }),
    );
  }
  return lines.join('\n');
}

/** What a run at peak saw: the sidecar's memory, what it answered, what it logged, how it ended. */
interface PeakRun {
  /** VmRSS every 250 ms, MiB. */
  rss: number[];
  /** VmHWM at the end of the load, MiB. */
  hwm: number;
  accepted: number;
  /** Responses to POST /events by status. */
  statuses: Map<number, number>;
  /** Its log lines (JSON: stdout is not a terminal). */
  stdout: string;
  exit: { code: number | null; signal: NodeJS.Signals | null };
  /** Its cgroup's counters once it exited, when it ran in one. */
  cgroup?: { oomKills: number; limitHits: number };
}

/**
 * `sidetone serve` with the defaults as a new user gets them (in `cgroup` from its first
 * instruction, when given), loaded by 4 clients posting batches of 500 events back to back, as fast
 * as it answers, for 30 s and at least {@link PEAK_EVENTS} events (the bench's pi-peak row runs
 * 60 s): the volume is what fills the queue and grows the heap, and on a loaded machine 30 s held
 * 86k (a full run with the unit suite beside it), so the run goes on until the volume is there,
 * up to a deadline that scales with the machine; its resident memory read from /proc
 * every 250 ms and its high-water mark (VmHWM, every thread) at the end, then stopped with SIGTERM.
 */
async function driveAtPeak(name: string, cgroup?: MemoryCgroup): Promise<PeakRun> {
  const run: PeakRun = {
    rss: [],
    hwm: Number.NaN,
    accepted: 0,
    statuses: new Map(),
    stdout: '',
    exit: { code: null, signal: null },
  };
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(SIDETONE_|OTEL_|NODE_OPTIONS$)/.test(k)),
  );
  const serve = [CLI, 'serve', '--port', String(port), '--db', join(dir, `${name}.db`)];
  // Into the cgroup before node starts: the shell moves itself in, then becomes the sidecar.
  const wrap =
    cgroup === undefined
      ? undefined
      : ['/bin/sh', '-c', 'echo $$ > "$1" && shift && exec "$@"', 'sh', cgroup.procs];
  const sidecar = spawnNode(serve, { exactEnv: { ...env, NO_COLOR: '1' }, cwd: dir, wrap });
  const { child } = sidecar;
  const exited = new Promise<void>((r) =>
    child.once('exit', (code, signal) => {
      run.exit = { code, signal };
      r();
    }),
  );
  const pid = child.pid as number;
  try {
    await untilReady(url, child, sidecar.stderr);
    const sampler = setInterval(() => run.rss.push(statusMib(pid, 'VmRSS')), 250);
    const end = Date.now() + 30_000;
    const giveUp = Date.now() + 120_000 * timeFactor();
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while ((Date.now() < end || run.accepted <= PEAK_EVENTS) && Date.now() < giveUp) {
          const res = await fetch(`${url}/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-ndjson' },
            body: batch(),
          });
          const body = (await res.json()) as { accepted?: number };
          run.statuses.set(res.status, (run.statuses.get(res.status) ?? 0) + 1);
          if (res.status === 200) run.accepted += body.accepted ?? 0;
        }
      }),
    ).finally(() => clearInterval(sampler));
    run.hwm = statusMib(pid, 'VmHWM');
  } catch (err) {
    // Killed under load (the OOM killer's SIGKILL) reads as a failed fetch: say what ended it.
    await Promise.race([exited, new Promise((r) => setTimeout(r, 1000))]);
    const oom = cgroup === undefined ? '' : `, cgroup oom_kill ${cgroup.oomKills()}`;
    throw new Error(
      `sidetone serve under load: exit ${JSON.stringify(run.exit)}${oom}: ${sidecar.stderr()}`,
      {
        cause: err,
      },
    );
  } finally {
    child.kill('SIGTERM');
    await exited;
    run.stdout = sidecar.stdout();
  }
  let kernel = 'no cgroup';
  if (cgroup !== undefined) {
    run.cgroup = { oomKills: cgroup.oomKills(), limitHits: cgroup.limitHits() };
    const { oomKills, limitHits } = run.cgroup;
    kernel = `cgroup v${cgroup.version}: oom_kill ${oomKills}, limit reached ${limitHits} times`;
  }
  console.log(
    `${name}: max RSS ${Math.max(...run.rss).toFixed(1)} MiB over ${run.rss.length} samples, ` +
      `VmHWM ${run.hwm.toFixed(1)} MiB, ${run.accepted} events accepted, ${kernel}`,
  );
  return run;
}

/** The volume a peak run drives through the sidecar at least. */
const PEAK_EVENTS = 100_000;

/** Every batch stored, over 100,000 events, and every RSS sample and the high-water mark below `limit`. */
function expectBelow(run: PeakRun, limit: number): void {
  // Driven there: every batch stored (a backlog 503 would be the store shedding load, not the
  // memory bound holding), and at a rate that fills the queue faster than a Pi's traffic would.
  expect([...run.statuses.keys()]).toEqual([200]);
  expect(run.accepted).toBeGreaterThan(PEAK_EVENTS);
  const over = run.rss.filter((x) => x >= limit);
  expect(over, `RSS samples at or over ${limit} MiB (max ${Math.max(...run.rss).toFixed(1)})`).toEqual([]);
  expect(run.hwm).toBeLessThan(limit);
}

/**
 * Issue 39: under sustained maximum ingest the sidecar stays below the MemoryMax of the unit we
 * ship, or the kernel kills it (before: 234-294 MiB with the writer thread, 8 of 15 samples over
 * 256 MiB), with the store on the main thread (its writer thread is gone: issue 49). 30 s, over the 60 s a new test
 * may take without a reason: the heap must grow to where the collector holds it, which a run of a
 * few seconds does not show.
 */
describe('sidetone serve under sustained maximum ingest', () => {
  const limit = memoryMaxMib();

  // Without a limit Node sizes V8's heap from the machine's memory (a 4,144 MiB heap limit on this
  // 24 GiB machine), so this run shows what the sidecar itself holds at peak: the stricter bound.
  it(
    'stays below the shipped unit’s MemoryMax, every sample and its high-water mark',
    async () => {
      expectBelow(await driveAtPeak('peak'), limit);
    },
    180_000 * timeFactor(),
  );

  // Under the limit, as on a Pi under the unit, the kernel enforces it and Node sizes the heap from
  // it (259 MiB). A second run, not the first one moved in: inside the limit a smaller heap holds
  // the peak lower (121 against 194 MiB here), which would hide a regression the first one catches.
  it(
    'in a cgroup limited to MemoryMax: not OOM-killed',
    async (ctx) => {
      const cgroup = memoryCgroup(`sidetone-peak-${process.pid}`, limit * 2 ** 20);
      if (typeof cgroup === 'string') return ctx.skip(`no memory cgroup could be made: ${cgroup}`);
      let run: PeakRun;
      try {
        run = await driveAtPeak('peak-in-cgroup', cgroup);
      } finally {
        cgroup.remove();
      }
      expectBelow(run, limit);
      // SIGTERM's graceful stop exits 0; the OOM killer's SIGKILL would show here and in the counter.
      expect(run.exit).toEqual({ code: 0, signal: null });
      expect(run.cgroup?.oomKills).toBe(0);
    },
    180_000 * timeFactor(),
  );
});
