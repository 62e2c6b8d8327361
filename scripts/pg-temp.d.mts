/** See pg-temp.mjs. */
export declare const PG_BIN: string;
export interface TempPostgres {
  url: string;
  stop(): Promise<void>;
  /** `pg_ctl stop -m MODE`: the data stays, `start()` brings the server back on the same port. */
  halt(mode: 'smart' | 'fast' | 'immediate'): void;
  start(): void;
  /** The postmaster's pid and its children's (backends, checkpointer, ...). */
  pids(): number[];
}
export declare function startPostgres(): Promise<TempPostgres>;
