import { createRequire } from 'node:module';
import type { z as Zod } from 'zod';
import { detectPii } from '../guard/pii.js';
import { ALERT_DEFAULTS } from '../rules/thresholds.js';
import { CONFIG_FNS, CONFIG_PACKS, crossFieldIssues } from './checks.js';
import {
  FLOW_SAMPLE,
  HEP_MAX_CLOCK_SKEW_MS,
  HEP_REORDER_WINDOW_MS,
  SCENARIO_NAMES,
} from './source-defaults.js';

export { CONFIG_PACKS, isSecretPath } from './checks.js';

/**
 * The mark of a refinement or transform of checks.ts on the schema that uses it, in its JSON
 * Schema (zod's public `.meta`): scripts/gen-config.mjs compiles the fast path from that JSON
 * Schema, where a function is otherwise invisible, and calls the function by this name (a
 * preprocess it leaves to zod). Every `.refine`, `.transform` and `.preprocess` of the schema
 * carries one: test/config/fast.test.ts counts them, since an unmarked one would let the fast path
 * take a value zod refuses or changes.
 */
function fnMark(
  kind: 'check' | 'transform' | 'preprocess',
  name: keyof typeof CONFIG_FNS,
): Record<string, string> {
  return { [`x-${kind}`]: name };
}

/**
 * The configuration schema, built from a zod given to it: {@link configSchema} builds it once,
 * with zod loaded then. A valid configuration never needs it (loadConfig takes the generated fast
 * path, fast.generated.ts, and loads no zod: 95 modules, 90-110 ms of CPU and ~12 MiB of RSS on
 * `sidetone serve`, issue 39); a rejected one does, for zod's messages, which the tests pin.
 */
export function buildConfigSchema(z: typeof Zod) {
  // Every constraint names what is expected, because the message is all an operator sees.

  const int = (min: number, max: number, def: number, unit = '') => {
    const msg = `expected an integer from ${min} to ${max}${unit}`;
    return z.number({ error: msg }).int(msg).min(min, msg).max(max, msg).default(def);
  };
  const bool = (def: boolean) => z.boolean({ error: 'expected true or false' }).default(def);
  const TOKEN_MSG =
    'expected a token of at least 16 characters without whitespace (generate one with `openssl rand -hex 32`)';
  const token = z
    .string({ error: TOKEN_MSG })
    .min(16, TOKEN_MSG)
    .regex(/^[\x21-\x7e]+$/, TOKEN_MSG);
  const PATH_MSG =
    'expected an absolute URL path such as "/metrics" (letters, digits, "-", "_", no trailing slash)';
  const urlPath = (def: string) =>
    z
      .string({ error: PATH_MSG })
      .regex(/^\/(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*(?:\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*)?$/, PATH_MSG)
      .default(def);
  const file = z.string({ error: 'expected a file path' }).min(1, 'expected a file path').optional();
  const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
  // Operator names come from +COPS and carry spaces and punctuation ("Vodafone UK", "AT&T").
  const OPERATOR = /^[A-Za-z0-9][A-Za-z0-9 ._&'+-]{0,63}$/;
  const names = (what: string, pattern = NAME) =>
    z
      .array(
        z
          .string()
          .regex(
            pattern,
            `expected ${what} names of letters, digits, ${pattern === NAME ? '".", "_", "-"' : "spaces and . _ & ' + -"}`,
          ),
        { error: `expected a list of ${what} names` },
      )
      .default([]);

  const basicUser = z.strictObject(
    {
      username: z
        .string({ error: 'expected a username' })
        .regex(/^[^:\s]+$/, 'expected a username without ":" or whitespace'),
      password: z
        .string({ error: 'expected a password' })
        .min(12, 'expected a password of at least 12 characters'),
    },
    { error: 'expected { username, password }' },
  );

  /** A label value sent with every pushed series: short, printable, and never personal data. */
  const pushLabelValue = (what: string) =>
    z
      .string({ error: `expected ${what} as a string` })
      .regex(/^[\x20-\x7e]{1,128}$/, `expected ${what}: 1-128 printable characters`)
      .refine(CONFIG_FNS.noPii, {
        error: (i) =>
          `expected ${what} without personal data: it looks like ${detectPii(String(i.input))}, and every pushed series carries it (name a site or a host instead)`,
      })
      .meta(fnMark('check', 'noPii'));
  const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
  const RESERVED_TEXT = 'job, instance (push.job, push.instance), le, quantile or __*';

  // Unset, not false: `serve` and `demo` run every pack the operator did not turn off, since
  // `POST /events` accepts every event type (a pack left off would swallow accepted events).
  const optionalBool = z.boolean({ error: 'expected true or false' }).optional();
  const packs = z.strictObject(
    Object.fromEntries(CONFIG_PACKS.map((p) => [p, optionalBool])) as Record<
      (typeof CONFIG_PACKS)[number],
      typeof optionalBool
    >,
  );

  /**
   * The whole sidecar configuration. Keys are snake_case, as in the TOML file; every section and
   * key has a default, so an empty file is a valid (loopback-only, open) configuration.
   */
  /**
   * The whole sidecar configuration. Keys are snake_case, as in the TOML file; every section and
   * key has a default, so an empty file is a valid (loopback-only, open) configuration.
   */
  return (
    z
      .strictObject({
        server: z
          .strictObject({
            host: z.string({ error: 'expected a host name or IP address' }).min(1).default('127.0.0.1'),
            port: int(0, 65535, 9464),
            body_limit_bytes: int(1024, 64 * 1024 * 1024, 1024 * 1024, ' bytes'),
            headers_timeout_ms: int(100, 600_000, 10_000, ' ms'),
            request_timeout_ms: int(100, 3_600_000, 30_000, ' ms'),
            keep_alive_timeout_ms: int(100, 600_000, 5_000, ' ms'),
            max_concurrent_scrapes: int(1, 64, 4),
          })
          .prefault({}),
        log: z
          .strictObject({
            level: z
              .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], {
                error: 'expected one of trace, debug, info, warn, error, fatal, silent',
              })
              .default('info'),
            // auto: readable lines on a terminal, JSON otherwise (files, pipes, journald).
            format: z
              .enum(['auto', 'json', 'pretty'], { error: 'expected auto, json or pretty' })
              .default('auto'),
            // Log lines go to this file (appended, reopened on SIGHUP for logrotate) instead of stdout.
            file,
          })
          .prefault({}),
        auth: z
          .strictObject({
            scrape_tokens: z.array(token, { error: 'expected a list of tokens' }).default([]),
            scrape_tokens_file: file,
            ingest_tokens: z.array(token, { error: 'expected a list of tokens' }).default([]),
            ingest_tokens_file: file,
            // Every scope, and the only one that may change stored data (POST /calls/cleanup).
            admin_tokens: z.array(token, { error: 'expected a list of tokens' }).default([]),
            admin_tokens_file: file,
            basic_users: z
              .array(basicUser, { error: 'expected a list of { username, password }' })
              .default([]),
            basic_users_file: file,
          })
          .prefault({}),
        health: z
          .strictObject({
            liveness_path: urlPath('/healthz'),
            readiness_path: urlPath('/readyz'),
            compat_healthz: bool(false),
            protect: bool(false),
            // 0: no heartbeat expected. Otherwise a source silent for longer makes readiness degraded.
            source_silence_seconds: int(0, 86_400, 0, ' s (0 turns the check off)'),
            // A second listener serving only the liveness and readiness paths (CardLink's health port),
            // so probes need not reach the metrics port. Unset: none; 0 picks a free port.
            port: z
              .number({ error: 'expected a port from 0 to 65535' })
              .int('expected a port from 0 to 65535')
              .min(0, 'expected a port from 0 to 65535')
              .max(65535, 'expected a port from 0 to 65535')
              .optional(),
          })
          .prefault({}),
        metrics: z
          .strictObject({
            // false serves neither the metrics path nor the liveness path (RustPBX's meaning of the key).
            enabled: bool(true),
            path: urlPath('/metrics'),
            prefix: z
              .string({ error: 'expected a metric name prefix' })
              .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'expected a metric name prefix of letters, digits and "_"')
              .default('sidetone'),
            max_series: int(10, 1_000_000, 2000),
            gzip: bool(true),
            // Native (exponential) buckets on every histogram, served as protobuf to a Prometheus
            // started with --enable-feature=native-histograms; text scrapers keep the classic buckets.
            native_histograms: bool(false),
            // Process and system metrics (CPU, memory, fds, threads, network, disk) are read at most
            // this often; scrapes in between get the last reading. 0 reads them at every scrape.
            collection_interval_seconds: int(0, 3600, 0, ' s (0 reads them at every scrape)'),
            // OpenMetrics `_created` samples: only for a Prometheus with created-timestamp ingestion;
            // any other stores each as one more series (see RegistryOptions.createdTimestamps).
            created_timestamps: bool(false),
          })
          .prefault({}),
        packs: packs.prefault({}),
        labels: z
          .strictObject({
            trunks: names('trunk'),
            operators: names('operator', OPERATOR),
            modems: names('modem')
              .transform(CONFIG_FNS.modemsOrDefault)
              .meta(fnMark('transform', 'modemsOrDefault')),
            queues: names('queue'),
            // Voice agents and LLM models whose names may be label values (docs/sources/voice-agents.md).
            agents: names('agent'),
            models: names('model'),
          })
          .prefault({}),
        voiceai: z
          .strictObject({
            // A turn whose caller waits longer than this after speaking is dead air.
            dead_air_seconds: z
              .number({ error: 'expected seconds, from 0.5 to 60' })
              .min(0.5, 'expected seconds, from 0.5 to 60')
              .max(60, 'expected seconds, from 0.5 to 60')
              .default(3),
            // The operator's price file (TOML or JSON): providers' prices per model and unit, carrier
            // minutes per trunk; each call's cost on its record (src/config/prices.ts).
            prices: file,
          })
          .prefault({}),
        // POST /v1/traces: agent frameworks' OpenTelemetry spans -> turn events (docs/sources/voice-agents.md).
        otlp_receiver: z
          .strictObject({
            // Span or resource attributes holding the call id (the SIP Call-ID joins the phone leg).
            call_id_attributes: z
              .array(
                z
                  .string()
                  .regex(
                    /^[A-Za-z0-9_.:-]{1,128}$/,
                    'expected attribute keys of letters, digits, ".", "_", ":", "-"',
                  ),
                { error: 'expected a list of attribute keys' },
              )
              .default(['sidetone.call_id']),
            max_traces: int(1, 1_000_000, 1000),
            max_spans: int(100, 10_000_000, 20_000),
            idle_seconds: int(10, 86_400, 300, ' s'),
            max_body_bytes: int(1024, 256 * 1024 * 1024, 16 * 1024 * 1024, ' bytes'),
            max_in_flight: int(1, 64, 4),
          })
          .prefault({}),
        store: z
          .strictObject({
            path: z
              .string({ error: 'expected a file path' })
              .min(1, 'expected a file path')
              .default('sidetone.db'),
            // A shared PostgreSQL database (several instances write to it); unset: the SQLite file at `path`.
            url: z
              .string({ error: 'expected a postgres:// URL' })
              .regex(
                /^postgres(ql)?:\/\/./,
                'expected a postgres:// URL, e.g. "postgres://sidetone@db:5432/sidetone"',
              )
              .optional(),
            // The name this instance's records are tagged with in a shared database (default: host name).
            instance: z
              .string({ error: 'expected a short name' })
              .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'expected 1-64 letters, digits, ".", "_", ":" or "-"')
              .optional(),
            hash_key: z
              .string({ error: 'expected a secret of at least 16 characters' })
              .min(
                16,
                'expected a secret of at least 16 characters (generate one with `openssl rand -hex 32`)',
              )
              .optional(),
            hash_key_file: file,
            store_raw_numbers: bool(false),
            // Call-IDs (and SMS message ids) as sent in the store, exports, logs and traces; default
            // their keyed hash (`cid:…`), since an id may be a number or a name (docs/config.md).
            reveal_call_ids: bool(false),
            retention_days: int(1, 3650, 90, ' days'),
            zombie_max_seconds: int(60, 7 * 86_400, 14_400, ' s'),
            // Deprecated, no effect (issue 49): the SQLite store's writer and checkpoint threads are
            // gone (on 2 cores they gave no throughput: docs/deploy.md). Still accepted, with a
            // warning at start, so a configuration file that sets them loads (unknown keys are refused).
            threads: z
              .enum(['auto', 'always', 'never'], { error: 'expected auto, always or never' })
              .optional()
              .meta({ deprecated: true }),
            writer_thread: z
              .boolean({ error: 'expected true or false' })
              .optional()
              .meta({ deprecated: true }),
            checkpoint_thread: z
              .boolean({ error: 'expected true or false' })
              .optional()
              .meta({ deprecated: true }),
            // Updates waiting for the store at most; past it ingest answers 503 with Retry-After.
            max_pending_updates: int(1000, 10_000_000, 100_000, ' updates'),
            // Readiness fails once the oldest unwritten update has waited this long.
            stuck_seconds: int(1, 3600, 10, ' s'),
            // PostgreSQL: a connection not made within this is given up on (the server down or hung).
            connect_timeout_ms: int(100, 600_000, 5000, ' ms'),
            // PostgreSQL: a statement running longer is cancelled by the server, and a server that does
            // not answer at all (hung) is given up on 1 s later.
            statement_timeout_ms: int(100, 3_600_000, 10_000, ' ms'),
          })
          .prefault({}),
        otel: z
          .strictObject({
            // Unset: the standard OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT decides; neither set: no traces.
            endpoint: z
              .url({
                error:
                  'expected an OTLP base URL such as "http://127.0.0.1:4318" (HTTP) or "http://127.0.0.1:4317" (gRPC)',
              })
              .optional(),
            // Unset: OTEL_EXPORTER_OTLP_PROTOCOL, else gRPC for an endpoint on port 4317 (RustPBX's
            // files name the gRPC port), HTTP otherwise.
            protocol: z.enum(['grpc', 'http'], { error: 'expected grpc or http' }).optional(),
            service_name: z
              .string({ error: 'expected a service name' })
              .min(1, 'expected a service name')
              .max(128, 'expected a service name of at most 128 characters')
              .optional(),
            sample_ratio: z
              .number({ error: 'expected a share of traces from 0 to 1' })
              .min(0, 'expected a share of traces from 0 to 1')
              .max(1, 'expected a share of traces from 0 to 1')
              .optional(),
            export_metrics: bool(false),
            log_trace_id: bool(true),
            // Unset: OTEL_BSP_MAX_QUEUE_SIZE, else 2048 ended spans wait for export; the oldest go past it.
            queue_max_spans: z
              .number({ error: 'expected an integer from 1 to 1000000' })
              .int('expected an integer from 1 to 1000000')
              .min(1, 'expected an integer from 1 to 1000000')
              .max(1_000_000, 'expected an integer from 1 to 1000000')
              .optional(),
            // Each OTLP exporter (traces, metrics) gets at most this at shutdown, whatever the collector does.
            shutdown_timeout_ms: int(0, 60_000, 2000, ' ms'),
          })
          .prefault({}),
        push: z
          .strictObject({
            remote_write_url: z
              .url({ error: 'expected a remote-write URL such as "https://prometheus.example/api/v1/write"' })
              .optional(),
            interval_seconds: int(1, 3600, 15, ' s'),
            timeout_ms: int(100, 120_000, 10_000, ' ms'),
            bearer_token: token.optional(),
            bearer_token_file: file,
            username: z.string({ error: 'expected a username' }).min(1, 'expected a username').optional(),
            password: z.string({ error: 'expected a password' }).min(1, 'expected a password').optional(),
            // Default: beside the store (`<store.path>.push/`).
            queue_dir: z.string({ error: 'expected a directory path' }).min(1).optional(),
            queue_max_bytes: int(64 * 1024, 16 * 1024 * 1024 * 1024, 64 * 1024 * 1024, ' bytes'),
            // The identity a scrape would give every series (docs/deploy.md#pushing): without it a
            // fleet pushing to one receiver overwrites itself and the dashboards find no instance.
            // Default `sidetone` (over OTLP: otel.service_name, OTEL_SERVICE_NAME, then `sidetone`).
            job: pushLabelValue('the job').optional(),
            // Default: the host name.
            instance: pushLabelValue('the instance').optional(),
            // The default inside the preprocess (labelList leaves undefined as it is): the same
            // result, and JSON Schema keeps a default there, which the fast path fills in.
            external_labels: z
              .preprocess(
                CONFIG_FNS.labelList,
                z
                  .record(
                    z
                      .string()
                      .regex(LABEL_NAME, `expected label names of letters, digits and "_" (${RESERVED_TEXT})`)
                      .refine(CONFIG_FNS.freeLabelName, {
                        error: `expected a label name other than ${RESERVED_TEXT}`,
                      })
                      .meta(fnMark('check', 'freeLabelName')),
                    pushLabelValue('a label value'),
                    { error: 'expected a table of label names and values, or name=value,name=value' },
                  )
                  .default({}),
              )
              .meta(fnMark('preprocess', 'labelList')),
          })
          .prefault({}),
        hep: z
          .strictObject({
            // HEP v3 capture (docs/sources/hep.md): empty means no listener.
            listen: z
              .array(
                z
                  .string()
                  .regex(
                    /^(udp|tcp):\/\/(\[[0-9a-fA-F:.]+\]|[^:/\s]+):\d{1,5}\/?$/,
                    'expected udp://HOST:PORT or tcp://HOST:PORT, e.g. udp://127.0.0.1:9060',
                  ),
                { error: 'expected a list of udp://HOST:PORT or tcp://HOST:PORT' },
              )
              .default([]),
            timer_b_ms: int(100, 600_000, 32_000, ' ms (RFC 3261 64*T1)'),
            // Captured messages wait this long for copies that arrive out of order (docs/sources/hep.md).
            reorder_window_ms: int(0, 10_000, HEP_REORDER_WINDOW_MS, ' ms'),
            // Capture timestamps further than this from the time of receipt are clamped (and counted).
            max_clock_skew_ms: int(1000, 86_400_000, HEP_MAX_CLOCK_SKEW_MS, ' ms'),
            // An answered call is judged for one-way audio / no media this long after its answer; 0 off.
            media_timeout_ms: int(0, 600_000, 15_000, ' ms'),
            // Share of answered calls whose SIP flow (the ladder) is stored; failed calls always are.
            flow_sample: z
              .number({ error: 'expected a share from 0 to 1, e.g. 0.1' })
              .min(0, 'expected a share from 0 to 1, e.g. 0.1')
              .max(1, 'expected a share from 0 to 1, e.g. 0.1')
              .default(FLOW_SAMPLE),
            // Headers that link a B2BUA's legs into one end-to-end call, the first present wins (as
            // heplify-server's AlegIDs): X-CID, X-Leg-ID, P-Charging-Vector (its icid-value). Empty:
            // each leg is a call of its own (src/sources/hep/legs.ts).
            leg_correlation: z
              .array(z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'expected a SIP header name such as X-CID'), {
                error: 'expected a list of SIP header names, e.g. ["X-CID"]',
              })
              .max(8)
              .default([]),
            // Collectors (Homer, heplify-server) every received packet is re-sent to, byte for byte.
            forward: z
              .array(
                z
                  .string()
                  .regex(
                    /^(udp|tcp):\/\/(\[[0-9a-fA-F:.]+\]|[^:/\s]+):\d{1,5}\/?$/,
                    'expected udp://HOST:PORT or tcp://HOST:PORT, e.g. udp://10.0.0.5:9060',
                  ),
                { error: 'expected a list of udp://HOST:PORT or tcp://HOST:PORT' },
              )
              .max(8)
              .default([]),
            forward_queue_max: int(16, 1_000_000, 10_000, ' packets'),
            max_calls: int(100, 10_000_000, 100_000),
            // HEP/TCP: past the cap a new connection closes the idlest; a silent one is closed after the timeout.
            tcp_max_connections: int(1, 65_535, 256),
            tcp_idle_timeout_ms: int(1000, 86_400_000, 600_000, ' ms'),
            // SO_RCVBUF of each UDP listener; Linux caps it at net.core.rmem_max (docs/sources/hep.md).
            udp_receive_buffer_bytes: int(4096, 1 << 30, 4 << 20, ' bytes'),
            // HEP chunk 14 (capture agents' `capture_password`); unset accepts every packet.
            password: z.string({ error: 'expected a password' }).min(1).max(256).optional(),
            trunks: z
              .array(
                z.strictObject({
                  name: z.string().regex(NAME, 'expected a trunk name of letters, digits, ".", "_", "-"'),
                  cidrs: z
                    .array(
                      z
                        .string()
                        .refine(CONFIG_FNS.isCidr, 'expected an IP address or CIDR such as 203.0.113.0/24')
                        .meta(fnMark('check', 'isCidr')),
                      {
                        error: 'expected a list of IP/CIDR strings',
                      },
                    )
                    .optional(),
                  header: z
                    .string()
                    .regex(/^[A-Za-z0-9-]{1,64}$/, 'expected a SIP header name')
                    .optional(),
                  value: z.string().max(256).optional(),
                }),
                { error: 'expected a list of { name, cidrs?, header?, value? }' },
              )
              .default([]),
          })
          .prefault({}),
        // Capture spread over sidecars on NATS JetStream (docs/deploy.md, Cluster); unset nats_url
        // keeps everything in this process, as before.
        cluster: z
          .strictObject({
            nats_url: z
              .string()
              .regex(
                /^nats:\/\/[^\s/]+(:\d{1,5})?(,nats:\/\/[^\s/]+(:\d{1,5})?)*$/,
                'expected nats://HOST:PORT (several separated by commas)',
              )
              .optional(),
            // Fixed for the life of the stream: a call's partition is a hash of its id modulo this.
            partitions: int(1, 256, 16),
            // This member's name in `sidetone cluster` and the membership bucket; default the host name.
            node_id: z.string().regex(NAME, 'expected a name of letters, digits, ".", "_", "-"').optional(),
            // /readyz fails while an owned partition has more messages than this waiting.
            max_lag: int(1, 10_000_000, 10_000, ' messages'),
          })
          .prefault({}),
        modem: z
          .strictObject({
            // A serial AT port (docs/sources/modem.md); unset means no modem source.
            path: file,
            // full: sidetone owns the modem; shared: another program owns its SMS, sidetone only
            // reads; auto: shared when another process has the modem open (docs/sources/modem.md).
            mode: z
              .enum(['auto', 'full', 'shared'], { error: 'expected "auto", "full" or "shared"' })
              .default('auto'),
            baud_rate: int(300, 4_000_000, 115_200, ' baud'),
            // Fractions for tests that replay a modem transcript; an operator keeps whole seconds.
            poll_seconds: z
              .number({ error: 'expected a number of seconds from 0.1 to 3600' })
              .min(0.1, 'expected a number of seconds from 0.1 to 3600')
              .max(3600, 'expected a number of seconds from 0.1 to 3600')
              .default(30),
            command_timeout_ms: int(100, 60_000, 5_000, ' ms'),
            // Flapping: this many reconnects within the window (SidetoneModemFlapping, runbook).
            flapping_reconnects: int(1, 1000, 3),
            flapping_window_seconds: int(10, 86_400, 600, ' s'),
          })
          .prefault({}),
        demo: z
          .strictObject({
            rate: z
              .number({ error: 'expected events per second, from 0.01 to 1000' })
              .min(0.01, 'expected events per second, from 0.01 to 1000')
              .max(1000, 'expected events per second, from 0.01 to 1000')
              .default(1),
            seed: int(0, 2 ** 31 - 1, 1),
            // Simulated history written at start (`demo --backfill 24h`), then real time.
            backfill_hours: int(0, 24 * 31, 0, ' h'),
            scenario: z
              .enum(SCENARIO_NAMES, { error: `expected one of ${SCENARIO_NAMES.join(', ')}` })
              .optional(),
          })
          .prefault({}),
        // Thresholds of the generated Prometheus alerts (`sidetone rules`, docs/runbook.md).
        alerts: z
          .strictObject({
            job: z
              .string({ error: 'expected the Prometheus job name that scrapes sidetone' })
              .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'expected a job name of letters, digits, "_", ".", ":", "-"')
              .default(ALERT_DEFAULTS.job),
            runbook_url: z
              .string({ error: 'expected the URL of docs/runbook.md' })
              .regex(
                /^https?:\/\/[^\s"#/]+\/[^\s"#]*$/,
                'expected an absolute http(s) URL without spaces, quotes or "#" (anchors are added per alert), e.g. https://wiki.example/sidetone/runbook.md',
              )
              .default(ALERT_DEFAULTS.runbook_url),
            heartbeat_max_age_seconds: int(1, 86_400, ALERT_DEFAULTS.heartbeat_max_age_seconds, ' s'),
            signal_min_dbm: int(-113, -51, ALERT_DEFAULTS.signal_min_dbm, ' dBm'),
            sms_failure_ratio: z
              .number({ error: 'expected a fraction from 0 to 1' })
              .min(0, 'expected a fraction from 0 to 1')
              .max(1, 'expected a fraction from 0 to 1')
              .default(ALERT_DEFAULTS.sms_failure_ratio),
            sms_pending_max_seconds: int(1, 86_400, ALERT_DEFAULTS.sms_pending_max_seconds, ' s'),
            asr_drop_points: int(1, 100, ALERT_DEFAULTS.asr_drop_points, ' percentage points'),
            ner_drop_points: int(1, 100, ALERT_DEFAULTS.ner_drop_points, ' percentage points'),
            ner_min_percent: z
              .number({ error: 'expected a percentage from 0 to 100' })
              .min(0, 'expected a percentage from 0 to 100')
              .max(100, 'expected a percentage from 0 to 100')
              .default(ALERT_DEFAULTS.ner_min_percent),
            kpi_min_attempts: int(1, 1_000_000, ALERT_DEFAULTS.kpi_min_attempts),
            mos_min: z
              .number({ error: 'expected a MOS from 1 to 4.5' })
              .min(1, 'expected a MOS from 1 to 4.5')
              .max(4.5, 'expected a MOS from 1 to 4.5')
              .default(ALERT_DEFAULTS.mos_min),
            scrape_slow_seconds: z
              .number({ error: 'expected seconds, from 0.01 to 60' })
              .min(0.01, 'expected seconds, from 0.01 to 60')
              .max(60, 'expected seconds, from 0.01 to 60')
              .default(ALERT_DEFAULTS.scrape_slow_seconds),
            voice_silence_p95_seconds: z
              .number({ error: 'expected seconds, from 0.5 to 60' })
              .min(0.5, 'expected seconds, from 0.5 to 60')
              .max(60, 'expected seconds, from 0.5 to 60')
              .default(ALERT_DEFAULTS.voice_silence_p95_seconds),
            voice_dead_air_ratio: z
              .number({ error: 'expected a fraction from 0 to 1' })
              .min(0, 'expected a fraction from 0 to 1')
              .max(1, 'expected a fraction from 0 to 1')
              .default(ALERT_DEFAULTS.voice_dead_air_ratio),
            voice_min_turns: int(1, 1_000_000, ALERT_DEFAULTS.voice_min_turns),
            human_connect_min_ratio: z
              .number({ error: 'expected a fraction from 0 to 1' })
              .min(0, 'expected a fraction from 0 to 1')
              .max(1, 'expected a fraction from 0 to 1')
              .default(ALERT_DEFAULTS.human_connect_min_ratio),
          })
          .prefault({}),
      })
      // Rules across keys: one function (checks.ts), which the fast path runs too.
      .superRefine((c, ctx) => {
        for (const issue of crossFieldIssues(c)) ctx.addIssue({ code: 'custom', ...issue });
      })
      .meta({ 'x-cross-field': true })
  );
}

export type ConfigSchema = ReturnType<typeof buildConfigSchema>;
let schema: ConfigSchema | undefined;

/**
 * The configuration schema, built at the first call: zod (CommonJS, so loaded in step, as the
 * synchronous loadConfig needs) is required then, not when this module is imported.
 * @example configSchema().safeParse({ server: { port: 9100 } }).success; // true
 */
export function configSchema(): ConfigSchema {
  schema ??= buildConfigSchema((createRequire(import.meta.url)('zod') as typeof import('zod')).z);
  return schema;
}

/**
 * The configuration schema as JSON Schema 2020-12, as an operator writes it (`io: 'input'`: keys
 * with a default are optional), with the marks of its functions (fnMark): what
 * scripts/gen-config.mjs compiles the fast path from.
 * @example configJsonSchema().properties.server.properties.port; // { default: 9464, type: 'integer', ... }
 */
export function configJsonSchema(): Record<string, unknown> {
  const { z } = createRequire(import.meta.url)('zod') as typeof import('zod');
  return z.toJSONSchema(configSchema(), { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
}

/** The resolved configuration, every default filled in. */
export type SidetoneConfig = Zod.output<ConfigSchema>;
