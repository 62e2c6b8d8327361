/**
 * A store built with an older call classifier brought to the current one. A call's status, reason
 * and KPI bits are generated columns whose expressions are fixed when the table is built, and the
 * rollups hold what they gave: a new classifier row would otherwise change `/metrics` and new store
 * files while existing ones kept the old derivation for good. `sidetone_meta` records the
 * classifier revision a store was built with (no row: revision 1, what the released migrations
 * build); on open, after the migrations and in the same transaction, a store at an older revision
 * gets those columns rebuilt from the current classifier SQL and its rollups emptied, to be built
 * again from its records in the background (rollup/build.ts). A store at a newer revision is refused, as a newer schema is.
 */
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { CLASSIFIER_REVISION } from '../../domain/outcome/table.js';
import { StoreError } from '../../errors.js';
import { startPgRollupBuild } from '../postgres/rollup-build.js';
import { ROLLUP_CLEAR } from '../rollup/sql.js';
import { callsTable } from '../sqlite/migrations.js';
import { startRollupBuild } from '../sqlite/rollup-build.js';
import { type ClassifierSql, pgStatus } from './classifier-r1.js';
import { kpiFlagsSql, reasonSql, statusSql } from './derive.js';

/** The `sidetone_meta` key holding the classifier revision the store's derived columns follow. */
export const CLASSIFIER_KEY = 'classifier_revision';

const current = (): ClassifierSql => ({ reason: reasonSql(), status: statusSql(), kpi: kpiFlagsSql() });

/** The revision a store is at, or throws StoreError `ST_STORE_SCHEMA_TOO_NEW` for a newer one. */
function revisionOf(value: string | undefined, store: string): number {
  const got = value === undefined ? 1 : Number(value);
  if (got > CLASSIFIER_REVISION) {
    throw new StoreError(
      'ST_STORE_SCHEMA_TOO_NEW',
      `call store ${store} was classified by call classifier revision ${got}, but this sidetone knows up ` +
        `to ${CLASSIFIER_REVISION}; upgrade sidetone, or point the store at another file or schema`,
    );
  }
  return got;
}

/** The columns a classifier change rebuilds (PostgreSQL indexes on them are made again). */
const DERIVED = /\b(reason_eff|status|kpi)\b/;

interface Column {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  hidden: number;
}

/**
 * SQLite: bring `db` (migrated) to the current classifier revision. SQLite cannot alter a
 * generated column, so the calls table is built again (as migration 3 did) with the columns later
 * migrations added, its facts copied, its indexes made again; the rollups and their queues are
 * rebuilt from the records. Call ids keep their row ids.
 */
export function rederiveSqlite(db: Database.Database, file: string): void {
  const meta = db.prepare('SELECT value FROM sidetone_meta WHERE key = ?').pluck().get(CLASSIFIER_KEY);
  if (revisionOf(meta as string | undefined, JSON.stringify(file)) === CLASSIFIER_REVISION) return;
  db.transaction(() => {
    const columns = (t: string) => db.pragma(`table_xinfo(${t})`) as Column[];
    const indexes = db
      .prepare(
        "SELECT sql FROM sqlite_master WHERE tbl_name = 'calls' AND type <> 'table' AND sql IS NOT NULL",
      )
      .pluck()
      .all() as string[];
    db.exec(`${callsTable('calls_next', current())}
      DROP INDEX calls_next_first_at;
      DROP INDEX calls_next_status_first_at;`);
    const built = new Set(columns('calls_next').map((c) => c.name));
    const facts = columns('calls').filter((c) => c.hidden === 0);
    for (const c of facts.filter((c) => !built.has(c.name))) {
      const dflt = c.dflt_value === null ? '' : ` DEFAULT ${c.dflt_value}`;
      db.exec(`ALTER TABLE calls_next ADD COLUMN ${c.name} ${c.type}${dflt}${c.notnull ? ' NOT NULL' : ''}`);
    }
    const list = facts.map((c) => c.name).join(', ');
    db.exec(`INSERT INTO calls_next (${list}) SELECT ${list} FROM calls;
      DROP TABLE calls;
      ALTER TABLE calls_next RENAME TO calls;
      ${indexes.join(';\n')};
      DELETE FROM rollup_add;
      DELETE FROM rollup_remove;
      DELETE FROM rollup_dirty;
      ${ROLLUP_CLEAR}`);
    // Filled again from the records in the background (rollup/build.ts), not here at open.
    startRollupBuild(db);
    db.prepare('INSERT OR REPLACE INTO sidetone_meta (key, value) VALUES (?, ?)').run(
      CLASSIFIER_KEY,
      String(CLASSIFIER_REVISION),
    );
  })();
}

/**
 * PostgreSQL: the same, run by the migrator inside its transaction and advisory lock. The derived
 * columns are dropped and added again with the current expressions (PostgreSQL 15 has no ALTER
 * COLUMN ... SET EXPRESSION), which rewrites every partition; the indexes on them are made again
 * across the partitions.
 */
export async function rederivePostgres(
  q: (text: string, values?: unknown[]) => Promise<pg.QueryResult>,
  store: string,
): Promise<void> {
  const meta = await q('SELECT value FROM sidetone_meta WHERE key = $1', [CLASSIFIER_KEY]);
  const value = (meta.rows[0] as { value: string } | undefined)?.value;
  if (revisionOf(value, store) === CLASSIFIER_REVISION) return;
  const indexes = (
    await q("SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'calls'")
  ).rows
    .map((r) => (r as { indexdef: string }).indexdef.replace(' ON ONLY ', ' ON '))
    .filter((def) => DERIVED.test(def.slice(def.indexOf('('))));
  const c = current();
  await q('ALTER TABLE calls DROP COLUMN status, DROP COLUMN kpi, DROP COLUMN reason_eff');
  await q(`ALTER TABLE calls ADD COLUMN reason_eff TEXT GENERATED ALWAYS AS ${c.reason} STORED,
    ADD COLUMN status TEXT GENERATED ALWAYS AS ${pgStatus(c)} STORED,
    ADD COLUMN kpi INTEGER GENERATED ALWAYS AS ${c.kpi} STORED`);
  for (const def of indexes) await q(def);
  await q(ROLLUP_CLEAR);
  await startPgRollupBuild(q);
  await q(
    'INSERT INTO sidetone_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    [CLASSIFIER_KEY, String(CLASSIFIER_REVISION)],
  );
}
