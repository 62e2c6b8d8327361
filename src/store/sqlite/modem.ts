/** The modem history's statements on a SQLite store (the SQL is modem-samples.ts's). */
import type Database from 'better-sqlite3';
import {
  type ModemSample,
  SQLITE_DELETE_SAMPLES,
  SQLITE_INSERT_SAMPLE,
  SQLITE_MODEM_HISTORY,
} from '../modem-samples.js';

export interface SqliteModem {
  /** Samples written in one transaction: how many were new. */
  insert: (ss: readonly ModemSample[]) => number;
  history: Database.Statement;
  prune: Database.Statement;
}

/** Prepare the modem history's statements on `db`. */
export function sqliteModem(db: Database.Database): SqliteModem {
  const insert = db.prepare(SQLITE_INSERT_SAMPLE);
  const b = (v: boolean | null) => (v === null ? null : v ? 1 : 0);
  return {
    insert: db.transaction((ss: readonly ModemSample[]) => {
      let n = 0;
      for (const x of ss)
        n += insert.run(
          x.modem,
          x.at,
          b(x.connected),
          b(x.registered),
          x.signalDbm,
          x.rsrpDbm,
          x.reconnects,
          x.flapping ? 1 : 0,
        ).changes;
      return n;
    }),
    history: db.prepare(SQLITE_MODEM_HISTORY),
    prune: db.prepare(SQLITE_DELETE_SAMPLES),
  };
}
