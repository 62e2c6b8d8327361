/**
 * docs/benchmarks.md states how every figure was measured: each row of its tables names its method
 * (one from the page's Methods list), what it is measured against (a floor, an opponent or none),
 * its run count and the load average, and a ratio only as a median with its range over 3 runs or
 * more. The page is the generator's output from the saved results, not an edited copy, and the
 * generator refuses a row that lacks any of these.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { benchFiles, code } from '../../bench/code.mjs';
import {
  checkAgainstPage,
  checkReport,
  checkRow,
  loadSaved,
  METHODS,
  POOLED_RUNS,
  pooled,
  type Row,
  renderPage,
  rows,
} from '../../bench/report.mjs';

const page = readFileSync(new URL('../../docs/benchmarks.md', import.meta.url), 'utf8');

/** The rows of every figure table: sections other than Methods and Targets, split into cells. */
function figureRows(text: string): { section: string; cells: string[] }[] {
  const out: { section: string; cells: string[] }[] = [];
  let section = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('## ')) section = line.slice(3);
    if (!line.startsWith('| ') || line.startsWith('| ---') || line.startsWith('| case |')) continue;
    if (section === 'Targets' || section === 'Methods') continue;
    out.push({ section, cells: line.slice(2, -2).split(/ (?<!\\)\| /) });
  }
  return out;
}

describe('docs/benchmarks.md', () => {
  it('is what bench/report.mjs makes of the saved results (bench/results/)', () => {
    expect(page).toBe(renderPage(loadSaved()));
  });

  it('every row names its method, what it is against, its runs and load; ratios over >= 3 runs with a range', () => {
    const rows = figureRows(page);
    expect(rows.length).toBeGreaterThan(50);
    for (const { section, cells } of rows) {
      const [what, against, sidetone, , ratio, ratioIs, runs, method, load] = cells;
      const where = `${section}: ${what} (${against})`;
      expect(cells, where).toHaveLength(10);
      expect(against, where).toMatch(/\S/);
      expect(sidetone, where).toMatch(/\S/);
      expect(Object.keys(METHODS), where).toContain(method?.replaceAll('`', ''));
      expect(page, where).toContain(`- ${method}: `);
      expect(Number(runs), where).toBeGreaterThanOrEqual(1);
      expect(load, where).toMatch(/^\d+(\.\d+)?(-\d+(\.\d+)?)?$/);
      if (ratio !== '') {
        expect(Number(runs), where).toBeGreaterThanOrEqual(3);
        expect(ratio, where).toMatch(/^\d+(\.\d+)?x \(\d+(\.\d+)?(-\d+(\.\d+)?)?\)$/);
        expect(ratioIs, where).toMatch(/\//);
      }
    }
  });

  it('the generator refuses a row without its method, floor, run count, load, or a ratio of fewer than 3 runs', () => {
    const good: Row = {
      section: 's',
      case: 'c',
      against: 'floor',
      sidetone: '1 ms',
      other: '1 ms',
      ratios: [1, 1.1, 0.9],
      ratioIs: "sidetone's / the floor's",
      runs: 3,
      method: 'cpu-render',
      loads: [2.5],
    };
    expect(checkRow(good)).toEqual([]);
    expect(checkRow({ ...good, method: '' })).toEqual(['s: c (floor): no method from the Methods list']);
    expect(checkRow({ ...good, method: 'stopwatch' })).toEqual([
      's: c (floor): no method from the Methods list',
    ]);
    expect(checkRow({ ...good, against: '' })).toEqual([
      's: c (): no floor or opponent named (write "none")',
    ]);
    expect(checkRow({ ...good, runs: undefined })).toContain('s: c (floor): no run count');
    expect(checkRow({ ...good, loads: [] })).toEqual(['s: c (floor): no load average']);
    expect(checkRow({ ...good, ratios: [1, 1.1], runs: 2 })).toEqual([
      's: c (floor): a ratio from fewer than 3 runs',
    ]);
    expect(checkRow({ ...good, ratioIs: undefined })).toEqual([
      's: c (floor): a ratio without saying what it divides',
    ]);
  });

  it('a page with such a row is not written', () => {
    const saved = loadSaved() as { ingest?: { rounds: unknown[] } };
    expect(saved.ingest?.rounds.length).toBeGreaterThanOrEqual(3);
    const short = {
      ...saved,
      previous: {},
      ingest: { ...saved.ingest, rounds: saved.ingest?.rounds.slice(0, 2) },
    };
    expect(() => renderPage(short)).toThrow(
      /ingest over HTTP at the highest rate: events\/s \(commit floor\): a ratio from fewer than 3 runs/,
    );
  });

  it('pools the runs of the last invocation with those stated before, the last 12 at most, only when all did the same work', () => {
    const run = (throughput: number) => ({ throughput, load: 1 });
    const now = { rounds: [run(1), run(2), run(3)], settings: { seconds: 5 } };
    const before = { rounds: [run(4), run(5), run(6)], settings: { seconds: 5 } };
    const both = pooled({ ingest: now, previous: { ingest: before } }) as { ingest: typeof now };
    expect(both.ingest.rounds.map((r) => r.throughput)).toEqual([4, 5, 6, 1, 2, 3]);
    const many = { ...before, rounds: Array.from({ length: POOLED_RUNS }, (_, k) => run(10 + k)) };
    const capped = pooled({ ingest: now, previous: { ingest: many } }) as { ingest: typeof now };
    expect(capped.ingest.rounds).toHaveLength(POOLED_RUNS);
    expect(capped.ingest.rounds.slice(-3).map((r) => r.throughput)).toEqual([1, 2, 3]);
    const other = { ...before, settings: { seconds: 10 } };
    const apart = pooled({ ingest: now, previous: { ingest: other } }) as { ingest: typeof now };
    expect(apart.ingest.rounds.map((r) => r.throughput)).toEqual([1, 2, 3]);
    // Nor runs of other code (bench/code.mjs's digest, stamped by bench/run.mjs).
    const older = pooled({
      ingest: { ...now, code: 'b' },
      previous: { ingest: { ...before, code: 'a' } },
    }) as { ingest: typeof now };
    expect(older.ingest.rounds.map((r) => r.throughput)).toEqual([1, 2, 3]);
  });

  it("digests the bench files a suite's code runs, not those its comments name", () => {
    // pi.bench.mjs's comments name report.mjs, which renders the page and runs in no Pi process.
    const pi = benchFiles('pi.bench.mjs');
    expect(pi).toContain('floor-server.mjs');
    expect(pi).not.toContain('report.mjs');
    expect(code("a.mjs // b.mjs\n/* c.mjs */ fetch('http://x/d.mjs');")).toBe(
      "a.mjs \n fetch('http://x/d.mjs');",
    );
  });

  it('shows a range measured on other code as what changed, not as a reproduction', () => {
    // The figure is moved to 1000x plus the saved ratio (under 100x): it renders as 10..x, whatever the saved data.
    const saved = loadSaved() as { ingest?: { rounds: Record<string, number>[] }; previous: object };
    const rounds = saved.ingest?.rounds ?? [];
    const far = {
      ...saved.ingest,
      code: 'new',
      rounds: rounds.map((r) => ({ ...r, cpuVsAck: 1000 + (r.cpuVsAck ?? 0) })),
    };
    const page = renderPage({
      ...saved,
      ingest: far,
      previous: { ...saved.previous, ingest: { ...saved.ingest, code: 'old' } },
    });
    expect(page).not.toMatch(/\n- ingest: ingest over HTTP at the highest rate: CPU per event \(ack floor\)/);
    expect(page).toMatch(
      /\| ingest over HTTP at the highest rate: CPU per event \| ack floor \|.*\| 10\d\dx; before [\d.]+x \([\d.]+x-[\d.]+x\) on other code \|/,
    );
  });

  it('says which figures of the last invocation fall outside the range stated before', () => {
    const saved = loadSaved() as { ingest?: { rounds: Record<string, number>[] }; previous: object };
    const rounds = saved.ingest?.rounds ?? [];
    const far = {
      ...saved.ingest,
      rounds: rounds.map((r) => ({ ...r, cpuVsAck: 1000 + (r.cpuVsAck ?? 0) })),
    };
    const page = renderPage({ ...saved, ingest: far, previous: { ...saved.previous, ingest: saved.ingest } });
    expect(page).toMatch(
      /\n- ingest: ingest over HTTP at the highest rate: CPU per event \(ack floor\): 10\d\dx, stated before /,
    );
    expect(page).toMatch(
      /\| ingest over HTTP at the highest rate: CPU per event \| ack floor \|.*\| 10\d\dx; before [\d.]+x \([\d.]+x-[\d.]+x\): outside \|/,
    );
  });

  describe('npm run bench -- --check', () => {
    /** An ingest round whose three rows (rate, CPU against each floor) all have ratio `x`. */
    const round = (x: number) => ({
      load: 1,
      sidetoneEventsPerSecond: 1000,
      floorEventsPerSecond: 1000 / x,
      throughput: x,
      sidetoneCpuUsPerEvent: 10,
      floorCpuUsPerEvent: 10 / x,
      ackCpuUsPerEvent: 10 / x,
      cpuVsFloor: x,
      cpuVsAck: x,
    });
    const ingest = (xs: number[]) => ({ rounds: xs.map(round), code: 'c' });
    const page = { ingest: ingest([1.1, 1.2, 1.3]), previous: { ingest: ingest([1.0, 1.25, 1.4]) } };

    it('flags each row whose new median falls outside the range the page states (over its pooled runs)', () => {
      // The page's range is 1.0-1.4 (both invocations pooled), not 1.1-1.3 (the last alone).
      const within = checkAgainstPage(page, { ingest: ingest([1.0, 1.35, 2.0]) });
      expect(within.checked).toBe(3);
      expect(within.outside).toEqual([]);
      const out = checkAgainstPage(page, { ingest: ingest([1.45, 1.5, 1.0]) });
      expect(out.checked).toBe(3);
      expect(out.outside.map((o) => o.row)).toEqual([
        'ingest: ingest over HTTP at the highest rate: events/s (commit floor)',
        'ingest: ingest over HTTP at the highest rate: CPU per event (commit floor)',
        'ingest: ingest over HTTP at the highest rate: CPU per event (ack floor)',
      ]);
      expect(out.outside[0]).toMatchObject({ median: 1.45, lo: 1.0, hi: 1.4 });
      expect(checkReport(out)).toMatch(
        /^0 of 3 rows reproduce within the page's range; 3 do not:\n- ingest: ingest over HTTP at the highest rate: events\/s \(commit floor\): 1\.45x, the page states 1\.00x-1\.40x\n/,
      );
      const low = checkAgainstPage(page, { ingest: ingest([0.9, 0.95, 2]) });
      expect(low.outside).toHaveLength(3);
    });

    it('judges a median at the precision of the page, three significant digits', () => {
      // 1.4004 shows as 1.40x, the top of a range shown as 1.00x-1.40x; 1.406 shows as 1.41x.
      expect(checkAgainstPage(page, { ingest: ingest([1.4004, 1.4004, 1.4004]) }).outside).toEqual([]);
      expect(checkAgainstPage(page, { ingest: ingest([1.406, 1.406, 1.406]) }).outside).toHaveLength(3);
      expect(checkAgainstPage(page, { ingest: ingest([0.9996, 0.9996, 0.9996]) }).outside).toEqual([]);
      expect(checkAgainstPage(page, { ingest: ingest([0.994, 0.994, 0.994]) }).outside).toHaveLength(3);
    });

    it('checks no row the new runs lack, nor one whose page range is of fewer than 3 runs', () => {
      const none = checkAgainstPage(page, {});
      expect(none.checked).toBe(0);
      expect(none.unchecked).toHaveLength(3);
      expect(checkReport(none)).toBe(
        "0 of 0 rows reproduce within the page's range; 0 do not.\n3 rows not run again (not checked).",
      );
      const thin = { ingest: { ...ingest([1, 2]), code: 'other' }, previous: {} };
      // Two runs state no range (the generator refuses such a ratio row): nothing to check against.
      expect(checkAgainstPage(thin, { ingest: ingest([5, 5, 5]) }).checked).toBe(0);
    });
  });

  it('shows a figure in units of the machine speed but checks only the ratio beside it', () => {
    /** HEP runs at `speed` times a machine's speed, sidetone 1.2x hep-js's CPU a message. */
    const hep = (speed: number, code = 'c') => ({
      runs: [1, 2, 3].map(() => ({
        calls: 100,
        load: 1,
        messagesPerCpuSecond: 100_000 * speed,
        hepJs: { messagesPerCpuSecond: 120_000 * speed },
      })),
      code,
    });
    const stated = { hep: hep(1), previous: { hep: hep(1.05) } };
    // The machine half as fast: the absolute row falls far outside, the ratio does not move.
    const r = checkAgainstPage(stated, { hep: hep(0.5) });
    expect(r.checked).toBe(1);
    expect(r.outside).toEqual([]);
    expect(r.informative).toEqual([
      'events: HEP replay into metrics + store (100 calls): captured SIP messages per CPU second (none)',
    ]);
    expect(checkReport(r)).toContain(
      "1 rows shown but not checked (a figure in units of the machine's speed; the ratio beside it is checked).",
    );
    // The page says so in its row, and counts it apart from the rows checked.
    const page = renderPage({ hep: hep(0.5), previous: { hep: hep(1) } });
    expect(page).toContain(
      "| 50,000; before 100,000 (100,000-100,000); not checked: a figure in units of the machine's speed; the ratio beside it is checked |",
    );
    expect(page).toContain('and 1 are not checked');
  });

  describe('rows that carry their own proof', () => {
    const side = (events: number, cpuUsPerEvent: number) => ({ events, cpuUsPerEvent });
    /** A 30 s window at 20 calls/s (100 events/s): `events` each server acknowledged. */
    const rate = (events: number, vsFloor: number) => ({
      load: 1,
      sidetone: side(events, 10 * vsFloor),
      'commit floor': side(events, 10),
      'ack floor': side(events, 5),
      vsFloor,
      vsAck: 2 * vsFloor,
    });
    const idle = (st: number, floor: number) => ({
      load: 1,
      sidetone: { startMs: 1, startCpuMs: 1, idleRssMib: 1, idleCpuMsPerS: st },
      'commit floor': { startMs: 1, startCpuMs: 1, idleRssMib: 1, idleCpuMsPerS: floor },
      'prom-client exporter': { startMs: 1, startCpuMs: 1, idleRssMib: 1, idleCpuMsPerS: 0.5 },
    });
    const pi = (rateRounds: unknown[]) => ({
      pi: {
        startRounds: [idle(1, 0), idle(1, 0), idle(1, 0)],
        rateRounds,
        settings: { windowSeconds: 30, callsPerSecond: 20 },
      },
    });
    const cpuRow = (saved: unknown) =>
      rows(saved).find(
        (r) => r.case.startsWith('CPU per event at 20 calls/s') && r.against === 'commit floor',
      );

    it('a round whose feeder reached under 95 % of the target rate is left out, and the row says so', () => {
      // 2,850 events in 30 s is 95/s, the least kept; 2,849 is under.
      const row = cpuRow(
        pi([rate(3000, 1.5), rate(2850, 1.6), rate(2849, 9), rate(900, 9), rate(3001, 1.7)]),
      );
      expect(row?.ratios).toEqual([1.5, 1.6, 1.7]);
      expect(row?.runs).toBe(3);
      expect(row?.sidetone).toBe('16.0 µs (2 of 5 rounds under 95 % of the rate left out)');
    });

    it('with fewer than 3 rounds at the rate, the row is invalid: no ratio, the rates it reached', () => {
      const row = cpuRow(pi([rate(3000, 1.5), rate(300, 9), rate(150, 9)]));
      expect(row?.ratios).toBeUndefined();
      expect(row?.sidetone).toBe('invalid: the feeder reached 5.00-100 events/s of 100');
      expect(checkRow(row ?? {})).toEqual([]);
    });

    it('the limit server stands beside the floors at the Pi rate, from the rounds that ran it', () => {
      const withLimit = (events: number, vsFloor: number, vsLimit: number) => ({
        ...rate(events, vsFloor),
        'limit server': side(events, (10 * vsFloor) / vsLimit),
        vsLimit,
      });
      // Two rounds from before it ran, then four with it, one of those under 95 % of the rate.
      const all = rows(
        pi([
          rate(3000, 1.8),
          rate(3000, 1.9),
          withLimit(3000, 1.8, 1.4),
          withLimit(3000, 1.7, 1.3),
          withLimit(2000, 9, 9),
          withLimit(3000, 1.9, 1.5),
        ]),
      );
      const row = all.find(
        (r) => r.case.startsWith('CPU per event at 20 calls/s') && r.against === 'limit server',
      );
      expect(row?.ratios).toEqual([1.4, 1.3, 1.5]);
      expect(row?.ratioIs).toBe("sidetone's / the limit server's");
      expect(row?.sidetone).toBe('18.0 µs (1 of 4 rounds under 95 % of the rate left out)');
      expect(row?.target).toBeUndefined();
      expect(checkRow(row ?? {})).toEqual([]);
      // The floors' row keeps every round at the rate, with or without the limit server.
      expect(cpuRow(pi([rate(3000, 1.8), rate(3000, 1.9), withLimit(3000, 1.7, 1.3)]))?.ratios).toEqual([
        1.8, 1.9, 1.7,
      ]);
    });

    it("idle CPU is sidetone's excess over each floor in the same round, checked against 1 ms/s", () => {
      const saved = {
        pi: {
          startRounds: [idle(1.2, 0.5), idle(0.9, 0.1), idle(3, 1.5)],
          rateRounds: [],
          settings: { windowSeconds: 30, callsPerSecond: 20 },
        },
      };
      const row = rows(saved).find((r) => r.method === 'pi-idle-cpu' && r.against === 'commit floor');
      expect(row?.values?.map((x) => Number(x.toFixed(2)))).toEqual([0.7, 0.8, 1.5]);
      // Missed by the worst run's 1.5 ms/s less the target's 1 ms/s (stop 78 found the page saying
      // "missed by 1.89 ms/s" for a worst run of 1.89).
      expect(row?.target).toMatchObject({ ok: false, worst: '0.50 ms/s', shown: '1.50 ms/s' });
      expect(checkRow(row ?? {})).toEqual([]);
    });

    it("the idle window's second half is a row of its own, from the rounds that measured it, with no target", () => {
      const late = (st: number, floor: number, lateSt: number, lateFloor: number) => {
        const r = idle(st, floor);
        return {
          ...r,
          sidetone: { ...r.sidetone, idleLateCpuMsPerS: lateSt },
          'commit floor': { ...r['commit floor'], idleLateCpuMsPerS: lateFloor },
        };
      };
      const saved = {
        pi: {
          startRounds: [idle(1.2, 0.5), late(1.8, 0.7, 0.3, 0.1), late(2, 0.8, 0.4, 0.3)],
          rateRounds: [],
          settings: { windowSeconds: 30, callsPerSecond: 20 },
        },
      };
      const found = rows(saved).filter((r) => r.method === 'pi-idle-cpu' && r.against === 'commit floor');
      expect(found.map((r) => r.runs)).toEqual([3, 2]);
      const half = found[1];
      expect(half?.case).toContain('second half');
      expect(half?.values?.map((x) => Number(x.toFixed(2)))).toEqual([0.2, 0.1]);
      expect(half?.target).toBeUndefined();
    });

    it('the HEP replay stands beside its peer, hep-js decoding the same packets, run by run', () => {
      const run = (st: number, peer: number) => ({
        calls: 20_000,
        load: 1,
        messagesPerCpuSecond: st,
        hepJs: { messagesPerCpuSecond: peer },
      });
      const row = rows({
        hep: { runs: [run(80_000, 40_000), run(60_000, 40_000), run(90_000, 30_000)] },
      }).find((r) => r.against === 'hep-js decode alone');
      expect(row?.ratios).toEqual([2, 1.5, 3]);
      expect(row?.ratioIs).toBe("hep-js's / sidetone's");
      expect(checkRow(row ?? {})).toEqual([]);
    });

    it('a render row stands against both floors, named: one rebuilding every line, one keeping label text', () => {
      const r = (impl: string, ns: number) => ({
        case: 'render 10k counters, Prometheus text',
        impl,
        ns_per_op: ns,
        clock: 'cpu',
        load: 1,
      });
      const run = {
        gcs: 0,
        results: [r('sidetone', 4), r('floor', 4), r('floor-kept', 3.2), r('prom-client', 40)],
      };
      const all = rows({ registry: { runs: [run, run, run] } }).filter((x) => x.case.startsWith('render'));
      expect(all.map((x) => [x.against, x.ratios?.[0]])).toEqual([
        ['floor rebuilding every line', 1],
        ['floor keeping label text', 1.25],
        ['prom-client', 10],
      ]);
      expect(all[1]?.target).toEqual({ max: 1.3, text: '<= 1.3x the floor keeping label text (issue 51)' });
    });

    it("states issue 51's render targets beside issue 11's, each met or missed on the worst run", () => {
      const r = (c: string, impl: string, ns: number) => ({
        case: c,
        impl,
        ns_per_op: ns,
        clock: 'cpu',
        load: 1,
      });
      const at = (size: string, pio: number) => ({
        gcs: 0,
        results: [
          r(`render ${size} counters, Prometheus text`, 'sidetone', 1),
          r(`render ${size} counters, Prometheus text`, 'floor-kept', 0.8),
          r(`render ${size} counters, Prometheus text`, 'prom-client', 11),
          r(`render ${size} counters, Prometheus text`, '@prometheus-io/client', pio),
        ],
      });
      const saved = { registry: { runs: [at('10k', 5), at('10k', 6), at('10k', 5)] } };
      const pio10k = rows(saved).find(
        (x) => x.case.startsWith('render 10k') && x.against === '@prometheus-io/client',
      );
      expect(pio10k?.target).toEqual([
        { min: 8, text: '>= 8x (issue 11)' },
        { min: 4, text: '>= 4x (issue 51)' },
      ]);
      const targets = renderPage({ ...saved, previous: {} } as never).split('## Targets')[1] ?? '';
      expect(targets).toContain(
        '| >= 8x (issue 11) | render 10k counters, Prometheus text | @prometheus-io/client | 5.00x | missed by 1.60x |',
      );
      expect(targets).toContain(
        '| >= 4x (issue 51) | render 10k counters, Prometheus text | @prometheus-io/client | 5.00x | met |',
      );
      expect(targets).toContain(
        '| >= 10x (issues 11, 51) | render 10k counters, Prometheus text | prom-client | 11.0x | met |',
      );
      expect(targets).toContain(
        '| <= 1.3x the floor keeping label text (issue 51) | render 10k counters, Prometheus text | floor keeping label text | 1.25x | met |',
      );
      // At 1M series issue 51 asks only for the floor: the peers keep issue 11's targets alone.
      const big = { registry: { runs: [at('1M', 5), at('1M', 5), at('1M', 5)] } };
      const pio1M = rows(big).find((x) => x.against === '@prometheus-io/client');
      expect(pio1M?.target).toEqual({ min: 8, text: '>= 8x (issue 11)' });
    });
  });
});
