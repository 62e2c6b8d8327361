/**
 * The call column table (src/store/records/call-columns.ts) against the schema the migrations
 * build, in both backends: released migrations are frozen text, so the table is what follows them,
 * and this is where it would drift. Each backend's `calls` has exactly the table's columns (less
 * PostgreSQL's own where SQLite lacks them), each of the declared SQL type, generated exactly where
 * the table says the schema fills it. And what is derived from the table reaches every column.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { EXPORT_COLUMNS } from '../../src/analytics/export.js';
import { openPostgresCallStore } from '../../src/store/postgres/store.js';
import { CALL_COLUMNS, SQL_TYPES } from '../../src/store/records/call-columns.js';
import { CALL_COLUMN_LIST } from '../../src/store/records/call-rows.js';
import {
  CALL_UPSERTS,
  COMBINED_CALL,
  INDEXED_KINDS,
  UPSERT_CALL_COMBINED,
  UPSERT_CALL_NARROWED,
} from '../../src/store/records/upsert-sql.js';
import { callRounds, holdsIndexedKind } from '../../src/store/records/writes.js';
import { applyMigrations, LATEST_VERSION } from '../../src/store/sqlite/migrations.js';
import type { CallUpdate } from '../../src/store/types.js';
import { dropSchema, freshSchema, postgresForFile } from '../helpers/postgres.js';
import { KEY } from './contract.js';

const server = postgresForFile();

/** name -> [SQL type, generated] as the table declares them for a backend. */
const declared = (backend: 'sqlite' | 'pg') =>
  Object.fromEntries(
    CALL_COLUMNS.filter((c) => backend === 'pg' || c.pgOnly !== true).map((c) => [
      c.name,
      [SQL_TYPES[c.type][backend], c.fill === 'generated'],
    ]),
  );

describe('the call column table and the migrated schema', () => {
  it('SQLite: the columns of `calls`, their declared types and which are generated', () => {
    const db = new Database(':memory:');
    try {
      applyMigrations(db, 0, LATEST_VERSION);
      // table_xinfo: `hidden` 2 or 3 for a generated column (virtual, stored).
      const rows = db.prepare('PRAGMA table_xinfo(calls)').all() as {
        name: string;
        type: string;
        hidden: number;
      }[];
      const actual = Object.fromEntries(
        rows.map((r) => [r.name, [r.type, r.hidden === 2 || r.hidden === 3]]),
      );
      expect(actual).toEqual(declared('sqlite'));
    } finally {
      db.close();
    }
  });

  it('PostgreSQL: the columns of `calls`, their types and which are generated', async () => {
    const schema = freshSchema();
    const store = await openPostgresCallStore({
      url: server.url,
      schema,
      privacy: { hashKey: KEY, storeRaw: true },
    });
    await store.close();
    const c = new pg.Client({ connectionString: server.url });
    await c.connect();
    try {
      const { rows } = await c.query<{ column_name: string; data_type: string; is_generated: string }>(
        `SELECT column_name, data_type, is_generated FROM information_schema.columns
         WHERE table_schema = $1 AND table_name = 'calls'`,
        [schema],
      );
      const actual = Object.fromEntries(
        rows.map((r) => [r.column_name, [r.data_type, r.is_generated === 'ALWAYS']]),
      );
      expect(actual).toEqual(declared('pg'));
    } finally {
      await c.end();
      await dropSchema(server.url, schema);
    }
  });

  it('derives the reads, the upserts and the export from it, each column once', () => {
    const written = CALL_COLUMNS.filter((c) => typeof c.fill === 'object').map((c) => c.name);
    // Every column an update fills is in exactly one kind's upsert, and the combined one has them all.
    const perKind = Object.values(CALL_UPSERTS).flatMap((u) => u.columns);
    expect([...perKind].sort()).toEqual([...written].sort());
    expect(COMBINED_CALL.columns).toEqual(['call_id', 'first_at', ...perKind]);
    expect(new Set(COMBINED_CALL.columns).size).toBe(COMBINED_CALL.columns.length);
    // The reads select each read column once, in table order.
    expect(CALL_COLUMN_LIST).toEqual(CALL_COLUMNS.filter((c) => c.read !== undefined).map((c) => c.name));
    // The export: the table's names in table order, then the voice-skill guide's five.
    expect(EXPORT_COLUMNS.slice(0, -5)).toEqual(CALL_COLUMNS.flatMap((c) => c.export ?? []));
    expect(new Set(EXPORT_COLUMNS).size).toBe(EXPORT_COLUMNS.length);
  });

  it("SQLite's narrowed upserts leave out exactly what the indexes of calls read, and the rows tell which to run", () => {
    const db = new Database(':memory:');
    try {
      applyMigrations(db, 0, LATEST_VERSION);
      // The columns the indexes of calls read, with every column a generated one among them is
      // computed from (status from reason_eff, and so on), from the migrated schema itself.
      const indexes = db.prepare("SELECT name FROM pragma_index_list('calls')").pluck().all() as string[];
      const read = new Set(
        indexes.flatMap(
          (i) =>
            db
              .prepare('SELECT name FROM pragma_index_xinfo(?) WHERE key = 1 AND name IS NOT NULL')
              .pluck()
              .all(i) as string[],
        ),
      );
      const table = db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'calls'").pluck().get() as string;
      const columns = db.prepare("SELECT name FROM pragma_table_xinfo('calls')").pluck().all() as string[];
      const generated = new Map<string, string>();
      for (const c of columns) {
        const at = table.search(new RegExp(`\\b${c} [A-Z]+ GENERATED ALWAYS AS`));
        if (at >= 0) generated.set(c, table.slice(at, table.indexOf(' STORED', at)));
      }
      for (let grew = true; grew; ) {
        grew = false;
        for (const [c, expr] of generated) {
          if (!read.has(c)) continue;
          for (const d of columns) {
            if (d !== c && !read.has(d) && new RegExp(`\\b${d}\\b`).test(expr)) {
              read.add(d);
              grew = true;
            }
          }
        }
      }
      expect([...read]).toEqual(
        expect.arrayContaining([
          'first_at',
          'status',
          'answered_at',
          'ended_at',
          'reason',
          'q850',
          'hangup_by',
          'end_to_end_id',
        ]),
      );
      const assigned = (sql: string) =>
        sql
          .slice(sql.indexOf('DO UPDATE SET ') + 14)
          .split(/, (?=[a-z0-9_]+ = )/)
          .map((set) => set.slice(0, set.indexOf(' = ')));
      const written = (kinds: readonly string[]) =>
        Object.entries(CALL_UPSERTS)
          .filter(([k]) => kinds.includes(k))
          .flatMap(([, u]) => [...u.columns, ...u.sets.map((set) => set.slice(0, set.indexOf(' = ')))]);
      // The kinds left out write every indexed column the others do not.
      const others = Object.keys(CALL_UPSERTS).filter(
        (k) => !(INDEXED_KINDS as readonly string[]).includes(k),
      );
      expect(written(others).filter((c) => read.has(c))).toEqual([]);
      expect(written(INDEXED_KINDS).filter((c) => read.has(c)).length).toBeGreaterThan(0);
      expect(UPSERT_CALL_NARROWED[0]).toBe(UPSERT_CALL_COMBINED);
      const full = assigned(UPSERT_CALL_COMBINED);
      expect(assigned(UPSERT_CALL_NARROWED[1])).toEqual(full.filter((c) => c !== 'first_at'));
      expect(assigned(UPSERT_CALL_NARROWED[2])).toEqual(
        full.filter((c) => c === 'first_at' || !written(INDEXED_KINDS).includes(c)),
      );
      expect(assigned(UPSERT_CALL_NARROWED[3]).filter((c) => read.has(c))).toEqual([]);
      for (const sql of UPSERT_CALL_NARROWED) db.prepare(sql); // each runs against the schema

      // A row holds an indexed kind exactly when one of its updates is of one.
      const at = 1_700_000_000_000;
      const one: Record<string, CallUpdate> = {
        started: { kind: 'started', callId: 'c', at, direction: 'inbound', channel: 'sip' },
        ringing: { kind: 'ringing', callId: 'c', at },
        answered: { kind: 'answered', callId: 'c', at },
        ended: { kind: 'ended', callId: 'c', at },
        transcript: { kind: 'transcript', callId: 'c', at },
        media: { kind: 'media', callId: 'c', at, mos: 4, jitterMs: 1, lossPercent: 0 },
        agent: {
          kind: 'agent',
          callId: 'c',
          at,
          turns: 1,
          silenceP50Ms: 1,
          silenceP95Ms: 1,
          interruptions: 0,
          deadAir: 0,
          agentTalkMs: 1,
          callerTalkMs: 1,
        },
        flow: { kind: 'flow', callId: 'c', at, sipFlow: '[]' },
        amd: { kind: 'amd', callId: 'c', at, category: 'human' },
        cost: {
          kind: 'cost',
          callId: 'c',
          at,
          currency: 'USD',
          llm: 0,
          stt: 0,
          tts: 0,
          reports: 1,
          unpriced: 0,
        },
      };
      const kinds = Object.keys(one);
      for (const k of kinds) {
        const row = callRounds(() => null, [one[k]!])[0]![0]!;
        expect(holdsIndexedKind(row), k).toBe((INDEXED_KINDS as readonly string[]).includes(k));
      }
    } finally {
      db.close();
    }
  });
});
