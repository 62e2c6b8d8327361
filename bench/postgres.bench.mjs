// PostgreSQL store benchmark: ingest through applyBatch (the set-based batched upserts) against
// the floor of raw INSERTs of the same updates (one unnest statement per batch into a plain table,
// no upsert, no derived columns), and the dashboard read over the result. Starts its own server
// (scripts/pg-temp.mjs). Build first:
//   npx tsc -p tsconfig.build.json && node bench/postgres.bench.mjs
// Env: SIDETONE_BENCH_PG_CALLS (default 100000). Writes bench/results/postgres.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { dashboard } from '../dist/analytics/index.js';
import { openPostgresCallStore } from '../dist/store/postgres.js';
import { startPostgres } from '../scripts/pg-temp.mjs';

const N = Number(process.env.SIDETONE_BENCH_PG_CALLS ?? 100_000);
const BATCH = 5000;
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

const server = await startPostgres();
const results = [];
const notes = [];
try {
  const all = [];
  for (let i = 0; i < N; i++) all.push(...updates(i));
  const store = await openPostgresCallStore({ url: server.url, privacy, instance: 'bench' });
  let t0 = performance.now();
  for (let i = 0; i < all.length; i += BATCH) await store.applyBatch(all.slice(i, i + BATCH));
  const storeRate = all.length / ((performance.now() - t0) / 1000);

  // Floor: the same updates as plain rows, one multi-row statement per batch, same transaction size.
  const c = new pg.Client({ connectionString: server.url });
  await c.connect();
  await c.query('CREATE TABLE raw_updates (call_id text, kind text, at bigint, detail text, code int4)');
  t0 = performance.now();
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
  const floorRate = all.length / ((performance.now() - t0) / 1000);
  await c.end();

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
      case: 'PostgreSQL store ingest, per update (applyBatch, batches of 5000)',
      impl: 'sidetone',
      ns_per_op: 1e9 / storeRate,
    },
    {
      case: 'PostgreSQL store ingest, per update (applyBatch, batches of 5000)',
      impl: 'floor',
      ns_per_op: 1e9 / floorRate,
    },
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
    `PostgreSQL 15 store: ${all.length.toLocaleString('en')} updates (${N.toLocaleString('en')} calls) at ${Math.round(storeRate).toLocaleString('en')} updates/s through applyBatch; raw INSERTs of the same updates (no upsert, no derived columns) ${Math.round(floorRate).toLocaleString('en')} rows/s, so the store runs at ${(storeRate / floorRate).toFixed(2)} of the floor; dashboard for one day ${day.toFixed(1)} ms, 7 days ${week.toFixed(1)} ms (median of 5).`,
  );
  console.log(notes.join('\n'));
} finally {
  await server.stop();
}
mkdirSync(new URL('results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('results/postgres.json', import.meta.url),
  `${JSON.stringify({ results, notes }, null, 2)}\n`,
);
