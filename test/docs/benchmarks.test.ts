/**
 * docs/benchmarks.md states how every figure was measured: each row of its tables names its method
 * (one from the page's Methods list), what it is measured against (a floor, an opponent or none),
 * its run count and the load average, and a ratio only as a median with its range over 3 runs or
 * more. The page is the generator's output from the saved results, not an edited copy, and the
 * generator refuses a row that lacks any of these.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkRow,
  loadSaved,
  METHODS,
  POOLED_RUNS,
  pooled,
  type Row,
  renderPage,
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
});
