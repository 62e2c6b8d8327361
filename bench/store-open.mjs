// Opening a store of N calls made before the rollups existed (issue 51): SQLite at schema 4, PostgreSQL
// at schema 1, the calls generated in the database as bench/rollup.bench.mjs does. Prints the open's
// time, then (a build that has them in the background) how long the rollups took, the event loop's
// worst and p99 wait meanwhile and the slowest 1-day dashboard read during the build. The dist is an
// argument, so an older build (a copy of its dist/ inside the repository) gives the "before" figure:
//   npm run build && node bench/store-open.mjs dist sqlite 1000000
// With SIDETONE_BENCH_REVEALED=1 (PostgreSQL) the store is first opened with ids revealed, so the
// open timed hashes the ids of a partitioned store at the latest schema (a reveal switched off).
// A build that hashes raw ids in the background after the rollups (SQLite) prints when the rollups
// were done (`rollupsSeconds`); `buildSeconds` is then when the ids were.
// With SIDETONE_BENCH_OPEN_ONLY=1 it stops after the open (the build of 1M calls' rollups takes
// minutes). The machine's load averages before and after the open are printed beside its time.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import pg from 'pg';
import { startPostgres } from '../scripts/pg-temp.mjs';

const [distArg, backend, nArg] = process.argv.slice(2);
const dist = resolve(distArg);
const N = Number(nArg);
const DAY = 86_400_000;
const END = Date.UTC(2024, 5, 30) - 17 * 60_000;
const START = END - 90 * DAY;
const privacy = { hashKey: 'bench-hash-key-0123456789abcdef', storeRaw: false };
const { dashboard } = await import(`${dist}/analytics/index.js`);

function insertSql(source) {
  const h = '((i * 2654435761) % 4294967296)';
  const at = `(${START} + i * ${90 * DAY} / ${N})`;
  const pick = `(${h} % 100)`;
  const cols = {
    call_id: `'b' || i`,
    first_at: at,
    direction: `CASE WHEN i % 3 = 0 THEN 'inbound' ELSE 'outbound' END`,
    channel: `CASE WHEN i % 10 = 0 THEN 'gsm' ELSE 'sip' END`,
    trunk: `'trunk-' || (i % 4)`,
    started_at: at,
    ringing_at: `${at} + 800 + (${h} / 7 % 3000)`,
    answered_at: `CASE WHEN ${pick} < 60 THEN ${at} + 5000 END`,
    ended_at: `CASE WHEN i % 1000 = 0 THEN NULL WHEN ${pick} < 60 THEN ${at} + 5000 + 10000 + (${h} / 100 % 590) * 1000 ELSE ${at} + 9000 END`,
    sip_code: `CASE WHEN i % 1000 = 0 THEN NULL WHEN ${pick} < 60 THEN 200 WHEN ${pick} < 75 THEN 486 ELSE 503 END`,
    mos: `CASE WHEN ${pick} < 40 THEN 3.0 + (${h} / 13 % 150) / 100.0 END`,
  };
  return `INSERT INTO calls (${Object.keys(cols).join(', ')}) SELECT ${Object.values(cols).join(', ')} FROM ${source}`;
}

const load = () => loadavg().map((x) => +x.toFixed(1));

const pending = (store) => store.rollupBuild?.() !== undefined || store.idRewrite?.() !== undefined;

async function untilBuilt(store) {
  if (!pending(store)) return { built: 'at open' };
  if (process.env.SIDETONE_BENCH_OPEN_ONLY === '1') return { built: 'not waited for' };
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const t = performance.now();
  let readMs = 0;
  let reads = 0;
  // Raw ids left to hash are hashed after the rollups, in the background (sqlite/id-rewrite.ts).
  const hashing = store.idRewrite?.() !== undefined;
  let rollupsSeconds;
  let rollupsLoop; // the event loop's waits while the rollups were built; the totals are the ids'
  while (pending(store)) {
    if (rollupsSeconds === undefined && store.rollupBuild() === undefined) {
      rollupsSeconds = +((performance.now() - t) / 1000).toFixed(1);
      rollupsLoop = { maxMs: Math.round(loop.max / 1e6), p99Ms: Math.round(loop.percentile(99) / 1e6) };
      loop.reset();
    }
    const r = performance.now();
    await dashboard(store, { from: END - DAY, to: END });
    readMs = Math.max(readMs, performance.now() - r);
    reads++;
    await new Promise((res) => setTimeout(res, 250));
  }
  loop.disable();
  return {
    ...(hashing ? { rollupsSeconds, rollupsLoop } : {}),
    buildSeconds: +((performance.now() - t) / 1000).toFixed(1),
    loopMaxMs: Math.round(loop.max / 1e6),
    loopP99Ms: Math.round(loop.percentile(99) / 1e6),
    dashboard1dDuringMaxMs: Math.round(readMs),
    reads,
  };
}

const dir = mkdtempSync(join(process.env.SIDETONE_BENCH_DIR ?? tmpdir(), 'sidetone-open-'));
try {
  if (backend === 'sqlite') {
    const { migrate } = await import(`${dist}/store/sqlite/migrations.js`);
    const { SqliteCallStore } = await import(`${dist}/store/sqlite/store.js`);
    const path = join(dir, 'calls.db');
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    migrate(db, path, 4);
    db.exec(
      insertSql(
        `(WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < ${N - 1}) SELECT i FROM s)`,
      ),
    );
    db.close();
    const loadBefore = load();
    const t = performance.now();
    const store = new SqliteCallStore({ path, privacy });
    const openS = (performance.now() - t) / 1000;
    const loadAfter = load();
    const r0 = performance.now();
    await dashboard(store, { from: END - DAY, to: END });
    const firstRead = performance.now() - r0;
    const build = await untilBuilt(store);
    const r1 = performance.now();
    const d = await dashboard(store, { from: END - 7 * DAY, to: END });
    console.log(
      JSON.stringify({
        backend,
        N,
        openSeconds: +openS.toFixed(2),
        load: { before: loadBefore, after: loadAfter },
        firstDashboardMs: Math.round(firstRead),
        ...build,
        after7dMs: Math.round(performance.now() - r1),
        calls7d: d.totals.calls.value,
      }),
    );
    await store.close();
  } else {
    const { PG_MIGRATIONS } = await import(`${dist}/store/postgres/sql.js`);
    const { openPostgresCallStore } = await import(`${dist}/store/postgres/store.js`);
    const server = await startPostgres();
    try {
      const c = new pg.Client({ connectionString: server.url });
      await c.connect();
      await c.query("SET sidetone.instance = 'bench'");
      await c.query(
        'CREATE TABLE sidetone_schema (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
      );
      await c.query(PG_MIGRATIONS[0].sql);
      await c.query('INSERT INTO sidetone_schema (version, description) VALUES (1, $1)', [
        PG_MIGRATIONS[0].description,
      ]);
      await c.query(insertSql(`generate_series(0::bigint, ${N - 1}::bigint) AS s(i)`));
      await c.query('VACUUM ANALYZE');
      await c.end();
      if (process.env.SIDETONE_BENCH_REVEALED === '1') {
        // Partitioned and at the latest schema with every id raw, as a store kept with
        // revealCallIds is: the open below then hashes the ids of a partitioned store.
        const revealed = { ...privacy, revealCallIds: true };
        await (
          await openPostgresCallStore({ url: server.url, privacy: revealed, instance: 'bench' })
        ).close();
        const v = new pg.Client({ connectionString: server.url });
        await v.connect();
        await v.query('VACUUM ANALYZE');
        await v.end();
      }
      const loadBefore = load();
      const t = performance.now();
      const store = await openPostgresCallStore({ url: server.url, privacy, instance: 'bench' });
      const openS = (performance.now() - t) / 1000;
      const loadAfter = load();
      const r0 = performance.now();
      await dashboard(store, { from: END - DAY, to: END });
      const firstRead = performance.now() - r0;
      const build = await untilBuilt(store);
      const r1 = performance.now();
      const d = await dashboard(store, { from: END - 7 * DAY, to: END });
      console.log(
        JSON.stringify({
          backend,
          N,
          openSeconds: +openS.toFixed(2),
          load: { before: loadBefore, after: loadAfter },
          firstDashboardMs: Math.round(firstRead),
          ...build,
          after7dMs: Math.round(performance.now() - r1),
          calls7d: d.totals.calls.value,
        }),
      );
      await store.close();
    } finally {
      await server.stop();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
