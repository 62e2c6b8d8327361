// docs/benchmarks.md from the saved results (bench/results/*.json), and the rows behind it. Every
// row states what it was measured against (a floor, an opponent, or nothing), how (a method named
// in the page's Methods list), over how many runs, at what load average, and its ratio as the
// median with its range over the runs; the run before (bench/results/previous/) is shown beside,
// with whether its median falls within this range. `checkRow` refuses a row that lacks any of
// these; test/docs/benchmarks.test.ts holds the committed page to it and to this generator.
import { existsSync, readFileSync } from 'node:fs';

/** Methods, by the key a row names; the page lists them. */
export const METHODS = {
  'wall-median':
    'mitata on the wall clock, the median sample (samples of µs: one the scheduler preempted is an outlier the median drops); each implementation and the floor in a child process of its own, fresh for every run',
  'cpu-render':
    "CPU time of the rendering process, every thread (GC helpers too), per render, with glibc's malloc keeping the memory it frees (MALLOC_MMAP_THRESHOLD_ 64 MiB, MALLOC_TRIM_THRESHOLD_ 256 MiB, since 2026-11-29: a process that gave its output buffer back to the kernel faulted it in again on the next render, 800-900 faults of about 15 µs each on this VM for a 10k mixed render, in some processes of a side and not others): at 10k series the mean over 1 s of CPU of renders (after 0.25 s uncounted) in each of 3 fresh processes a side (rounds rotating which side goes first), then the median of the three (since 2026-11-29 the mean: a render whose buffer the kernel must fault in again costs 3-5x one that reuses memory, on every side alike, and which of the two a median sample fell in swung a run's ratio from 0.30x to 3.55x; mitata's median sample before, and one process a side before 2026-11-28); at 1M the median of 3 renders after one uncounted, in one fresh process a side; the floor writes sidetone's bytes exactly (checked by digest in every run)",
  heap: 'heap used after a full GC, before and after making the series, per series; each implementation in a child process of its own',
  'alloc-gcs':
    'young-generation GCs counted while sidetone records 20M pre-bound counter incs and 20M classic and 20M native histogram observes, after a warm-up',
  'http-cpu':
    'each server a child process of its own, loaded by autocannon from the bench process for 5 s; CPU time of the server process (every thread) over the requests it served (requests in flight at the end waited for); servers in a rotated order each round',
  'http-rps': 'as http-cpu; requests the server finished per second, until the last of them finished',
  'ingest-cpu':
    'sidecar (`sidetone serve`) and floors each a process of its own, loaded in turn by 4 clients in the bench process posting NDJSON batches of 500 events for 5 s (after 3 s uncounted each); CPU time of the server process (every thread, /proc schedstat) per event acknowledged; Prometheus scrapes the sidecar every second',
  'ingest-rate': 'as ingest-cpu; events acknowledged per second',
  'pi-peak':
    'the sidecar, then the commit floor, each a fresh process loaded at the highest rate 4 clients reach (NDJSON batches of 500) for the stated time; the high-water mark of its resident memory (VmHWM, every thread) at the end, and VmRSS sampled every second; one run, a bound rather than a ratio',
  'store-cpu':
    "the store and each floor a process of its own, taking turns each round, each writing the same 1M calls (batches of 5000 updates, 1000 calls sorted by time at a time) to a new SQLite file; CPU time of the process (every thread, the store's checkpoint thread included), open to close, less the main thread's time making the updates",
  'store-rate':
    "as store-cpu; updates per second of wall time inside the write calls and the close (the store's checkpoint thread runs beside them, on the second core)",
  'pg-rate':
    "the store and the floor each a client process of its own, taking turns each round, each round in a new database of one PostgreSQL 15 server; updates per second of wall time (the work is the server's)",
  'pi-start':
    'spawn to the first 200 on /readyz (polled every 5 ms); the servers (the sidecar with its code cache and without, the commit floor, the prom-client exporter) started one after another in a rotated order each round, fresh processes every round',
  'pi-start-cpu':
    'as pi-start; the CPU time of the process (every thread, /proc schedstat) when that 200 arrives, which waiting for a core does not inflate',
  'pi-idle':
    'resident memory (VmRSS, every thread) after one scrape and the idle window of nothing (10 s until 2026-11-26, 60 s since); fresh processes every round',
  'pi-idle-cpu':
    "as pi-idle; CPU time of the process (every thread, /proc schedstat) over the idle window (and, since 2026-11-28, over its second half apart), ms a second; a floor idles at ~0, so the row gives sidetone's excess over it, not a ratio",
  'pi-rate':
    "the servers at once (sidetone, the commit floor, the ack floor and, since 2026-11-28, the limit server), each a process of its own, each fed 20 calls a second (five events, one POST each, every 10 ms; each server's posts offset from the others' by a share of the 10 ms, so none is always the first woken: until 2026-11-27 they went out together, and the same build took 7-9 % more CPU an event first than second) and scraped every 15 s from the bench process; CPU time of the server process (every thread) over a 30 s window per event acknowledged, after 15 s uncounted; one window a round; a round in which the feeder reached under 95 % of the target rate for any server (a loaded machine) is invalid and left out of the row, which says how many",
  'events-wall':
    "mitata on the wall clock, the median sample (the mean moved with the load); sidetone and the floor (bench/events-floor.mjs: plain code recording the same series in plain arrays, with the same domain decisions, checked in every run to leave the same totals as sidetone for the same events; it checks no value, where sidetone's bus checks the limits of each event and counts the bad ones) each in a process of its own, one after the other in each run, their order alternating",
  'hep-cpu':
    'captured SIP messages per second of CPU time of the process (every thread: decode, SIP parse, dedup, packs, SQLite store with its checkpoint thread); one process per run',
  'hep-window':
    'as hep-cpu, each run twice in fresh processes, with the default reorder window (200 ms) and with none (arrival order), in turns that alternate which goes first; the ratio of CPU time a message within each run',
  'hep-peer':
    'as hep-cpu, and in the same turn hep-js 1.0.22 decapsulating the same packets (HEP3 chunks only: no SIP parse, metrics or store) in a fresh process of its own; the ratio of CPU time a message within each run',
  'store-read':
    'over the 1M-call file of the last ingest round, opened afresh: the median of 7 calls (3 for 7- and 30-day reads) after one uncounted',
  'export-rss':
    'export of the 1M-call file in a child process; its peak resident memory (sampled every 20 ms and VmHWM, the larger)',
  'rollup-read': 'over 10M calls, one load; the slowest of 5 calls after one uncounted',
  'cluster-rate':
    'captured SIP messages per second of wall time until the last was handled, no store; the single node (one HEP source) and the cluster (a member publishing to a local nats-server -js and owning every partition, reading them back into its captures) each a child process of its own, fresh every round, in an order that alternates',
};

const ns = (x) =>
  x >= 1e9
    ? `${(x / 1e9).toFixed(2)} s`
    : x >= 1e6
      ? `${(x / 1e6).toFixed(2)} ms`
      : x >= 1e3
        ? `${(x / 1e3).toFixed(2)} µs`
        : `${x.toFixed(x >= 10 ? 1 : 2)} ns`;
const num = (x) => Math.round(x).toLocaleString('en');
const two = (x) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
/**
 * Whether `m` falls within the range of `xs` at three significant digits, as fine as the page
 * shows a figure or finer: a heap row shown as 1.32x was flagged outside a range shown as
 * 1.32x-1.37x (stop 71), a difference no reader of the page can see.
 */
export const withinRange = (m, xs) => {
  const at = (x) => Number(x.toPrecision(3));
  return at(m) >= at(Math.min(...xs)) && at(m) <= at(Math.max(...xs));
};
const span = (xs) => {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo === hi ? two(lo) : `${two(lo)}-${two(hi)}`;
};

/**
 * A row is invalid when it lacks its method (or names one not listed), what it is measured
 * against, its run count, or shows a ratio from fewer than 3 runs. The problems, empty when valid.
 */
export function checkRow(row) {
  const problems = [];
  if (!row.method || METHODS[row.method] === undefined) problems.push('no method from the Methods list');
  if (!row.against) problems.push('no floor or opponent named (write "none")');
  if (!(Number.isInteger(row.runs) && row.runs >= 1)) problems.push('no run count');
  if (row.ratios !== undefined) {
    if (!row.ratioIs) problems.push('a ratio without saying what it divides');
    if (row.ratios.length < 3 || row.runs < 3) problems.push('a ratio from fewer than 3 runs');
    if (row.ratios.length !== row.runs) problems.push('a ratio per run expected');
  }
  if (!Array.isArray(row.loads) || row.loads.length === 0) problems.push('no load average');
  return problems.map((p) => `${row.section}: ${row.case} (${row.against}): ${p}`);
}

// ---------------------------------------------------------------------------------------------
// Rows of each suite. A row: { section, case, against, sidetone, other, ratios, ratioIs, runs,
// method, loads, target }: `sidetone` and `other` are figures as text, `ratios` one per run.

const IMPL_ORDER = ['floor', 'floor-kept', 'prom-client', '@prometheus-io/client', 'otel'];
/** The two floors by name where both are measured (renders and heap), the one floor elsewhere. */
const floorName = (c, impl) =>
  !(c.startsWith('render ') || c.startsWith('heap '))
    ? 'floor'
    : impl === 'floor-kept'
      ? 'floor keeping label text'
      : 'floor rebuilding every line';

function registryRows(saved) {
  const runs = saved?.runs ?? [];
  if (runs.length === 0) return [];
  const rows = [];
  const all = runs.flatMap((r) => r.results);
  const cases = [...new Set(all.map((r) => r.case))];
  for (const c of cases) {
    const of = (run, impl) => run.results.find((r) => r.case === c && r.impl === impl);
    const st = runs.map((run) => of(run, 'sidetone')).filter(Boolean);
    if (st.length === 0) continue;
    const clock = st[0].clock;
    const method = clock === 'cpu' ? 'cpu-render' : clock === 'heap' ? 'heap' : 'wall-median';
    const show = (xs) => (clock === 'heap' ? `${median(xs).toFixed(0)} B` : ns(median(xs)));
    const stFig = show(st.map((r) => r.ns_per_op));
    const loads = runs.flatMap((run) => run.results.filter((r) => r.case === c).map((r) => r.load));
    const others = IMPL_ORDER.filter((impl) => runs.some((run) => of(run, impl)));
    if (others.length === 0) {
      rows.push({
        section: 'registry',
        case: c,
        against: 'none',
        sidetone: stFig,
        runs: st.length,
        method,
        loads,
      });
    }
    for (const impl of others) {
      const pairs = runs.map((run) => [of(run, 'sidetone'), of(run, impl)]).filter(([a, b]) => a && b);
      const floor = impl.startsWith('floor');
      rows.push({
        section: 'registry',
        case: c,
        against: floor ? floorName(c, impl) : impl,
        sidetone: stFig,
        other: show(pairs.map(([, b]) => b.ns_per_op)),
        ratios: pairs.map(([a, b]) => (floor ? a.ns_per_op / b.ns_per_op : b.ns_per_op / a.ns_per_op)),
        ratioIs: floor ? "sidetone's / the floor's" : `${impl}'s / sidetone's`,
        runs: pairs.length,
        method,
        loads,
        target: registryTarget(c, impl),
      });
    }
  }
  rows.push({
    section: 'registry',
    case: 'allocation check: young GCs while recording',
    against: 'none',
    sidetone: runs.map((r) => r.gcs).join(', '),
    runs: runs.length,
    method: 'alloc-gcs',
    loads: runs.map((r) => r.results[0]?.load).filter((x) => x !== undefined),
    target: {
      text: '0 GCs',
      ok: runs.every((r) => r.gcs === 0),
      worst: `${Math.max(...runs.map((r) => r.gcs))} GCs`,
    },
  });
  return rows;
}

/**
 * The targets per registry case and opponent, each checked on the worst run: the core's (issue 11)
 * and, for renders, issue 51's beside them (<= 1.3x the floor keeping label text at 10k and 1M
 * series; >= 10x prom-client and >= 4x @prometheus-io/client at 10k). A row with two targets
 * gives a list.
 */
function registryTarget(c, impl) {
  if (c.startsWith('render ')) {
    const at10k = c.startsWith('render 10k ');
    if (impl === 'floor') return { max: 1.3, text: '<= 1.3x the floor (issue 11)' };
    if (impl === 'floor-kept') return { max: 1.3, text: '<= 1.3x the floor keeping label text (issue 51)' };
    if (impl === 'prom-client')
      return { min: 10, text: at10k ? '>= 10x (issues 11, 51)' : '>= 10x (issue 11)' };
    if (impl === '@prometheus-io/client') {
      const core = { min: 8, text: '>= 8x (issue 11)' };
      return at10k ? [core, { min: 4, text: '>= 4x (issue 51)' }] : core;
    }
  }
  if (c.includes('looked up per call') && impl === 'prom-client') return { min: 10, text: '>= 10x' };
  return undefined;
}

function httpRows(saved) {
  const rounds = saved?.rounds ?? [];
  if (rounds.length === 0) return [];
  const rows = [];
  const cases = [...new Set(rounds.flat().map((r) => r.case))];
  for (const c of cases) {
    const of = (round, impl) => round.find((r) => r.case === c && r.impl === impl);
    const loads = rounds.map((round) => of(round, 'sidetone').load);
    for (const impl of ['prom-client', '@prometheus-io/client']) {
      const pairs = rounds.map((round) => [of(round, 'sidetone'), of(round, impl)]);
      rows.push({
        section: 'http',
        case: `${c}: CPU per request`,
        against: impl,
        sidetone: `${two(median(pairs.map(([a]) => a.cpuUsPerRequest)) / 1000)} ms`,
        other: `${two(median(pairs.map(([, b]) => b.cpuUsPerRequest)) / 1000)} ms`,
        ratios: pairs.map(([a, b]) => b.cpuUsPerRequest / a.cpuUsPerRequest),
        ratioIs: `${impl}'s / sidetone's`,
        runs: pairs.length,
        method: 'http-cpu',
        loads,
        target: impl === 'prom-client' ? { min: 8, text: '>= 8x' } : undefined,
      });
      rows.push({
        section: 'http',
        case: `${c}: requests/s`,
        against: impl,
        sidetone: two(median(pairs.map(([a]) => a.rps))),
        other: two(median(pairs.map(([, b]) => b.rps))),
        ratios: pairs.map(([a, b]) => a.rps / b.rps),
        ratioIs: `sidetone's / ${impl}'s`,
        runs: pairs.length,
        method: 'http-rps',
        loads,
      });
    }
  }
  return rows;
}

function ingestRows(d) {
  if (d?.rounds === undefined) return [];
  const r = d.rounds;
  const loads = r.map((x) => x.load);
  const base = { section: 'ingest', runs: r.length, loads };
  /** sidetone's CPU an event against one other server's, from the rounds' fields for it. */
  const cpu = (against, cpuKey, ratioKey, target) => ({
    ...base,
    case: 'ingest over HTTP at the highest rate: CPU per event',
    against,
    sidetone: `${two(median(r.map((x) => x.sidetoneCpuUsPerEvent)))} µs`,
    other: `${two(median(r.map((x) => x[cpuKey])))} µs`,
    ratios: r.map((x) => x[ratioKey]),
    ratioIs: against === 'limit server' ? "sidetone's / the limit server's" : "sidetone's / the floor's",
    method: 'ingest-cpu',
    ...(target === undefined ? {} : { target }),
  });
  return [
    {
      ...base,
      case: 'ingest over HTTP at the highest rate: events/s',
      against: 'commit floor',
      sidetone: num(median(r.map((x) => x.sidetoneEventsPerSecond))),
      other: num(median(r.map((x) => x.floorEventsPerSecond))),
      ratios: r.map((x) => x.throughput),
      ratioIs: "sidetone's / the floor's",
      method: 'ingest-rate',
      target: { min: 0.7, text: '>= 0.7' },
    },
    cpu('commit floor', 'floorCpuUsPerEvent', 'cpuVsFloor', { max: 1.3, text: '<= 1.3x (issue 39)' }),
    cpu('ack floor', 'ackCpuUsPerEvent', 'cpuVsAck'),
    // Rounds from before the limit server (2026-11-27) have no figure for it.
    ...(r.every((x) => x.cpuVsLimit !== undefined)
      ? [cpu('limit server', 'limitCpuUsPerEvent', 'cpuVsLimit', { max: 1.2, text: '<= 1.2x (issue 51)' })]
      : []),
  ];
}

/** The shipped CLI without its code cache (bench/servers.mjs). */
const UNCACHED = 'sidetone without code cache';

function piRows(d) {
  if (d?.startRounds === undefined) return [];
  const s = d.startRounds;
  const w = d.rateRounds;
  const sLoads = s.map((x) => x.load);
  const rows = [];
  for (const against of ['commit floor', 'prom-client exporter']) {
    rows.push({
      section: 'pi',
      case: 'start-up to the first 200 on /readyz',
      against,
      sidetone: `${num(median(s.map((x) => x.sidetone.startMs)))} ms`,
      other: `${num(median(s.map((x) => x[against].startMs)))} ms`,
      ratios: s.map((x) => x.sidetone.startMs / x[against].startMs),
      ratioIs: "sidetone's / its",
      runs: s.length,
      method: 'pi-start',
      loads: sLoads,
      target: against === 'commit floor' ? { max: 2, text: '<= 2x (issue 39)' } : undefined,
    });
    // Rounds from before the bench recorded it (a pooled run before) have no start-up CPU time.
    const sc = s.filter((x) => x.sidetone.startCpuMs !== undefined);
    if (sc.length >= 3) {
      rows.push({
        section: 'pi',
        case: 'start-up: CPU time until the first 200 on /readyz',
        against,
        sidetone: `${num(median(sc.map((x) => x.sidetone.startCpuMs)))} ms`,
        other: `${num(median(sc.map((x) => x[against].startCpuMs)))} ms`,
        ratios: sc.map((x) => x.sidetone.startCpuMs / x[against].startCpuMs),
        ratioIs: "sidetone's / its",
        runs: sc.length,
        method: 'pi-start-cpu',
        loads: sc.map((x) => x.load),
      });
    }
    rows.push({
      section: 'pi',
      case: 'idle RSS',
      against,
      sidetone: `${two(median(s.map((x) => x.sidetone.idleRssMib)))} MiB`,
      other: `${two(median(s.map((x) => x[against].idleRssMib)))} MiB`,
      ratios: s.map((x) => x.sidetone.idleRssMib / x[against].idleRssMib),
      ratioIs: "sidetone's / its",
      runs: s.length,
      method: 'pi-idle',
      loads: sLoads,
      target: against === 'commit floor' ? { max: 1.3, text: '<= 1.3x (issue 39)' } : undefined,
    });
  }
  // The same start without the code cache (src/cli/launch.ts), in the same rounds: rounds from
  // before it (2026-11-27) have none.
  const nc = s.filter((x) => x[UNCACHED] !== undefined);
  if (nc.length >= 3) {
    rows.push({
      section: 'pi',
      case: 'start-up to the first 200 on /readyz, without the code cache (a package built with another Node.js, installed read-only)',
      against: 'commit floor',
      sidetone: `${num(median(nc.map((x) => x[UNCACHED].startMs)))} ms`,
      other: `${num(median(nc.map((x) => x['commit floor'].startMs)))} ms`,
      ratios: nc.map((x) => x[UNCACHED].startMs / x['commit floor'].startMs),
      ratioIs: "sidetone's / its",
      runs: nc.length,
      method: 'pi-start',
      loads: nc.map((x) => x.load),
    });
  }
  // Idle CPU: sidetone's excess over each side, ms a second (a floor's ~0 makes a ratio noise).
  const ic = s.filter((x) => x.sidetone.idleCpuMsPerS !== undefined);
  if (ic.length > 0) {
    const show = (x) => `${x.toFixed(2)} ms/s`;
    for (const against of ['commit floor', 'prom-client exporter']) {
      const excess = ic.map((x) => x.sidetone.idleCpuMsPerS - x[against].idleCpuMsPerS);
      rows.push({
        section: 'pi',
        case: `idle CPU (sidetone's excess over ${against === 'commit floor' ? 'the floor' : 'the exporter'})`,
        against,
        sidetone: `${show(median(excess))} (${show(Math.min(...excess))}-${show(Math.max(...excess))}); sidetone ${show(median(ic.map((x) => x.sidetone.idleCpuMsPerS)))}`,
        other: show(median(ic.map((x) => x[against].idleCpuMsPerS))),
        values: excess,
        show,
        // The exporter's own idle CPU moves with the machine (3.8-7.9 ms/s over one evening, stop
        // 69); the floor's is about 0, so the excess over it is the row a target stands on.
        ...(against === 'commit floor' ? {} : { informative: ABSOLUTE }),
        runs: ic.length,
        method: 'pi-idle-cpu',
        loads: ic.map((x) => x.load),
        target:
          against === 'commit floor'
            ? {
                text: '<= 1 ms/s over the floor (issue 51)',
                ok: Math.max(...excess) <= 1,
                // Missed by what the worst run is over the target, not the run itself.
                worst: `${(Math.max(...excess) - 1).toFixed(2)} ms/s`,
                shown: show(Math.max(...excess)),
              }
            : undefined,
      });
    }
  }
  // The idle window's second half: the start's settling (V8's memory reducer collecting its garbage
  // 8-9 s after it) is over, what an idle process then burns all day. Rounds since 2026-11-28.
  const late = s.filter((x) => x.sidetone.idleLateCpuMsPerS !== undefined);
  if (late.length > 0) {
    const show = (x) => `${x.toFixed(2)} ms/s`;
    const excess = late.map((x) => x.sidetone.idleLateCpuMsPerS - x['commit floor'].idleLateCpuMsPerS);
    rows.push({
      section: 'pi',
      case: "idle CPU in the idle window's second half (sidetone's excess over the floor)",
      against: 'commit floor',
      sidetone: `${show(median(excess))} (${show(Math.min(...excess))}-${show(Math.max(...excess))}); sidetone ${show(median(late.map((x) => x.sidetone.idleLateCpuMsPerS)))}`,
      other: show(median(late.map((x) => x['commit floor'].idleLateCpuMsPerS))),
      values: excess,
      show,
      runs: late.length,
      method: 'pi-idle-cpu',
      loads: late.map((x) => x.load),
    });
  }
  // A round whose feeder fell under 95 % of the target rate measured another rate: left out.
  const target = (d.settings.callsPerSecond ?? 20) * 5;
  const reached = (x) =>
    Math.min(
      ...['sidetone', 'commit floor', 'ack floor', 'limit server']
        .filter((k) => x[k] !== undefined)
        .map((k) => x[k].events / d.settings.windowSeconds),
    );
  const valid = w.filter((x) => reached(x) >= 0.95 * target);
  for (const [against, key] of [
    ['commit floor', 'vsFloor'],
    ['ack floor', 'vsAck'],
    // Since 2026-11-28: runs before had no limit server at this rate.
    ['limit server', 'vsLimit'],
  ]) {
    const all = w.filter((x) => x[key] !== undefined);
    if (all.length === 0) continue;
    const ok = valid.filter((x) => x[key] !== undefined);
    const row = {
      section: 'pi',
      case: 'CPU per event at 20 calls/s, a scrape every 15 s',
      against,
      runs: ok.length,
      method: 'pi-rate',
      loads: (ok.length > 0 ? ok : all).map((x) => x.load),
    };
    if (ok.length < 3) {
      const rates = all.map(reached);
      rows.push({
        ...row,
        runs: all.length,
        sidetone: `invalid: the feeder reached ${two(Math.min(...rates))}-${two(Math.max(...rates))} events/s of ${target}`,
      });
      continue;
    }
    rows.push({
      ...row,
      sidetone: `${two(median(ok.map((x) => x.sidetone.cpuUsPerEvent)))} µs${all.length > ok.length ? ` (${all.length - ok.length} of ${all.length} rounds under 95 % of the rate left out)` : ''}`,
      other: `${two(median(ok.map((x) => x[against].cpuUsPerEvent)))} µs`,
      ratios: ok.map((x) => x[key]),
      ratioIs: against === 'limit server' ? "sidetone's / the limit server's" : "sidetone's / the floor's",
      target: against === 'commit floor' ? { max: 1.5, text: '<= 1.5x (issue 39)' } : undefined,
    });
  }
  const p = d.sustained;
  if (p !== undefined) {
    rows.push({
      section: 'pi',
      case: `peak RSS under ${d.settings.sustainSeconds} s of maximum ingest (${p.sidetone.samplesOverMemoryMax} of ${p.sidetone.samples} samples over ${d.memoryMaxMib} MiB)`,
      against: 'commit floor',
      sidetone: `${p.sidetone.peakRssMib} MiB`,
      other: `${p['commit floor'].peakRssMib} MiB`,
      runs: 1,
      method: 'pi-peak',
      loads: p.load,
      target: {
        text: `< ${d.memoryMaxMib} MiB (MemoryMax, issue 39)`,
        ok: p.sidetone.peakRssMib < d.memoryMaxMib,
        worst: `${(p.sidetone.peakRssMib / d.memoryMaxMib).toFixed(2)}x`,
        shown: `${p.sidetone.peakRssMib} MiB`,
      },
    });
  }
  return rows;
}

function storeRows(d) {
  if (d?.ingest?.rounds === undefined) return [];
  const r = d.ingest.rounds;
  const loads = r.map((x) => x.load);
  const rows = [];
  for (const [against, key] of [
    ['rows floor', 'Rows'],
    ['append floor', 'Append'],
  ]) {
    const base = { section: 'store', against, runs: r.length, loads, ratioIs: "sidetone's / the floor's" };
    const calls = d.calls.toLocaleString('en');
    const lower = key.toLowerCase();
    rows.push(
      {
        ...base,
        case: `SQLite store ingest, ${calls} calls: updates/s`,
        sidetone: num(median(r.map((x) => x.updatesPerSecond))),
        other: num(median(r.map((x) => x[`${lower}PerSecond`]))),
        ratios: r.map((x) => x[`of${key}Wall`]),
        method: 'store-rate',
        target: key === 'Rows' ? { min: 0.8, text: '>= 0.8' } : undefined,
      },
      {
        ...base,
        case: `SQLite store ingest, ${calls} calls: updates per CPU second`,
        sidetone: num(median(r.map((x) => x.updatesPerCpuSecond))),
        other: num(median(r.map((x) => x[`${lower}PerCpuSecond`]))),
        ratios: r.map((x) => x[`of${key}`]),
        method: 'store-cpu',
      },
    );
  }
  const oneRun = {
    section: 'store',
    against: 'none',
    runs: 1,
    loads: [d.loadAverageAtStart[0], d.loadAverageAtEnd[0]],
  };
  const read = (c, x, method = 'store-read') => ({
    ...oneRun,
    case: c,
    sidetone: `${x.medianMs} ms`,
    method,
  });
  rows.push(
    read(`dashboard for a day over ${d.calls.toLocaleString('en')} calls`, d.dashboardDay),
    read('dashboard for 7 days', d.dashboardWeek),
    read('failures, 50 most recent', d.failures50),
    read('hourly series, 24 h', d.hourly24),
    read('daily series, 30 days', d.daily30),
  );
  const cli = d.cliExportCsv;
  const mb = Math.max(d.exportCsv.peakRssMb, cli?.file.peakRssMb ?? 0, cli?.stdout.peakRssMb ?? 0);
  rows.push({
    ...oneRun,
    case: `CSV export of ${d.exportCsv.rows.toLocaleString('en')} calls, peak RSS (library / CLI to a file / CLI to stdout)`,
    sidetone: `${d.exportCsv.peakRssMb} / ${cli?.file.peakRssMb} / ${cli?.stdout.peakRssMb} MB`,
    method: 'export-rss',
    target: { text: '<= 130 MB', ok: mb <= 130, worst: `${(mb / 130).toFixed(2)}x`, shown: `${mb} MB` },
  });
  return rows;
}

function postgresRows(d) {
  if (d?.rounds === undefined) return [];
  const r = d.rounds;
  return [
    {
      section: 'postgres',
      case: `PostgreSQL store ingest, ${d.calls.toLocaleString('en')} calls: updates/s (applyBatch, batches of ${d.batch})`,
      against: 'raw INSERT floor',
      sidetone: num(median(r.map((x) => x.store))),
      other: num(median(r.map((x) => x.floor))),
      ratios: r.map((x) => x.share),
      ratioIs: "sidetone's / the floor's",
      runs: r.length,
      method: 'pg-rate',
      loads: r.map((x) => x.load),
      target: {
        text: '>= 50,000 updates/s',
        ok: Math.min(...r.map((x) => x.store)) >= 50_000,
        worst: `${(50_000 / Math.min(...r.map((x) => x.store))).toFixed(2)}x`,
        shown: num(Math.min(...r.map((x) => x.store))),
      },
    },
  ];
}

function eventsRows(saved) {
  // Each run's ratio to the floor measured beside it: runs from before the floor (and before the
  // median: the mean then) measured something else.
  const runs = (saved?.runs ?? []).filter(
    (r) => r.floor !== undefined && r.results.every((x) => x.stat === 'p50'),
  );
  if (runs.length === 0) return [];
  const cases = [...new Set(runs.flatMap((r) => r.results.map((x) => x.case)))];
  const nsOf = (results, c) => results.find((x) => x.case === c)?.ns_per_op;
  return cases.map((c) => {
    const both = runs.filter((r) => nsOf(r.results, c) !== undefined && nsOf(r.floor, c) !== undefined);
    const xs = both.map((r) => nsOf(r.results, c));
    const fs = both.map((r) => nsOf(r.floor, c));
    return {
      section: 'events',
      case: c,
      against: 'floor',
      sidetone: ns(median(xs)),
      other: ns(median(fs)),
      ratios: xs.map((x, k) => x / fs[k]),
      ratioIs: "sidetone's / the floor's",
      runs: both.length,
      method: 'events-wall',
      loads: both.map((r) => r.load),
    };
  });
}

function hepRows(saved) {
  const runs = saved?.runs ?? [];
  if (runs.length === 0) return [];
  const xs = runs.map((r) => r.messagesPerCpuSecond);
  return [
    {
      section: 'events',
      case: `HEP replay into metrics + store (${runs[0].calls.toLocaleString('en')} calls): captured SIP messages per CPU second`,
      against: 'none',
      sidetone: `${num(median(xs))} (${num(Math.min(...xs))}-${num(Math.max(...xs))})`,
      values: xs,
      show: num,
      informative: ABSOLUTE,
      runs: runs.length,
      method: 'hep-cpu',
      loads: runs.map((r) => r.load),
    },
    ...hepWindowRows(runs),
    ...hepPeerRows(runs),
  ];
}

/** The replay against its peer, hep-js decoding the same packets alone, run beside it (issue 51). */
function hepPeerRows(all) {
  const runs = all.filter((r) => r.hepJs !== undefined);
  if (runs.length === 0) return [];
  return [
    {
      section: 'events',
      case: `HEP replay into metrics + store (${runs[0].calls.toLocaleString('en')} calls): CPU a message`,
      against: 'hep-js decode alone',
      sidetone: us(median(runs.map((r) => r.messagesPerCpuSecond))),
      other: us(median(runs.map((r) => r.hepJs.messagesPerCpuSecond))),
      ratios: runs.map((r) => r.messagesPerCpuSecond / r.hepJs.messagesPerCpuSecond),
      ratioIs: "hep-js's / sidetone's",
      runs: runs.length,
      method: 'hep-peer',
      loads: runs.map((r) => r.load),
    },
  ];
}

/**
 * Why a row is shown but not checked (`--check`, the page's *reproduced*): a figure in units of the
 * machine's speed, which moved by half over one evening (HEP: 74,876 and 119,351 messages a CPU
 * second, stop 69), with the same work's ratio to a peer or floor beside it, which is checked.
 */
const ABSOLUTE = "a figure in units of the machine's speed; the ratio beside it is checked";

/** CPU µs a message from messages per CPU second. */
const us = (perCpuSecond) => `${(1e6 / perCpuSecond).toFixed(2)} µs`;

/** The reorder window's own cost: CPU a message with the default window over none (issue 35). */
function hepWindowRows(all) {
  const runs = all.filter((r) => r.noWindow !== undefined);
  if (runs.length === 0) return [];
  return [
    {
      section: 'events',
      case: `HEP replay (${runs[0].calls.toLocaleString('en')} calls), reorder window 200 ms: CPU a message`,
      against: 'no window',
      sidetone: us(median(runs.map((r) => r.messagesPerCpuSecond))),
      other: us(median(runs.map((r) => r.noWindow.messagesPerCpuSecond))),
      ratios: runs.map((r) => r.noWindow.messagesPerCpuSecond / r.messagesPerCpuSecond),
      ratioIs: "the window's / none's",
      runs: runs.length,
      method: 'hep-window',
      loads: runs.map((r) => r.load),
      target: { max: 1.15, text: '<= 1.15x (issue 35)' },
    },
  ];
}

function rollupRows(d) {
  if (d === undefined) return [];
  const rows = [];
  for (const backend of ['sqlite', 'postgres'].filter((b) => d[b] !== undefined)) {
    for (const [what, r] of Object.entries(d[backend].reads)) {
      rows.push({
        section: 'rollup',
        case: `${backend}: ${what} over ${d.calls.toLocaleString('en')} calls`,
        against: 'none',
        sidetone: `${r.maxMs} ms (median ${r.medianMs})`,
        runs: 1,
        method: 'rollup-read',
        loads: d[backend].load ?? d.load ?? [],
        target: {
          text: '<= 50 ms',
          ok: r.maxMs <= 50,
          worst: `${(r.maxMs / 50).toFixed(2)}x`,
          shown: `${r.maxMs} ms`,
        },
      });
    }
  }
  return rows;
}

/** The cluster path against the single-node path on the same packets (issue 53). */
function clusterRows(d) {
  if (d?.rounds === undefined) return [];
  const r = d.rounds;
  return [
    {
      section: 'cluster',
      case: `HEP of ${d.calls.toLocaleString('en')} calls through a cluster member (${d.settings.partitions} partitions): captured SIP messages/s`,
      against: 'single node',
      sidetone: num(median(r.map((x) => x.clusterMps))),
      other: num(median(r.map((x) => x.singleMps))),
      ratios: r.map((x) => x.clusterMps / x.singleMps),
      ratioIs: "the cluster's / the single node's",
      runs: r.length,
      method: 'cluster-rate',
      loads: r.map((x) => x.load),
    },
  ];
}

/** Every row of the page, from the saved results of each suite. */
export function rows(saved) {
  const of = (suite, list) => list.map((r) => ({ ...r, suite }));
  return [
    ...of('registry', registryRows(saved.registry)),
    ...of('http', httpRows(saved.http)),
    ...of('ingest', ingestRows(saved.ingest)),
    ...of('pi', piRows(saved.pi)),
    ...of('store', storeRows(saved.store)),
    ...of('postgres', postgresRows(saved.postgres)),
    ...of('events', eventsRows(saved.events)),
    ...of('hep', hepRows(saved.hep)),
    ...of('rollup', rollupRows(saved.rollup)),
    ...of('cluster', clusterRows(saved.cluster)),
  ];
}

// ---------------------------------------------------------------------------------------------

export const SUITES = [
  'registry',
  'http',
  'ingest',
  'pi',
  'store',
  'postgres',
  'events',
  'hep',
  'rollup',
  'cluster',
];
const FILES = { registry: 'registry-runs', events: 'events-runs', hep: 'hep-runs' };

/** The saved results of every suite, and of the run before each (`previous`). */
export function loadSaved(dir = new URL('results/', import.meta.url)) {
  const read = (sub, name) => {
    const f = new URL(`${sub}${FILES[name] ?? name}.json`, dir);
    return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : undefined;
  };
  const saved = { previous: {} };
  for (const s of SUITES) {
    saved[s] = read('', s);
    saved.previous[s] = read('previous/', s);
  }
  saved.meta = read('', 'meta');
  return saved;
}

/** Where each suite keeps its runs (or rounds), by path in its saved results. */
const RUN_LISTS = {
  registry: [['runs']],
  http: [['rounds']],
  ingest: [['rounds']],
  pi: [['startRounds'], ['rateRounds']],
  store: [['ingest', 'rounds']],
  postgres: [['rounds']],
  events: [['runs']],
  hep: [['runs']],
  cluster: [['rounds']],
};
/**
 * What must be equal for two invocations' runs to be pooled: the same work on the same code
 * (`code`, bench/code.mjs, stamped by bench/run.mjs).
 */
const SAME_WORK = ['calls', 'batch', 'seconds', 'settings', 'code'];
/** Whether two invocations of a suite did the same work on the same code. */
const sameWork = (now, before) =>
  now !== undefined &&
  before !== undefined &&
  SAME_WORK.every((k) => JSON.stringify(now[k]) === JSON.stringify(before[k]));
/** Runs pooled at most per list: the oldest leave, and with them what older code measured. */
export const POOLED_RUNS = 12;

/**
 * One suite's saved results with the runs of `before` (the pool the page stated last time) ahead of
 * those of `now`, at most POOLED_RUNS per list; `now` alone when `before` did other work.
 */
export function poolSuite(suite, now, before) {
  if (!sameWork(now, before)) return now;
  const both = structuredClone(now);
  for (const path of RUN_LISTS[suite] ?? []) {
    const at = (o) => path.reduce((x, k) => x?.[k], o);
    if (!Array.isArray(at(before)) || !Array.isArray(at(now))) continue;
    const parent = path.slice(0, -1).reduce((x, k) => x[k], both);
    parent[path.at(-1)] = [...at(before), ...at(now)].slice(-POOLED_RUNS);
  }
  return both;
}

/**
 * The runs of the last invocation of each suite pooled with those the page stated before
 * (bench/results/previous/, kept pooled by bench/run.mjs): three runs of one invocation gave
 * ranges that a second invocation at another load often left (issue 39), so the page states the
 * range over them all.
 */
export function pooled(saved) {
  const out = { ...saved };
  for (const suite of Object.keys(RUN_LISTS))
    out[suite] = poolSuite(suite, saved[suite], saved.previous?.[suite]);
  return out;
}

/** The runs of a row: its ratios, or its figures where it gives figures. */
const runsOf = (row) => row?.ratios ?? row?.values;
const sameRow = (a) => (b) => b.section === a.section && b.case === a.case && b.against === a.against;

/**
 * `npm run bench -- --check` (bench/run.mjs): every row of the page whose median over new runs
 * falls outside the range the page states (over its pooled runs). Pure: `page` is the saved
 * results the page was made from (bench/results/ with previous/), `fresh` those of the new runs
 * alone. A row of fewer than 3 runs states no range, and a row the new runs lack (a suite not run
 * again) is not checked; a row the new runs measured on other code is checked all the same (the
 * page's range is what a reader takes for today's code). Returns the rows checked, those outside
 * and those not checked.
 */
export function checkAgainstPage(page, fresh) {
  const stated = rows(pooled(page));
  const again = rows(fresh);
  const outside = [];
  const unchecked = [];
  const informative = [];
  let checked = 0;
  for (const r of stated) {
    const xs = runsOf(r);
    if (xs === undefined || xs.length < 3) continue;
    if (r.informative !== undefined) {
      informative.push(`${r.section}: ${r.case} (${r.against})`);
      continue;
    }
    const ys = runsOf(again.find(sameRow(r)));
    const name = `${r.section}: ${r.case} (${r.against})`;
    if (ys === undefined || ys.length === 0) {
      unchecked.push(name);
      continue;
    }
    checked += 1;
    const m = median(ys);
    const lo = Math.min(...xs);
    const hi = Math.max(...xs);
    if (!withinRange(m, xs)) {
      const show = r.ratios === undefined ? (r.show ?? two) : (x) => `${two(x)}x`;
      outside.push({
        row: name,
        median: m,
        lo,
        hi,
        text: `${name}: ${show(m)}, the page states ${show(lo)}-${show(hi)}`,
      });
    }
  }
  return { checked, outside, unchecked, informative };
}

/** What `--check` prints: a line per row outside, or that none is. */
export function checkReport({ checked, outside, unchecked, informative = [] }) {
  return [
    `${checked - outside.length} of ${checked} rows reproduce within the page's range; ${outside.length} do not${outside.length > 0 ? ':' : '.'}`,
    ...outside.map((o) => `- ${o.text}`),
    ...(unchecked.length > 0 ? [`${unchecked.length} rows not run again (not checked).`] : []),
    ...(informative.length > 0 ? [`${informative.length} rows shown but not checked (${ABSOLUTE}).`] : []),
  ].join('\n');
}

const SECTIONS = {
  registry: [
    'Registry',
    'Recording, label lookup, renders and heap: sidetone against prom-client 15, @prometheus-io/client and the OpenTelemetry SDK (text format only: its exporter serves nothing else; not at 1M series, where a render takes minutes), and against the floor (bench/registry.bench.mjs, bench/render-sets.mjs). Renders stand against two floors, each holding the same series and writing sidetone\'s bytes exactly: the floor rebuilding every line holds them as plain values and builds every series\' label text on each render; the floor keeping label text makes each series\' line prefix (`name_total{a="x"} `, `name_bucket{a="x",`) once, when the series is made, as sidetone does since issue 51, and on each render only formats the numbers and writes; the heap rows give what that text costs per series. OpenMetrics is like for like: no implementation writes `_created` samples (sidetone\'s are off by default since issue 39).',
  ],
  http: [
    'GET /metrics',
    "10k series (5k counters, 5k 12-bucket histograms) over loopback: sidetone's node adapter against prom-client and @prometheus-io/client behind the node:http handler their users write (registry chosen from Accept, gzip when accepted) (bench/http.bench.mjs). With Prometheus's headers all three answer OpenMetrics, like for like: none writes `_created` samples (sidetone's are off by default since issue 39).",
  ],
  ingest: [
    'Ingest over HTTP at the highest rate',
    "Today's sidecar (`sidetone serve`: SQLite store, the calls, SIP, SMS and media packs, threads as shipped), every event durable before the 200, against the commit floor (bare node:http, JSON.parse per line, every event a plain row in SQLite, one transaction per request), the ack floor (the same without SQLite) and the limit server (what the store's schema requires and nothing more: the same parse, a request's events folded per call, then in one transaction an upsert of each call's row, keyed by its id as the store keeps it (a keyed hash, so a random place in the unique index, as a real Call-ID's) and with its destination as a keyed hash, and an upsert of its hour's rollup row for each call that ended; no packs, metrics, checks or queue) (bench/ingest.bench.mjs, bench/floor-server.mjs).",
  ],
  pi: [
    "The sidecar at a Raspberry Pi's scale",
    "The same sidecar, start-up, memory and CPU per event at 20 calls a second, against the commit floor, the ack floor, the limit server (CPU per event) and a prom-client exporter (node:http, prom-client's default metrics) (bench/pi.bench.mjs). These measure today's sidecar; the targets are issue 39's. On this 2-core machine the sidecar runs the Pi profile (no store thread; docs/deploy.md) and answers `POST /events`, `GET /readyz` and `GET /metrics` on node:http without a web Request.",
  ],
  store: [
    'Store',
    "The SQLite store's ingest through applyBatch against two floors with its settings, a prepared INSERT per update and one transaction per batch (rows: every field as an indexed event row; append: 5 columns, no index), and reads over the result (bench/store.bench.mjs).",
  ],
  postgres: [
    'PostgreSQL',
    "The PostgreSQL store's ingest (set-based batched upserts) against raw INSERTs of the same updates (one unnest statement per batch into a plain table) (bench/postgres.bench.mjs).",
  ],
  events: [
    'Events and HEP',
    "Events to metrics through every pack against the floor (plain code recording the same series, checked to leave the same totals) (bench/events.bench.mjs, bench/events-floor.mjs), and HEP replay (both legs of Kamailio's siptrace, retransmissions) into metrics and the store against its peer (hep-js decoding the same packets, in a process of its own beside each run) and the reorder window's cost against the same replay without it (bench/hep.bench.mjs); the HEP replay's messages a CPU second are shown as a figure.",
  ],
  rollup: [
    'Rollup reads',
    'Dashboard, hourly and daily reads over 10M calls in both backends (bench/rollup.bench.mjs).',
  ],
  cluster: [
    'Cluster',
    "HEP through a cluster member on NATS JetStream (issue 53: published to its call's partition, read back by the partition's owner) against the single-node path, one HEP source, on the same packets (bench/cluster.bench.mjs). The ratio is the cluster path's throughput over the single node's: under 1 is its cost, paid for spreading capture over machines.",
  ],
};

/** A row's targets: `target` is one, or a list where a row has several (issue 11's and 51's). */
const targetsOf = (row) => (row.target === undefined ? [] : [row.target].flat());

/** How a row's worst run stands against a target of it: [met, shown, by how much]. */
function targetOf(row, t) {
  if (t === undefined) return undefined;
  if (t.ok !== undefined) return [t.ok, t.shown ?? row.sidetone, t.worst];
  if (t.max !== undefined) {
    const hi = Math.max(...row.ratios);
    return [hi <= t.max, `${two(hi)}x`, `${(hi / t.max).toFixed(2)}x`];
  }
  const lo = Math.min(...row.ratios);
  return [
    lo >= t.min,
    `${two(lo)}${row.method === 'ingest-rate' || row.method.startsWith('store-') ? '' : 'x'}`,
    `${(t.min / lo).toFixed(2)}x`,
  ];
}

/** docs/benchmarks.md. Throws when a row is invalid (checkRow). */
export function renderPage(saved) {
  const all = rows(pooled(saved));
  const now = rows(saved);
  const before = rows(saved.previous);
  const problems = all.flatMap(checkRow);
  if (problems.length > 0) throw new Error(`benchmarks page: ${problems.join('; ')}`);
  const meta = saved.meta ?? {};
  const out = [
    '# Benchmarks',
    '',
    `Generated by \`npm run bench\` (bench/run.mjs; this page by bench/report.mjs from bench/results/) on ${meta.machine ?? 'this machine'}, Node ${meta.node ?? process.version}, last run ${meta.date ?? '?'}.`,
    `Every side of a comparison (sidetone, an opponent, a floor: plain code doing the least the same job needs) runs in a process of its own, never on another's heap or event loop, and a load generator never shares a process with what it loads. A ratio is taken within one run (or round), between sides measured minutes apart at most; the median over the runs is shown with its range. The runs are those of the last invocation of the suite pooled with those the page stated before (the last ${POOLED_RUNS} at most, while every invocation did the same work on the same code: the same calls, batch, duration and settings, and the same sources): three runs of one invocation gave ranges that a second invocation, at another load, often left. The machine is shared with other work: the 1-minute load average while each row ran is given (2 cores; a load of 2 is a full machine), and CPU time, which waiting for a core does not inflate, is measured wherever a side's speed is the question.`,
    '',
    "Columns: *against* is the floor or opponent of the row; *ratio* is the median over the runs and its range, of what *ratio is* says (for opponents, over 1 means sidetone is ahead; for floors, sidetone's cost over the floor's, so 1.0x is at the floor); *reproduced* is the median of the last invocation alone, the median and range the page stated before it (its pooled runs), and whether the first falls within that range: a figure that an invocation does not reproduce within the range the page stated says *outside* here. Runs are pooled, and a figure checked, only on the same code: a digest of the sources the suite runs (bench/code.mjs); after a change the column shows the range before as *on other code*, which is what the change did rather than a reproduction.",
    '',
    '## Methods',
    '',
    ...Object.entries(METHODS).map(([k, v]) => `- \`${k}\`: ${v}.`),
    '',
  ];
  const head = [
    'case',
    'against',
    'sidetone',
    "against's",
    'ratio',
    'ratio is',
    'runs',
    'method',
    'load',
    'reproduced',
  ];
  const outside = [];
  let checked = 0;
  let changed = 0;
  let informative = 0;
  for (const [key, [title, text]] of Object.entries(SECTIONS)) {
    const mine = all.filter((r) => r.section === key);
    if (mine.length === 0) continue;
    out.push(
      `## ${title}`,
      '',
      text,
      '',
      `| ${head.join(' | ')} |`,
      `| ${head.map(() => '---').join(' | ')} |`,
    );
    for (const r of mine) {
      const same = (p) => p.section === r.section && p.case === r.case && p.against === r.against;
      const last = now.find(same);
      const prev = before.find(same);
      const ratio = r.ratios === undefined ? '' : `${two(median(r.ratios))}x (${span(r.ratios)})`;
      let previous = '';
      const xsOf = (row) => row?.ratios ?? row?.values;
      // Only a run before of 3 runs or more stated a range to fall within.
      if (xsOf(last) !== undefined && xsOf(prev)?.length >= 3) {
        const show = r.ratios === undefined ? r.show : (x) => `${two(x)}x`;
        const m = median(xsOf(last));
        const p = xsOf(prev);
        const within = withinRange(m, p);
        const range = `${show(Math.min(...p))}-${show(Math.max(...p))}`;
        if (r.informative !== undefined) {
          previous = `${show(m)}; before ${show(median(p))} (${range}); not checked: ${r.informative}`;
          informative += 1;
        } else if (sameWork(saved[r.suite], saved.previous?.[r.suite])) {
          previous = `${show(m)}; before ${show(median(p))} (${range}): ${within ? 'within' : 'outside'}`;
          checked += 1;
          if (!within)
            outside.push(`- ${r.section}: ${r.case} (${r.against}): ${show(m)}, stated before ${range}`);
        } else {
          // Other code (or work) measured the range before: what changed, not a reproduction.
          previous = `${show(m)}; before ${show(median(p))} (${range}) on other code`;
          changed += 1;
        }
      }
      const cells = [
        r.case,
        r.against,
        r.sidetone,
        r.other ?? '',
        ratio,
        r.ratioIs ?? '',
        String(r.runs),
        `\`${r.method}\``,
        span(r.loads),
        previous,
      ];
      out.push(`| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`);
    }
    out.push('');
  }
  const targets = all.flatMap((r) => targetsOf(r).map((t) => [r, t]));
  out.push(
    '## Targets',
    '',
    'Each target checked against the worst run of its row above.',
    '',
    '| target | case | against | worst run | result |',
    '| --- | --- | --- | --- | --- |',
  );
  for (const [r, t] of targets) {
    const [ok, shown, by] = targetOf(r, t);
    out.push(`| ${t.text} | ${r.case} | ${r.against} | ${shown} | ${ok ? 'met' : `missed by ${by}`} |`);
  }
  out.push(
    '',
    '## Reproduction',
    '',
    `${checked - outside.length} of the ${checked} figures of the last invocation fall within the range the page stated before it on the same code (of 3 runs or more; ${changed} others were measured on code other than the range before them, shown as *on other code*, and ${informative} are not checked: ${ABSOLUTE}); these do not:`,
    '',
    ...(outside.length > 0 ? outside : ['- none']),
    '',
    ...CORRECTIONS,
    '',
  );
  return out.join('\n');
}

/**
 * The page holds no figure typed by hand (issue 51): the history that was here (figures an earlier
 * page gave that did not reproduce, issue 39; the Pi rows before the bundle and the profile) is in
 * git, at the commit named.
 */
const CORRECTIONS = [
  '## Earlier figures',
  '',
  'Figures earlier pages gave that did not reproduce (issue 39), each measured again with the bench as it was and as it is, and the Pi figures before the bundle and the Pi profile, are on this page as of git 6b4cf34 (docs/benchmarks.md): typed by hand, they are no longer shown here.',
];
