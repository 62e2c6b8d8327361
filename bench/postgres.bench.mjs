// PostgreSQL store benchmark: ingest through applyBatch (the set-based batched upserts) against
// the floor of raw INSERTs of the same updates (one unnest statement per batch into a plain table,
// no upsert, no derived columns), and the dashboard read over the result. Starts its own server
// (scripts/pg-temp.mjs). The store and the floor are client processes of their own, taking turns
// in rounds, each round in a new database; a ratio is of wall-clock rates within a round (the work
// is the server's), ranged over the rounds (one process for both measured 0.32, apart 0.24-0.25).
// Env: SIDETONE_BENCH_PG_ROUNDS (default 6). Build first:
//   npx tsc -p tsconfig.build.json && node bench/postgres.bench.mjs
// Env: SIDETONE_BENCH_PG_CALLS (default 100000). Writes bench/results/postgres.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { dashboard } from '../dist/analytics/index.js';
import { openPostgresCallStore } from '../dist/store/postgres/store.js';
import { startPostgres } from '../scripts/pg-temp.mjs';
import { childResult, load1, reply } from './proc.mjs';

const N = Number(process.env.SIDETONE_BENCH_PG_CALLS ?? 100_000);
const BATCH = 5000;
const ROUNDS = Number(process.env.SIDETONE_BENCH_PG_ROUNDS ?? 6);
const DAY = 86_400_000;
const END = Date.UTC(2024, 5, 30);
const privacy = { hashKey: 'bench-hash-key-0123456789abcdef', storeRaw: false };

/** Call `i`: started, ringing, then answered and ended (200), or ended busy (486) one in four. */
function updates(i) {
  const callId = `pg-${i.toString(36)}`;
  const at = END - 7 * DAY + Math.floor((i / N) * 7 * DAY);
  const out = [
    {
      kind: 'started',
      callId,
      at,
      direction: i & 1 ? 'inbound' : 'outbound',
      channel: 'sip',
      trunk: `trunk-${i % 4}`,
      to: `+4420${String(i % 2000).padStart(7, '0')}`,
    },
    { kind: 'ringing', callId, at: at + 800 },
  ];
  if (i % 4 === 0) out.push({ kind: 'ended', callId, at: at + 5000, sipCode: 486 });
  else
    out.push(
      { kind: 'answered', callId, at: at + 4000 },
      { kind: 'ended', callId, at: at + 90_000, sipCode: 200, hangupBy: 'caller' },
    );
  return out;
}

/** Child mode: write every update with one writer into the database at `url`; updates/s (wall). */
async function ingest(kind, url) {
  const all = [];
  for (let i = 0; i < N; i++) all.push(...updates(i));
  if (kind === 'store') {
    const store = await openPostgresCallStore({ url, privacy, instance: 'bench' });
    const t0 = performance.now();
    for (let i = 0; i < all.length; i += BATCH) await store.applyBatch(all.slice(i, i + BATCH));
    const rate = all.length / ((performance.now() - t0) / 1000);
    await store.close();
    return { updates: all.length, rate };
  }
  // Floor: the same updates as plain rows, one multi-row statement per batch, same transaction size.
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query('CREATE TABLE raw_updates (call_id text, kind text, at bigint, detail text, code int4)');
  const t0 = performance.now();
  for (let i = 0; i < all.length; i += BATCH) {
    const b = all.slice(i, i + BATCH);
    await c.query('BEGIN');
    await c.query(
      'INSERT INTO raw_updates SELECT * FROM unnest($1::text[], $2::text[], $3::int8[], $4::text[], $5::int4[])',
      [
        b.map((u) => u.callId),
        b.map((u) => u.kind),
        b.map((u) => u.at),
        b.map((u) => u.trunk ?? null),
        b.map((u) => u.sipCode ?? null),
      ],
    );
    await c.query('COMMIT');
  }
  const rate = all.length / ((performance.now() - t0) / 1000);
  await c.end();
  return { updates: all.length, rate };
}

if (process.argv[2] === '--ingest') reply(await ingest(process.argv[3], process.argv[4]));
else await main();

async function main() {
  const server = await startPostgres();
  const results = [];
  const notes = [];
  const rounds = [];
  try {
    // Each round in a database of its own; the store and the floor each a client process of its own.
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    let url;
    for (let k = 0; k < ROUNDS; k++) {
      await admin.query(`CREATE DATABASE bench_${k}`);
      url = server.url.replace(/\/postgres$/, `/bench_${k}`);
      const load = load1();
      const self = fileURLToPath(import.meta.url);
      const store = await childResult(self, ['--ingest', 'store', url], { execArgv: [] });
      const floor = await childResult(self, ['--ingest', 'floor', url], { execArgv: [] });
      rounds.push({
        load,
        store: Math.round(store.rate),
        floor: Math.round(floor.rate),
        share: +(store.rate / floor.rate).toFixed(3),
      });
      console.log(
        `round ${k + 1} (load ${load}): store ${Math.round(store.rate).toLocaleString('en')} updates/s, floor ${Math.round(floor.rate).toLocaleString('en')} rows/s: ${(store.rate / floor.rate).toFixed(2)} of the floor`,
      );
    }
    await admin.end();

    const store = await openPostgresCallStore({ url, privacy, instance: 'bench' });
    const read = async (days) => {
      const times = [];
      for (let k = 0; k < 5; k++) {
        const t = performance.now();
        await dashboard(store, { from: END - days * DAY, to: END });
        times.push(performance.now() - t);
      }
      return times.sort((a, b) => a - b)[2];
    };
    const day = await read(1);
    const week = await read(7);
    await store.close();
    results.push(
      {
        case: `PostgreSQL dashboard for a day over ${N.toLocaleString('en')} calls (median)`,
        impl: 'sidetone',
        ns_per_op: day * 1e6,
      },
      {
        case: `PostgreSQL dashboard for 7 days over ${N.toLocaleString('en')} calls (median)`,
        impl: 'sidetone',
        ns_per_op: week * 1e6,
      },
    );
    notes.push(
      `PostgreSQL 15 store, ${N.toLocaleString('en')} calls: dashboard for one day ${day.toFixed(1)} ms, 7 days ${week.toFixed(1)} ms (median of 5).`,
    );
  } finally {
    await server.stop();
  }
  mkdirSync(new URL('results/', import.meta.url), { recursive: true });
  writeFileSync(
    new URL('results/postgres.json', import.meta.url),
    `${JSON.stringify({ calls: N, batch: BATCH, rounds, results, notes }, null, 2)}\n`,
  );
}
