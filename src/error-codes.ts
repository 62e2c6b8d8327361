/**
 * Every error code sidetone uses, in one catalogue: its kind (which decides the error class that
 * may carry it), the HTTP status it answers with when it reaches a route, and one line for the
 * docs (docs/errors.md is generated from this table; a test keeps them equal). A code not listed
 * here does not compile: constructors and `errorResponse` take `ErrorCode`, not `string`.
 */

/** Which class carries a code; one class per kind (see src/errors.ts). */
export type ErrorKind =
  | 'definition'
  | 'label_policy'
  | 'validation'
  | 'config'
  | 'store'
  | 'request'
  | 'source'
  | 'cli'
  | 'internal';

interface CodeInfo {
  readonly kind: ErrorKind;
  /** What an HTTP route answers when this error reaches it. */
  readonly status: number;
  readonly doc: string;
}

const def = (doc: string) => ({ kind: 'definition', status: 500, doc }) as const;
const bad = (doc: string) => ({ kind: 'validation', status: 400, doc }) as const;
const req = (status: number, doc: string) => ({ kind: 'request', status, doc }) as const;

export const ERROR_CODES = {
  // Definition time: a metric, label, route or check declared wrongly. Thrown, fixed in code.
  ST_INVALID_METRIC_NAME: def('A metric name breaks the Prometheus name rules.'),
  ST_RESERVED_METRIC_NAME: def('A metric name starts with `__`, which Prometheus reserves.'),
  ST_INVALID_LABEL_NAME: def('A label name breaks the Prometheus label rules.'),
  ST_RESERVED_LABEL_NAME: def(
    'A label name starts with `__` or is reserved for its type (`le`, `quantile`).',
  ),
  ST_DUPLICATE_LABEL_NAME: def('A label is declared twice on one metric.'),
  ST_INVALID_UNIT: def('An OpenMetrics unit that is not a base-unit word.'),
  ST_UNIT_SUFFIX: def('A metric declares a unit its name does not end with.'),
  ST_MISSING_HELP: def('A metric without a help string, or with one of only spaces.'),
  ST_DEFINITION_PII: def('A metric name, help, enum or info value that looks like PII.'),
  ST_DUPLICATE_METRIC: def('A metric name registered twice with different shapes.'),
  ST_METRIC_NAME_CLASH: def('Two metrics would expose the same sample name (`x` and `x_total`).'),
  ST_ENUM_UNKNOWN_LABEL: def('Allowed values declared for a label the metric does not have.'),
  ST_INVALID_ENUM: def('An allowed label value that is not a string.'),
  ST_INVALID_BUCKETS: def('Histogram buckets that are empty, not finite or not increasing.'),
  ST_INVALID_PERCENTILE: def('A summary quantile outside (0, 1].'),
  ST_INVALID_INFO: def('An info value that is not a string, or a second info() with other values.'),
  ST_INVALID_OPTION: def('An option given to a constructor or function is out of range.'),
  ST_NOT_IN_CATALOGUE: def('A pack asked for a metric the metric catalogue does not list.'),
  ST_DUPLICATE_CHECK: def('A health check name registered twice.'),
  ST_INVALID_CHECK_NAME: def('A health check name that is not a lower-case word.'),
  ST_PULL_CHECK_REPORT: def('report() called on a check that has a check function (it pulls).'),
  ST_DUPLICATE_ROUTE: def('An HTTP route registered twice.'),
  ST_INVALID_ROUTE_PATH: def('A route path that is not `/segment/segment`.'),
  ST_INVALID_METHOD: def('An HTTP method that is not upper-case.'),
  ST_INVALID_HANDLER: def('A route without a handler function.'),
  ST_INVALID_AUTH_KIND: def('A route auth kind other than scrape, ingest, admin or none.'),
  ST_ROUTE_AUTH: def('Two overlapping routes with different auth.'),
  ST_INVALID_REALM: def('An auth realm that is not a lower-case word.'),

  // Label policy: thrown only in strict mode; otherwise mapped to `other`/`redacted` and counted.
  ST_LABEL_PII: { kind: 'label_policy', status: 500, doc: 'A label value that looks like PII.' },
  ST_LABEL_REJECTED: {
    kind: 'label_policy',
    status: 500,
    doc: 'A label value outside its enum or too long.',
  },
  ST_UNKNOWN_LABEL: { kind: 'label_policy', status: 500, doc: 'A label key the metric does not declare.' },
  ST_SERIES_CAP: { kind: 'label_policy', status: 500, doc: 'A metric reached its series cap.' },
  ST_SAMPLE_DROPPED: {
    kind: 'label_policy',
    status: 500,
    doc: 'An invalid sample (NaN, negative increment, not a number).',
  },

  // Validation: input at an edge (an event, a query, a store update, a library argument).
  ST_INVALID_EVENT: bad('An event that does not match its schema; `issues` name the field paths.'),
  ST_INVALID_QUERY: bad('An analytics query parameter that is missing or malformed.'),
  ST_ANALYTICS_INVALID_RANGE: bad('An analytics range whose `from`/`to` are not a valid period.'),
  ST_ANALYTICS_INVALID_FORMAT: bad('An export format other than csv or json.'),
  ST_ANALYTICS_INVALID_LIMIT: bad('A failures limit outside 1..1000.'),
  ST_ANALYTICS_INVALID_STATUS: bad('A failure status filter that is not a failure status.'),
  ST_ANALYTICS_INVALID_WINDOW: bad('A series window (hours, days) out of range.'),
  ST_ANALYTICS_TOO_MANY_BUCKETS: bad('A series over a range with too many buckets.'),
  ST_ANALYTICS_INVALID_HEALTH_OPTION: bad('A health-indicator option that is not a positive number.'),
  ST_STORE_INVALID_UPDATE: bad('A call or SMS update the store cannot keep; the message names the field.'),
  ST_STORE_INVALID_RANGE: bad('A store query whose `from`/`to` are not a valid period.'),
  ST_STORE_INVALID_BUCKET: bad('A series bucket other than hour or day.'),
  ST_STORE_INVALID_PERCENTILE: bad('A duration percentile outside 0..1.'),
  ST_STORE_INVALID_RETENTION: bad('Retention days or batch size out of range.'),
  ST_STORE_INVALID_MAX_ACTIVE: bad('A zombie-call age that is not a positive number.'),
  ST_STORE_INVALID_INTERVAL: bad('A maintenance interval under 10 ms.'),
  ST_STORE_INVALID_SLICE: bad(
    'A slice of the background rollup build (`rollupSliceRecords`) that is not a whole number of records, at least 1.',
  ),
  ST_STORE_HASH_KEY: bad('A store hash key shorter than the minimum.'),
  ST_STORE_STORE_RAW: bad('A store `storeRaw` setting that is not true or false.'),
  ST_STORE_PATH: bad('A store path that is not a file path.'),
  ST_HEP_INVALID_ADDRESS: bad('A HEP listen address that is not udp://HOST:PORT or tcp://HOST:PORT.'),
  ST_HEP_INVALID_TRUNK: bad('A HEP trunk rule with an address that is not an IP or CIDR.'),

  // Configuration: a file, environment variable or flag that cannot be used.
  ST_CONFIG_INVALID: {
    kind: 'config',
    status: 500,
    doc: 'Configuration keys with bad values, one line per key.',
  },
  ST_CONFIG_FILE: {
    kind: 'config',
    status: 500,
    doc: 'A config or secret file that cannot be read or has the wrong type.',
  },
  ST_CONFIG_PARSE: { kind: 'config', status: 500, doc: 'A config file that is not valid TOML or JSON.' },
  ST_CONFIG_FLAG: { kind: 'config', status: 500, doc: 'A `--no-` flag on a key that is not true/false.' },
  ST_MISSING_PART: {
    kind: 'config',
    status: 500,
    doc: 'A feature turned on whose package is not installed (serialport for a modem, pg for a PostgreSQL store, the OTLP exporters, the Grafana SDK); the message names the package to add (`npm i serialport`).',
  },
  ST_INVALID_CREDENTIALS: {
    kind: 'config',
    status: 500,
    doc: 'A configured bearer token that is empty or has whitespace.',
  },

  // Store: the database failed or was misused. Ingest answers 503 so the sender retries.
  ST_STORE_UNAVAILABLE: {
    kind: 'store',
    status: 503,
    doc: 'The store could not take the batch (database down, hung past its timeout, or locked); retry after `Retry-After`.',
  },
  ST_STORE_FULL: { kind: 'store', status: 507, doc: 'The disk under the store is full.' },
  ST_CLUSTER_UNAVAILABLE: {
    kind: 'store',
    status: 503,
    doc: 'A cluster member (`[cluster] nats_url`) could not have JetStream store the batch, or reach NATS at start; retry after `Retry-After`.',
  },
  ST_STORE_REFUSED: {
    kind: 'store',
    status: 422,
    doc: 'The database refused one item (a value it cannot keep): the item is dead-lettered and counted, never retried.',
  },
  ST_STORE_BACKLOG: {
    kind: 'store',
    status: 503,
    doc: 'The queue of updates waiting for the store is full (the store is slow or down); retry after `Retry-After`.',
  },
  ST_STORE_CLOSED: { kind: 'store', status: 503, doc: 'The store was used after close().' },
  ST_STORE_SQLITE: { kind: 'store', status: 503, doc: 'SQLite failed to open or migrate the file.' },
  ST_STORE_POSTGRES: {
    kind: 'store',
    status: 503,
    doc: 'PostgreSQL refused a connection, a migration or a statement; the message says which.',
  },
  ST_STORE_URL: bad('A store URL that is not a postgres:// URL or a file path.'),
  ST_STORE_NO_WAL: { kind: 'store', status: 503, doc: 'SQLite could not switch the file to WAL mode.' },
  ST_STORE_SCHEMA_TOO_NEW: {
    kind: 'store',
    status: 503,
    doc: 'The file was written by a newer sidetone; upgrade.',
  },

  // Request: answers of the HTTP edge (thrown only inside it, by the request reader).
  ST_BAD_REQUEST: req(400, 'A request that could not be read.'),
  ST_INVALID_JSON: req(400, 'A body that is not JSON or NDJSON.'),
  ST_UNAUTHORIZED: req(401, 'A missing or wrong bearer token.'),
  ST_FORBIDDEN: req(403, 'A valid token whose scope does not cover the route (a scrape token on cleanup).'),
  ST_NOT_FOUND: req(404, 'No such route.'),
  ST_METHOD_NOT_ALLOWED: req(405, 'A method the route does not serve; `Allow` lists those it does.'),
  ST_BODY_TOO_LARGE: req(413, 'A body over the size limit.'),
  ST_TOO_MANY_ITEMS: req(413, 'A batch with more items than allowed.'),
  ST_UNSUPPORTED_MEDIA_TYPE: req(415, 'A body that is not application/json or application/x-ndjson.'),
  ST_SCRAPE_OVERLOADED: req(503, 'More concurrent scrapes than allowed; retry shortly.'),
  ST_OTLP_INVALID: req(
    400,
    'An OTLP body that is not an ExportTraceServiceRequest (or not the encoding it says).',
  ),
  ST_OTLP_MEDIA_TYPE: req(
    415,
    'An OTLP request that is not application/x-protobuf or application/json, or is compressed other than gzip or deflate.',
  ),
  ST_OTLP_BUSY: req(
    429,
    'More OTLP exports in flight than the receiver takes at once; retry after `Retry-After`.',
  ),
  ST_EXPORT_BUSY: req(
    503,
    'More call exports streaming than the sidecar serves at once (they would starve its probes); retry after `Retry-After`.',
  ),
  ST_INGEST_IN_FLIGHT: req(
    503,
    'Events with these ids are being stored by an earlier request not answered yet (a retry sent too soon); retry after `Retry-After`.',
  ),

  // Source: a device or peer a source reads did not answer as it must; the source recovers and counts it.
  ST_AT_TIMEOUT: {
    kind: 'source',
    status: 503,
    doc: 'An AT command got no final result in `modem.command_timeout_ms`; the modem source recovers (docs/sources/modem.md).',
  },
  ST_AT_QUEUE_FULL: {
    kind: 'source',
    status: 503,
    doc: 'An AT command refused because the command queue was full (a modem not answering); counted.',
  },

  // CLI: what the `sidetone` command exits with (docs/cli.md); never an HTTP answer.
  ST_USAGE: {
    kind: 'cli',
    status: 400,
    doc: 'A bad verb, flag or value on the command line: exit 2 with the usage.',
  },
  ST_CLI_FAILED: {
    kind: 'cli',
    status: 500,
    doc: 'An operational failure of a command (a server not answering, a file not readable): exit 1, the message names the fix.',
  },

  // Internal: a bug or an unexpected failure; the message is logged, the answer says little.
  ST_RENDER_FAILED: { kind: 'internal', status: 500, doc: 'Rendering the exposition failed.' },
  ST_INTERNAL: { kind: 'internal', status: 500, doc: 'An unexpected error in a route.' },
} as const satisfies Record<`ST_${string}`, CodeInfo>;

/** Every code sidetone uses. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The codes one kind (one error class) may carry. */
export type CodeOf<K extends ErrorKind> = {
  [C in ErrorCode]: (typeof ERROR_CODES)[C]['kind'] extends K ? C : never;
}[ErrorCode];

const KIND_TITLES: Readonly<Record<ErrorKind, string>> = {
  definition: 'Definition (`DefinitionError`): thrown when a metric, route or check is declared wrongly',
  label_policy: 'Label policy (`LabelPolicyError`): thrown only in strict mode; otherwise mapped and counted',
  validation: 'Validation (`ValidationError`): input at an edge; `issues` name the field paths',
  config: 'Configuration (`ConfigError`): a file, environment variable or flag',
  store: 'Store (`StoreError`): the database failed or was misused',
  request: 'Request (`RequestError`): answers of the HTTP edge, thrown only inside it',
  source: 'Source (`SourceError`): a device or peer a source reads did not answer; the source recovers',
  cli: 'CLI (`CliError`, `UsageError`): what the command line exits with',
  internal: 'Internal (`InternalError`): a bug or an unexpected failure; the server log has the detail',
};

/** docs/errors.md, generated from the catalogue (`node scripts/gen-docs.mjs`; a test checks it). */
export function renderErrorCodesMarkdown(): string {
  let out =
    '# Error codes\n\n<!-- Generated from src/error-codes.ts by scripts/gen-docs.mjs: edit the catalogue, not this file. -->\n\n' +
    'Every error sidetone throws or answers carries one of these codes (`err.code`, or `error.code` in an\n' +
    'HTTP body). Branch on the code, never on the message. The status is what an HTTP route answers\n' +
    'when the error reaches it.\n';
  for (const kind of Object.keys(KIND_TITLES) as ErrorKind[]) {
    out += `\n## ${KIND_TITLES[kind]}\n\n| Code | HTTP | Meaning |\n|---|---|---|\n`;
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      if (info.kind === kind) out += `| \`${code}\` | ${info.status} | ${info.doc} |\n`;
    }
  }
  return out;
}
