/**
 * The rollups' migration texts (rollup/sql.ts): SQLite's schema 5 queue filled by row triggers,
 * and PostgreSQL's statement triggers over transition tables.
 */
import { statementTriggers } from '../postgres/triggers.js';
import { changeStatements, sqliteApply } from './changes.js';
import { backfill, type Dialect, GRAINS, inRollup, READ_COLUMNS, SUM_NAMES, tables } from './groups.js';

// --- SQLite schema 5 (as released): a queue filled by row triggers --------------------------------

function sqliteQueue(): string {
  const enqueue = (sign: number, r: 'NEW' | 'OLD') =>
    `INSERT INTO rollup_pending VALUES (${sign}, ${READ_COLUMNS.map((c) => `${r}.${c}`).join(', ')});`;
  const changed = READ_COLUMNS.map((c) => `OLD.${c} IS NOT NEW.${c}`).join(' OR ');
  // A call that ends is added; a finished call that changes is taken out as it was and added as
  // it is; a deleted one is taken out. Active calls are not in the rollups.
  return `
    CREATE TABLE rollup_pending (sgn INTEGER NOT NULL, ${READ_COLUMNS.join(', ')});
    CREATE TRIGGER calls_rollup_insert AFTER INSERT ON calls WHEN ${inRollup('NEW.')} BEGIN
      ${enqueue(1, 'NEW')}
    END;
    CREATE TRIGGER calls_rollup_finish AFTER UPDATE ON calls
      WHEN OLD.status = 'active' AND ${inRollup('NEW.')} BEGIN
      ${enqueue(1, 'NEW')}
    END;
    CREATE TRIGGER calls_rollup_update AFTER UPDATE ON calls WHEN ${inRollup('OLD.')} AND (${changed}) BEGIN
      ${enqueue(-1, 'OLD')}
      ${enqueue(1, 'NEW')}
    END;
    CREATE TRIGGER calls_rollup_delete AFTER DELETE ON calls WHEN ${inRollup('OLD.')} BEGIN
      ${enqueue(-1, 'OLD')}
    END;`;
}

const SQLITE_CHANGES = changeStatements(
  'sqlite',
  '(SELECT * FROM rollup_pending WHERE sgn > 0)',
  '(SELECT * FROM rollup_pending WHERE sgn < 0)',
);

/** Scratch tables for the summed changes of one flush (in memory; each connection makes its own). */
export const SQLITE_SCRATCH = `
  CREATE TEMP TABLE IF NOT EXISTS rollup_delta (${SQLITE_CHANGES.keyColumns.join(', ')}, ${SUM_NAMES.join(', ')}, dur_min, dur_max);
  CREATE TEMP TABLE IF NOT EXISTS duration_delta (${SQLITE_CHANGES.durationColumns.join(', ')}, n);`;

/** Apply schema 5's queued changes, then empty the queue: run in the transaction of every write. */
const SQLITE_APPLY_PENDING: readonly string[] = sqliteApply(SQLITE_CHANGES, ['DELETE FROM rollup_pending']);

/**
 * The rows the rollup migrations built from the records already stored, as the released text
 * ends with them (SQLITE_ROLLUPS, PG_ROLLUPS): the migration runners leave them out and the
 * rollups are built in the background instead (rollup/build.ts; 617 s at open for 1M calls).
 */
export const ROLLUP_ROWS = (d: Dialect) => `\n${backfill(d)}`;

/** The SQLite migration that adds the rollups (tables, queue, triggers, backfill). */
export const SQLITE_ROLLUPS = `${tables('sqlite')}\n${sqliteQueue()}${ROLLUP_ROWS('sqlite')}`;

/**
 * Schema 6: the queue and its triggers go; what a writer left queued is applied first. Marked slots
 * take their place (see above).
 */
export const SQLITE_SLOT_MARKS = `${SQLITE_SCRATCH}
  ${SQLITE_APPLY_PENDING.join(';\n')};
  DROP TRIGGER calls_rollup_insert;
  DROP TRIGGER calls_rollup_finish;
  DROP TRIGGER calls_rollup_update;
  DROP TRIGGER calls_rollup_delete;
  DROP TABLE rollup_pending;
  CREATE TABLE rollup_dirty (t INTEGER PRIMARY KEY);`;

// --- PostgreSQL: statement triggers over transition tables --------------------------------------

function pgTriggers(): string {
  const body = (added: string, removed?: string) => {
    const c = changeStatements('pg', added, removed);
    // One statement per family: the 10-minute deltas once, each grain's upsert a CTE over them.
    const chain = (first: string, up: typeof c.upsert, tables: 'calls' | 'durations') => {
      const [last, ...rest] = [...GRAINS].reverse();
      const ctes = rest.map((g, i) => `g${i} AS (${up(g[tables], g.ms, 'delta')} RETURNING 1)`);
      return `WITH delta AS MATERIALIZED (${first}), ${ctes.join(', ')}
        ${up(last![tables], last!.ms, 'delta')}`;
    };
    return [chain(c.delta, c.upsert, 'calls'), chain(c.durations, c.hupsert, 'durations'), ...c.cleanup].join(
      ';\n',
    );
  };
  const fn = (name: string, added: string, removed?: string) => `
    CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN
      ${body(added, removed)};
      RETURN NULL;
    END $fn$;`;
  // An insert adds, a delete removes: the other side is an empty set of the same shape.
  return `
    ${fn('sidetone_rollup_insert', 'new_rows')}
    ${fn('sidetone_rollup_update', 'new_rows', 'old_rows')}
    ${fn('sidetone_rollup_delete', '(SELECT * FROM old_rows WHERE false)', 'old_rows')}
    ${ROLLUP_TRIGGERS}`;
}

/** The rollup triggers on `calls` (made again when migration 4 partitions the table). */
export const ROLLUP_TRIGGERS = statementTriggers('calls', 'calls_rollup', {
  insert: 'sidetone_rollup_insert',
  update: 'sidetone_rollup_update',
  delete: 'sidetone_rollup_delete',
});

/** The PostgreSQL migration that adds the rollups (tables, triggers, backfill). */
export const PG_ROLLUPS = `${tables('pg')}\n${pgTriggers()}${ROLLUP_ROWS('pg')}`;

/**
 * Every rollup row emptied (records/rederive.ts: the classifier changed); the background build
 * (rollup/build.ts) fills them again from the records.
 */
export const ROLLUP_CLEAR = GRAINS.map((g) => `DELETE FROM ${g.calls};\nDELETE FROM ${g.durations};`).join(
  '\n',
);
