/** See pg-temp.mjs. */
export declare const PG_BIN: string;
export declare function startPostgres(): Promise<{ url: string; stop(): Promise<void> }>;
