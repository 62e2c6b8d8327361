/**
 * The flags the read verbs share. A module of its own, with no imports: a verb's flags are read to
 * parse its command line and print its help before (or without) loading what it runs.
 */

/** The flags every read verb takes to choose and reach its source. */
export const SOURCE_FLAGS = {
  db: {
    type: 'string',
    arg: 'FILE',
    help: 'read this store file (default: store.path of the config, sidetone.db)',
  },
  url: {
    type: 'string',
    arg: 'URL',
    help: 'read from a running `sidetone serve`, e.g. http://127.0.0.1:9464',
  },
  token: { type: 'string', arg: 'TOKEN', help: 'scrape token for --url (default: $SIDETONE_TOKEN)' },
  config: { type: 'string', arg: 'FILE', help: 'config file (TOML/JSON) giving the store path and key' },
  'hash-key': {
    type: 'string',
    arg: 'KEY',
    help: 'store hash key (default: $SIDETONE_STORE_HASH_KEY, config, or the FILE.key `serve` wrote)',
  },
} as const;

export const JSON_FLAG = {
  json: { type: 'boolean', help: 'print JSON (the shape the HTTP API returns) instead of tables' },
} as const;

/** Source flags plus --json: the flags of every table-printing read verb. */
export const READ_FLAGS = { ...SOURCE_FLAGS, ...JSON_FLAG } as const;

/** `--days N | --hours N`: the period of the analytics verbs (the routes' `days`/`hours`). */
export const SPAN_FLAGS = {
  days: {
    type: 'int',
    arg: 'N',
    min: 1,
    max: 366,
    help: 'period: the last N days, 1 unless --hours is given',
  },
  hours: { type: 'int', arg: 'N', min: 1, max: 24 * 366, help: 'period: the last N hours instead' },
} as const;
