/**
 * The PostgreSQL write paths: a batch of call updates as a few set-based statements filed under
 * their day partitions (postgres/partitions.ts), SMS one statement each under their filed day.
 */
import { type EventKeys, PG_EVENT_ID_SQL } from '../event-ids.js';
import { callRounds, type Protect, smsOriginWrite, smsReportWrite } from '../records/writes.js';
import type { CallUpdate, SmsUpdate } from '../types.js';
import type { Db, PgConnection } from './connection.js';
import { type Filing, filing, type KnownDays, type PgRunner } from './days.js';
import { BEGIN_WRITE, dayOf, FILED_DAYS, type KeyFiling } from './partitions.js';
import * as SQL from './statements.js';

/**
 * What a write needs: the connections, the partitions known to exist, the number protector and the
 * statements that file ids (made at open).
 */
export interface WriteContext {
  conn: PgConnection;
  days: KnownDays;
  runner: PgRunner;
  protect: Protect;
  filing: KeyFiling;
}

/** A write by name: node-postgres prepares it once per connection (parse and plan once). */
const write = (db: Db, name: keyof typeof SQL.WRITES, values: unknown[]) =>
  db.query({ name: `sidetone_${name}`, text: SQL.WRITES[name], values });

/**
 * A batch as a few set-based statements: the writer's lock (and a day's partition, should it
 * have gone since `KnownDays.prepare`), the calls' filed days, then one upsert per round (see
 * CALL_BATCH_UPSERT).
 */
async function writeCallRows(
  db: Db,
  w: WriteContext,
  updates: readonly CallUpdate[],
  filing: Filing,
): Promise<void> {
  await db.query({ name: 'sidetone_begin_write', text: BEGIN_WRITE, values: ['calls', filing.days] });
  const filed = new Map(filing.ids.map((id, i) => [id, filing.idDays[i]!]));
  const known = await db.query<{ call_id: string; filed_day: number | null }>({
    name: 'sidetone_call_keys',
    text: w.filing.callKeys,
    values: [filing.ids, filing.idDays],
  });
  const late: string[] = [];
  for (const r of known.rows) {
    if (r.filed_day === null) late.push(r.call_id);
    else filed.set(r.call_id, r.filed_day);
  }
  if (late.length > 0) {
    // Filed by a concurrent batch this one waited for: visible to a new statement.
    const more = await db.query<{ call_id: string; filed_day: number }>(FILED_DAYS, [late]);
    for (const r of more.rows) filed.set(r.call_id, r.filed_day);
  }
  for (const rows of callRounds(w.protect, updates)) {
    // Rows to columns: one array parameter per column, the filed day first.
    const columns = [
      rows.map((r) => filed.get(r[0] as string)),
      ...rows[0]!.map((_, i) => rows.map((r) => r[i])),
    ];
    await db.query({ name: 'sidetone_call_batch', text: SQL.CALL_BATCH_UPSERT, values: columns });
  }
}

/**
 * Keep the keys of the events a batch stored, in its transaction (event-ids.ts), then drop those
 * past the window: by age, then beyond the newest `keep`.
 */
async function writeEventKeys(db: Db, k: EventKeys | undefined): Promise<void> {
  if (k === undefined || k.keys.length === 0) return;
  const q = (name: keyof typeof PG_EVENT_ID_SQL, values: unknown[]) =>
    db.query({ name: `sidetone_${name}`, text: PG_EVENT_ID_SQL[name], values });
  await q('eventIdsPut', [k.keys, k.at]);
  await q('eventIdsAged', [k.since]);
  await q('eventIdsOver', [k.keep]);
}

/** Write a batch of call updates in one transaction, filed (see `filing`), with its events' keys. */
export async function writeCalls(
  w: WriteContext,
  what: string,
  updates: readonly CallUpdate[],
  keys?: EventKeys,
): Promise<void> {
  if (updates.length === 0) {
    await w.conn.transaction(what, (c) => writeEventKeys(c, keys));
    return;
  }
  const f = filing(updates);
  await w.days.prepare(w.runner, 'calls', f.days);
  await w.conn.transaction(what, async (c) => {
    await writeCallRows(c, w, updates, f);
    await writeEventKeys(c, keys);
  });
}

/** The keys kept at or after `since`, with their times. */
export async function eventKeysSince(
  w: WriteContext,
  since: number,
): Promise<Array<{ key: string; at: number }>> {
  const r = await w.conn.query<{ key: string; at: number }>('storedEventIds', PG_EVENT_ID_SQL.eventIdsSince, [
    since,
  ]);
  return r.rows;
}

/** Write SMS updates in one transaction, after the partitions of the days they may file under. */
export async function writeSmsBatch(
  w: WriteContext,
  what: string,
  updates: readonly SmsUpdate[],
  keys?: EventKeys,
): Promise<void> {
  if (updates.length === 0) {
    await w.conn.transaction(what, (c) => writeEventKeys(c, keys));
    return;
  }
  const days = updates.map((u) => dayOf(Math.trunc(u.at)));
  await w.days.prepare(w.runner, 'sms', days);
  await w.conn.transaction(what, async (c) => {
    // The SMS writer's lock and the partitions of the days these updates may file new ids under.
    await c.query({ name: 'sidetone_begin_write', text: BEGIN_WRITE, values: ['sms', [...new Set(days)]] });
    for (const u of updates) await writeSms(c, w, u);
    await writeEventKeys(c, keys);
  });
}

async function writeSms(db: Db, w: WriteContext, u: SmsUpdate): Promise<void> {
  const file = (id: string) =>
    db.query({
      name: 'sidetone_sms_key',
      text: w.filing.smsKey,
      values: [id, dayOf(Math.trunc(u.at))],
    });
  if (u.kind === 'received' || u.kind === 'sent') {
    const [name, values] = smsOriginWrite(w.protect, u);
    await file(u.messageId);
    await write(db, name, values);
    return;
  }
  // Filed under the submission it matches (reference on its gateway), else under its own id.
  const matched =
    u.match === undefined
      ? undefined
      : (
          await db.query<{ message_id: string }>(SQL.SMS_PENDING_BY_REFERENCE, [
            u.match.gateway ?? null,
            u.match.reference,
            Math.trunc(u.at),
          ])
        ).rows[0]?.message_id;
  await file(matched ?? u.messageId);
  await write(db, 'smsReport', smsReportWrite(u, matched ?? u.messageId));
}
