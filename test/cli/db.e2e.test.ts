/** Read verbs against a real store file (`--db`), through the built binary. */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dashboard, SeriesPoint } from '../../src/analytics/index.js';
import { recordIds } from '../../src/store/privacy.js';
import { openSqliteCallStore } from '../../src/store/sqlite/store.js';
import { spawnCli } from '../helpers/spawn.js';
import { type Fixture, HASH_KEY, MASKED_FROM, RAW_FROM, run, seedStore, tempDir } from './helpers.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

let tmp: ReturnType<typeof tempDir>;
let db: string;
let fx: Fixture;

beforeAll(async () => {
  tmp = tempDir();
  db = join(tmp.dir, 'calls.db');
  // Raw numbers are kept in this store: the CLI must still print masks only.
  fx = await seedStore(db, true);
});
afterAll(() => tmp.remove());

/** Non-empty buckets of `points` as start → total. */
const counts = (points: SeriesPoint[]) =>
  Object.fromEntries(points.filter((p) => p.total > 0).map((p) => [p.start, p.total]));

/** The same, computed from the fixture's filing times. */
function expected(size: number, from: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of fx.times.filter((x) => x >= from)) {
    const k = Math.floor(t / size) * size;
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

describe('dashboard --db', () => {
  it('--json parses and has the exact totals, deltas and KPIs', async () => {
    const r = await run(['dashboard', '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout) as Dashboard;
    expect(d.totals.calls).toMatchObject({ value: 12, previous: 1, delta: 11 });
    expect(d.totals.completed.value).toBe(6);
    expect(d.totals.failed.value).toBe(4);
    expect(d.totals.answered.value).toBe(6);
    expect(d.totals.active.value).toBe(2);
    expect(d.byStatus).toMatchObject({ completed: 6, busy: 3, failed: 1, active: 2 });
    expect(d.byTrunk).toEqual({ 'carrier-a': 7, 'carrier-b': 5 });
    expect(d.kpis.asr).toBe(60);
    expect(d.kpis.acdSeconds).toBe(60);
    expect(d.period.to - d.period.from).toBe(DAY);
  });

  it('prints tables with KPIs, breakdowns and percentiles; unknown rates are "—", not 0', async () => {
    const r = await run(['dashboard', '--db', db, '--hours', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^calls\s+11\s+0\s+\+11 \(new\)$/m);
    expect(r.stdout).toMatch(/^ASR\s+60%\s+—$/m);
    for (const kpi of ['NER', 'SER', 'SEER', 'ISA', 'ACD', 'PDD'])
      expect(r.stdout).toMatch(new RegExp(`^${kpi}\\s`, 'm'));
    expect(r.stdout).toMatch(/^carrier-a\s+7$/m);
    expect(r.stdout).toMatch(/^busy\s+3$/m);
    expect(r.stdout).toContain('P95');
    expect(r.stdout).not.toMatch(/^ASR\s+\S+\s+0%$/m);
  });

  it('refuses --days with --hours (exit 2)', async () => {
    const r = await run(['dashboard', '--db', db, '--days', '2', '--hours', '3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not both');
  });
});

describe('failures --db', () => {
  it('lists failed calls with masked numbers, never the raw digits', async () => {
    const r = await run(['failures', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    const [groups, rows] = r.stdout.split('\n\n') as [string, string];
    // Why first: the day's failures by reason x trunk, largest first (3 busy on carrier-b).
    expect(groups.split('\n')[0]).toMatch(/^REASON\s+TRUNK\s+CALLS$/);
    expect(groups.split('\n')[1]).toMatch(/^busy\s+carrier-b\s+3$/);
    expect(groups).toMatch(/^\S+\s+carrier-a\s+1$/m);
    // Then the rows, with the trunk, inside 80 columns.
    expect(rows).toMatch(/^TIME \(UTC\)\s+TRUNK\s+DIR\s+PARTY\s+SIP\s+Q850\s+REASON$/m);
    expect(rows).toContain(MASKED_FROM);
    expect(rows).toMatch(/\bcarrier-b\s+in\s+\S+\s+486\s+—\s+busy$/m);
    expect(rows).toMatch(/\bcarrier-a\s+out\s+\S+\s+503\s+34\b/m);
    expect(r.stdout).not.toContain(RAW_FROM.slice(1));
    expect(rows.trim().split('\n')).toHaveLength(1 + 4);
    for (const line of r.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('--json --limit 2 gives the two newest', async () => {
    const r = await run(['failures', '--db', db, '--json', '--limit', '2']);
    expect(r.code, r.stderr).toBe(0);
    const { failures } = JSON.parse(r.stdout) as { failures: Array<{ callId: string; from: string | null }> };
    // The stored ids: keyed hashes under the store's key, never the ids as sent.
    const cid = recordIds({ hashKey: HASH_KEY, storeRaw: false }, 'cid');
    expect(failures.map((f) => f.callId)).toEqual(['busy-0', 'busy-1'].map(cid));
    expect(failures[0]?.from).toBe(MASKED_FROM);
    expect(r.stdout).not.toContain(RAW_FROM.slice(1));
  });
});

describe('export --db', () => {
  it('streams CSV to stdout: header plus one row per call of the period, numbers masked', async () => {
    const r = await run(['export', '--db', db, '--format', 'csv', '--days', '1']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\r\n').filter((l) => l !== '');
    expect(lines[0]).toMatch(/^call_id,direction,channel,trunk,from,to,started_at/);
    expect(lines).toHaveLength(1 + 12);
    expect(r.stdout).toContain(MASKED_FROM);
    expect(r.stdout).not.toContain(RAW_FROM.slice(1));
    // Not a terminal: no progress display, and stderr stays empty.
    expect(r.stderr).toBe('');
  });

  it('streams JSON that parses', async () => {
    const r = await run(['export', '--db', db, '--format', 'json', '--days', '7']);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<{ call_id: string }>;
    expect(rows).toHaveLength(15);
  });

  it('--out writes the file (no partial left) and reports the count on stderr', async () => {
    const out = join(tmp.dir, 'calls.csv');
    const r = await run(['export', '--db', db, '--days', '2', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`exported 13 calls to ${out}\n`);
    expect(
      readFileSync(out, 'utf8')
        .split('\r\n')
        .filter((l) => l !== ''),
    ).toHaveLength(14);
    expect(readdirSync(tmp.dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('a reader that stops early (`| head`) ends the export quietly with 0', async () => {
    // Enough calls to fill a pipe several times over: the export is still writing when it closes.
    const big = join(tmp.dir, 'big.db');
    const store = await openSqliteCallStore({ path: big, privacy: { hashKey: HASH_KEY, storeRaw: false } });
    const now = Date.now();
    await store.applyBatch(
      Array.from({ length: 20_000 }, (_, i) => ({
        kind: 'started' as const,
        callId: `pipe-${i}`,
        at: now - 3_600_000 + i,
        direction: 'inbound' as const,
        channel: 'sip' as const,
        trunk: 'trunk-a',
      })),
    );
    await store.close();
    const { child, stderr, exited } = spawnCli(['export', '--db', big, '--format', 'csv', '--days', '1']);
    const first = await new Promise<string>((r) => child.stdout?.once('data', (d) => r(String(d))));
    child.stdout?.destroy();
    expect(first).toMatch(/^call_id,/);
    expect(await exited).toBe(0);
    expect(stderr()).toBe('');
  });

  it('--out into a missing directory exits 1 naming the path', async () => {
    const out = join(tmp.dir, 'nope', 'calls.csv');
    const r = await run(['export', '--db', db, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot write .*nope.*directory exists/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('hourly and daily --db', () => {
  it('hourly --json has every bucket and the fixture counts per hour', async () => {
    const r = await run(['hourly', '--db', db, '--json', '--hours', '24']);
    expect(r.code, r.stderr).toBe(0);
    const { series } = JSON.parse(r.stdout) as { series: SeriesPoint[] };
    expect(series).toHaveLength(24);
    const start = series[0]?.start ?? 0;
    expect(counts(series)).toEqual(expected(HOUR, start));
  });

  it('daily --json counts per UTC day', async () => {
    const r = await run(['daily', '--db', db, '--json', '--days', '7']);
    expect(r.code, r.stderr).toBe(0);
    const { series } = JSON.parse(r.stdout) as { series: SeriesPoint[] };
    expect(series).toHaveLength(7);
    expect(counts(series)).toEqual(expected(DAY, series[0]?.start ?? 0));
    expect(series.reduce((n, p) => n + p.total, 0)).toBe(15);
  });

  it('tables show one row per bucket with a bar', async () => {
    const r = await run(['daily', '--db', db, '--days', '5']);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^DAY \(UTC\)\s+CALLS\s+ANSWERED/);
    expect(rows).toHaveLength(1 + 5);
    expect(r.stdout).toContain('█');
  });
});

describe('health and cleanup --db', () => {
  it('health --json reports the zombie warning, no readiness', async () => {
    const r = await run(['health', '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const h = JSON.parse(r.stdout) as {
      readiness: null;
      indicators: { zombieCalls: number; warnings: { code: string }[] };
    };
    expect(h.readiness).toBeNull();
    expect(h.indicators.zombieCalls).toBe(1);
    expect(h.indicators.warnings.map((w) => w.code)).toContain('zombie_calls');
  });

  it('cleanup closes the zombie once; a second run closes none', async () => {
    // A store of its own: closing the zombie turns it into a failure the other tests do not expect.
    const own = join(tmp.dir, 'cleanup.db');
    await seedStore(own);
    const first = await run(['cleanup', '--db', own]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe('closed 1 zombie call (active for more than 14,400 s)\n');
    const second = await run(['cleanup', '--db', own, '--json', '--max-active', '3600']);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toEqual({ closed: 0, maxActiveSeconds: 3600 });
  });
});

describe('store file errors', () => {
  it('a missing --db exits 1 with one line naming the fix, and creates nothing', async () => {
    const missing = join(tmp.dir, 'missing.db');
    const r = await run(['dashboard', '--db', missing]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `sidetone dashboard: no store at ${missing}: start \`sidetone serve --db ${missing}\` first or pass the right path\n`,
    );
    expect(existsSync(missing)).toBe(false);
  });

  it('without --db the configured store.path is read (here from SIDETONE_STORE_PATH)', async () => {
    const r = await run(['failures', '--json'], {
      SIDETONE_STORE_PATH: db,
      SIDETONE_TOKEN: 'ignored-for-db-reads',
    });
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { failures: unknown[] }).failures).toHaveLength(4);
  });

  it('a file that is not a store exits 1 with the store error', async () => {
    const junk = join(tmp.dir, 'junk.db');
    writeFileSync(
      junk,
      'this is not an SQLite database, just some text long enough to have a header\n'.repeat(20),
    );
    const r = await run(['dashboard', '--db', junk]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a sidetone store/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('metrics with --db exits 2 explaining it needs a running server', async () => {
    const r = await run(['metrics', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('needs a running server');
    expect(r.stderr).toContain('Usage: sidetone metrics');
  });
});

describe('--reveal', () => {
  it('shows raw numbers only with the flag and a store configured to keep them', async () => {
    const env = { SIDETONE_STORE_STORE_RAW_NUMBERS: 'true' };
    const masked = await run(['failures', '--db', db, '--json'], env);
    expect(masked.stdout).not.toContain(RAW_FROM);
    const shown = await run(['failures', '--db', db, '--json', '--reveal'], env);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(RAW_FROM);
    const csv = await run(['export', '--db', db, '--days', '30', '--reveal'], env);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout).toContain(RAW_FROM);
  });

  it('without store.store_raw_numbers, --reveal is an error that names the setting', async () => {
    const r = await run(['export', '--db', db, '--reveal']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/store\.store_raw_numbers = true/);
    expect(r.stdout).not.toContain(RAW_FROM);
  });

  it('is refused for --url: a server never sends raw numbers', async () => {
    const r = await run(['failures', '--url', 'http://127.0.0.1:9', '--reveal']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--reveal needs --db/);
  });
});

describe('trunks and sms --db (the console verbs)', () => {
  it('trunks: KPIs per trunk, busiest first, inside 80 columns; --json has the same numbers', async () => {
    const r = await run(['trunks', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^TRUNK\s+CALLS\s+ASR\s+NER\s+PDD ms\s+ACD s\s+ASR BY HOUR \(UTC\)$/);
    // carrier-a: 6 completed + 1 failed (503) in the last day; carrier-b: 3 busy + 2 active.
    expect(rows[1]).toMatch(/^carrier-a\s+7\s+85\.71%/);
    expect(rows[2]).toMatch(/^carrier-b\s+5\s+0%/);
    for (const row of rows) expect(row.length).toBeLessThanOrEqual(80);
    const j = await run(['trunks', '--db', db, '--json', '--hours', '24']);
    const report = JSON.parse(j.stdout) as {
      bucket: string;
      trunks: Array<{ trunk: string; calls: number; attempts: number; kpis: { asr: number } }>;
    };
    expect(report.bucket).toBe('hour');
    expect(report.trunks.map((t) => [t.trunk, t.calls, t.attempts, t.kpis.asr])).toEqual([
      ['carrier-a', 7, 7, 85.71],
      ['carrier-b', 5, 3, 0],
    ]);
  });

  it('sms: totals and delivery rate, unknown (—) rather than 0 % when nothing was sent', async () => {
    const r = await run(['sms', '--db', db, '--days', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^messages\s+0 \(0 in, 0 out\)$/m);
    expect(r.stdout).toMatch(/^delivery rate\s+—$/m);
    const j = JSON.parse((await run(['sms', '--db', db, '--json'])).stdout) as {
      total: number;
      deliveryRate: null;
    };
    expect(j).toMatchObject({ total: 0, deliveryRate: null });
  });

  it('--days and --hours together are a usage error', async () => {
    const r = await run(['trunks', '--db', db, '--days', '1', '--hours', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pass --days or --hours, not both');
  });
});

describe('--json on every read verb', () => {
  it('export --json is JSON (as --format json)', async () => {
    const r = await run(['export', '--db', db, '--json', '--days', '2']);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<{ callId: string }>;
    expect(rows.length).toBeGreaterThan(5);
  });
});
