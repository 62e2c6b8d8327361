/**
 * Rollups: 10-minute, hourly and daily aggregates of finished calls that equal the records for
 * every read (insert, late update, zombie cleanup, retention). A rollup row is one group of the
 * dashboard's own grouping (status, KPI bits, direction, channel, trunk, failure reason; plus the
 * instance in PostgreSQL) with the sums analytics folds; a duration histogram beside it gives
 * percentiles. Reads take whole days, hours and 10-minute slots from here and only the minutes at
 * the edges (and calls still active) from the records.
 *
 * PostgreSQL applies a batch's changes set-based in the batch's transaction: statement triggers
 * see its rows in transition tables. SQLite marks the slots a batch touches in its transaction and
 * rebuilds marked slots from the records at least once a second and before every rollup read
 * (see the SQLite section below).
 *
 * One definition of a call's contribution below builds the tables, the change statements of both
 * backends, the backfill of existing records and the record side of reads.
 */

export {
  pgRebuild,
  ROLLUP_PRUNE,
  SQLITE_APPLY_QUEUE,
  SQLITE_CHANGE_QUEUE,
  SQLITE_DIRTY,
  SQLITE_QUEUE,
  SQLITE_REBUILD,
} from './changes.js';
export {
  bucketBounds,
  DAY_MS,
  type Dialect,
  GRAINS,
  HISTOGRAM_ERROR,
  HOUR_MS,
  TEN_MIN_MS,
} from './groups.js';
export {
  OVERVIEW_COLUMNS,
  PG_READ_INDEXES,
  positional,
  type RowChoice,
  rollupReads,
  SQLITE_READ_INDEXES,
} from './reads.js';
export {
  PG_ROLLUPS,
  ROLLUP_CLEAR,
  ROLLUP_ROWS,
  ROLLUP_TRIGGERS,
  SQLITE_ROLLUPS,
  SQLITE_SCRATCH,
  SQLITE_SLOT_MARKS,
} from './schema.js';
