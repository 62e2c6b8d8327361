/**
 * The merge rules of the upserts (records/upsert-sql.ts, records/call-columns.ts), in SQL that
 * SQLite and PostgreSQL both accept: the stored row aliased `o` (PostgreSQL rejects a bare column
 * in `DO UPDATE SET` as ambiguous with `excluded`), and CASE where SQLite would use its
 * two-argument MIN. Rules commute: times take the earliest report, descriptive fields come from the
 * earliest event that carries them (`pick`), media keeps the worst value seen. Every right-hand
 * side reads the stored row as it was before the statement, so the order of the SETs is free.
 */

/** `col` := the earlier of old and new, either may be null. */
export const minOf = (c: string) =>
  `${c} = CASE WHEN excluded.${c} IS NOT NULL AND (o.${c} IS NULL OR excluded.${c} < o.${c}) THEN excluded.${c} ELSE o.${c} END`;
export const maxOf = (c: string) =>
  `${c} = CASE WHEN excluded.${c} IS NOT NULL AND (o.${c} IS NULL OR excluded.${c} > o.${c}) THEN excluded.${c} ELSE o.${c} END`;
/** `col` := the new value if the new event is earlier (`earlier`), else keep; never overwrite with null. */
export const pick = (c: string, earlier: string) =>
  `${c} = CASE WHEN ${earlier} THEN COALESCE(excluded.${c}, o.${c}) ELSE COALESCE(o.${c}, excluded.${c}) END`;
/**
 * One column (`from_masked`, ...) of a number: the three columns of a number move together, so
 * hash, mask and raw always describe one number.
 */
export const pickNumberColumn = (c: string, earlier: string) => {
  const p = c.slice(0, c.lastIndexOf('_'));
  return (
    `${c} = CASE WHEN o.${p}_hash IS NULL OR (${earlier} AND excluded.${p}_hash IS NOT NULL) ` +
    `THEN excluded.${c} ELSE o.${c} END`
  );
};
/** All three columns of a number (`from`, `to`), in the order hash, masked, raw. */
export const pickNumber = (p: string, earlier: string) =>
  ['hash', 'masked', 'raw'].map((s) => pickNumberColumn(`${p}_${s}`, earlier));
/** The stored row's `first_at` keeps the earliest. */
export const FIRST_AT =
  'first_at = CASE WHEN excluded.first_at < o.first_at THEN excluded.first_at ELSE o.first_at END';
