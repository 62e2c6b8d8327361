import { hostname } from 'node:os';
import { readSecretFile } from '../config/files.js';
import type { SidetoneConfig } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { detectPii } from '../guard/pii.js';
import type { Registry } from '../metrics/registry.js';
import { otlpMetrics } from './otlp-metrics.js';
import { type RemoteWriteOptions, type SnapshotSource, startRemoteWrite } from './pusher.js';

interface Log {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/**
 * Start what `[push]` and `[otel] export_metrics` ask for: remote-write with its disk queue (beside
 * the store unless `queue_dir` says otherwise) and the OTLP metric export. Returns one stop that
 * queues a last snapshot and tries to deliver it.
 *
 * @example
 * const stopPush = startPushFromConfig(config, registry, registry, log);
 * await stopPush();
 */
export function startPushFromConfig(
  config: SidetoneConfig,
  source: SnapshotSource,
  selfMetrics: Registry,
  log: Log,
): { stop(): Promise<void>; remoteWrite?: string; otlp?: string; instance: string } {
  const p = config.push;
  const instance = p.instance ?? hostInstance();
  const stops: Array<() => Promise<void>> = [];
  const out: { stop(): Promise<void>; remoteWrite?: string; otlp?: string; instance: string } = {
    stop: async () => {
      await Promise.all(stops.map((s) => s().catch(() => {})));
    },
    instance,
  };
  if (p.remote_write_url !== undefined) {
    // fetch refuses a URL with credentials in it: they go as Basic auth, unless set otherwise.
    const target = new URL(p.remote_write_url);
    const userinfo =
      target.username === ''
        ? undefined
        : { username: decodeURIComponent(target.username), password: decodeURIComponent(target.password) };
    target.username = '';
    target.password = '';
    const options: RemoteWriteOptions = {
      source,
      selfMetrics,
      url: target.toString(),
      externalLabels: { ...p.external_labels, job: p.job ?? 'sidetone', instance },
      intervalMs: p.interval_seconds * 1000,
      timeoutMs: p.timeout_ms,
      queueDir: p.queue_dir ?? `${config.store.path}.push`,
      queueMaxBytes: p.queue_max_bytes,
      logger: log,
    };
    const token =
      p.bearer_token ?? (p.bearer_token_file === undefined ? undefined : readToken(p.bearer_token_file));
    if (token !== undefined) options.bearerToken = token;
    else if (p.username !== undefined && p.password !== undefined)
      options.basic = { username: p.username, password: p.password };
    else if (userinfo !== undefined) options.basic = userinfo;
    const writer = startRemoteWrite(options);
    stops.push(() => writer.stop());
    out.remoteWrite = p.remote_write_url;
  }
  if (config.otel.export_metrics) {
    const service = p.job ?? config.otel.service_name;
    const m = otlpMetrics({
      source,
      ...(config.otel.endpoint !== undefined && { endpoint: config.otel.endpoint }),
      ...(service !== undefined && { serviceName: service }),
      instance,
      externalLabels: p.external_labels,
      selfMetrics,
      shutdownTimeoutMs: config.otel.shutdown_timeout_ms,
    });
    if (m === undefined) {
      log.warn(
        {},
        'otel.export_metrics is on but no OTLP endpoint is set: set otel.endpoint or OTEL_EXPORTER_OTLP_ENDPOINT',
      );
    } else {
      stops.push(() => m.shutdown());
      out.otlp = m.url;
    }
  }
  return out;
}

/**
 * The host name as the `instance` of pushed series: what tells a fleet's pushers apart. Checked
 * like a configured value, since it is sent with every series.
 */
function hostInstance(): string {
  const name = hostname();
  const pii = detectPii(name);
  if (name !== '' && /^[\x20-\x7e]{1,128}$/.test(name) && pii === undefined) return name;
  // Not quoted when it looks like personal data: this message reaches logs.
  throw new ConfigError(
    'ST_CONFIG_INVALID',
    `the host name ${pii === undefined ? JSON.stringify(name) : `(it looks like ${pii})`} cannot be the instance label of pushed series: set push.instance to 1-128 printable characters naming this host`,
  );
}

function readToken(file: string): string {
  const token = readSecretFile(file, 'push.bearer_token_file');
  if (token === '') {
    throw new ConfigError(
      'ST_CONFIG_FILE',
      `push.bearer_token_file ${JSON.stringify(file)} is empty: put the receiver's token in it`,
    );
  }
  return token;
}
