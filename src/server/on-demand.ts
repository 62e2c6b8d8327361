import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { SidetoneConfig } from '../config/schema.js';
import type { EventBus } from '../events/bus.js';
import { trusted } from '../logs/index.js';
import type { Registry } from '../metrics/index.js';
import { optionalPart } from '../runtime/optional-part.js';
import { otlpTracesUrl } from '../sinks/otlp-protocol.js';
import type { ClusterOptions } from '../sources/cluster/node.js';

// The sidecar's parts that load their modules only when the configuration uses them: trace export,
// metrics push, HEP capture, a modem. Each is what a sidecar without it would otherwise pay at
// start-up in CPU and memory (issue 39).

/**
 * Call spans go over OTLP when [otel] or OTEL_* name an endpoint, else wherever a globally
 * registered OpenTelemetry SDK sends them (nowhere by default). The SDK and its exporters are
 * loaded only then: ~110 ms of CPU here that a sidecar without tracing would pay at start-up.
 */
export async function otelFromConfig(config: SidetoneConfig, registry: Registry) {
  const o = config.otel;
  if (otlpTracesUrl({ ...(o.endpoint !== undefined && { endpoint: o.endpoint }) }) === undefined)
    return undefined;
  const { otelTracing } = await optionalPart(
    'trace export ([otel] endpoint)',
    () => import('../sinks/otel.js'),
  );
  return otelTracing({
    ...(o.endpoint !== undefined && { endpoint: o.endpoint }),
    ...(o.protocol !== undefined && { protocol: o.protocol }),
    ...(o.service_name !== undefined && { serviceName: o.service_name }),
    ...(o.sample_ratio !== undefined && { sampleRatio: o.sample_ratio }),
    ...(o.queue_max_spans !== undefined && { maxQueueSpans: o.queue_max_spans }),
    shutdownTimeoutMs: o.shutdown_timeout_ms,
    registry,
    prefix: config.metrics.prefix,
  });
}

/** `[push]` and `[otel] export_metrics`: both read the registry through `Registry#snapshot()`. */
export async function startPush(config: SidetoneConfig, registry: Registry, log: Logger) {
  if (config.push.remote_write_url === undefined && !config.otel.export_metrics) return undefined;
  // Loaded only when configured: the OTLP metrics SDK and the remote-write encoder are the largest
  // part of what the sidecar would load at start-up (92-106 ms of CPU here).
  const { startPushFromConfig } = await optionalPart(
    'metrics push ([push], [otel] export_metrics)',
    () => import('../push/from-config.js'),
  );
  return startPushFromConfig(config, registry, registry, log);
}

/** The HEP source's settings from `[hep]` (listeners, registry and cluster hook aside). */
function hepOptions(config: SidetoneConfig, log: Logger) {
  const h = config.hep;
  return {
    trunks: h.trunks,
    timerBMs: h.timer_b_ms,
    maxCalls: h.max_calls,
    reorderWindowMs: h.reorder_window_ms,
    maxClockSkewMs: h.max_clock_skew_ms,
    mediaTimeoutMs: h.media_timeout_ms,
    flowSample: h.flow_sample,
    legCorrelation: h.leg_correlation,
    forwardQueueMax: h.forward_queue_max,
    password: h.password,
    tcpMaxConnections: h.tcp_max_connections,
    tcpIdleTimeoutMs: h.tcp_idle_timeout_ms,
    udpReceiveBufferBytes: h.udp_receive_buffer_bytes,
    onError: (err: Error) => log.error({ error: err.message }, 'HEP listener failed'),
    onWarn: (message: string, detail: Record<string, unknown>) => log.warn(detail, message),
  };
}

/**
 * HEP capture (docs/sources/hep.md), code-free on the PBX's side, when `hep.listen` names a port.
 * `publish`: a cluster member's, every packet goes to the stream (sources/cluster/node.ts).
 */
export async function hepFromConfig(
  config: SidetoneConfig,
  bus: EventBus,
  registry: Registry,
  log: Logger,
  publish?: (buf: Buffer, now: number) => void,
) {
  const h = config.hep;
  if (h.listen.length === 0) return undefined;
  return new (await import('../sources/hep/source.js')).HepSource(bus, {
    ...hepOptions(config, log),
    listen: h.listen,
    registry,
    prefix: config.metrics.prefix,
    forward: h.forward,
    ...(publish !== undefined && { publish }),
  });
}

/**
 * `[cluster] nats_url`: this sidecar joins the cluster on NATS JetStream (sources/cluster/node.ts, docs/
 * deploy.md "Cluster"); the nats client is loaded only then. Each partition it takes gets a capture
 * of its own with the `[hep]` settings (no listener, no forwarding: the receiving member forwards).
 */
export async function clusterFromConfig(
  config: SidetoneConfig,
  parts: Pick<ClusterOptions, 'bus' | 'sink' | 'registry' | 'health' | 'log'>,
) {
  const c = config.cluster;
  if (c.nats_url === undefined) return undefined;
  const { joinCluster } = await import('../sources/cluster/node.js');
  const { HepSource } = await import('../sources/hep/source.js');
  const options = hepOptions(config, parts.log);
  return joinCluster({
    ...parts,
    natsUrl: c.nats_url,
    partitions: c.partitions,
    nodeId: c.node_id ?? hostname(),
    maxLag: c.max_lag,
    maxCalls: config.hep.max_calls,
    reorderWindowMs: config.hep.reorder_window_ms,
    prefix: config.metrics.prefix,
    capture: () => {
      const s = new HepSource(parts.bus, options);
      return {
        handle: (buf, now) => s.capture.handle(buf, now),
        tick: (now) => s.tick(now),
        tracks: (callId) => s.capture.tracks(callId),
      };
    },
  });
}

/** A GSM modem on a serial AT port (docs/sources/modem.md); it reopens itself after an unplug. */
export async function modemFromConfig(
  config: SidetoneConfig,
  bus: EventBus,
  registry: Registry,
  modem: string,
  log: Logger,
) {
  const m = config.modem;
  if (m.path === undefined) return undefined;
  // The serial driver is what the source opens its port with: missing, the sidecar does not start
  // (a source that cannot load its driver would retry its open for ever, logging the same error).
  await optionalPart('the modem source ([modem] path)', () => import('serialport'));
  return new (await import('../sources/modem/source.js')).ModemSource(bus, {
    path: m.path,
    baudRate: m.baud_rate,
    modem,
    mode: m.mode,
    pollMs: m.poll_seconds * 1000,
    commandTimeoutMs: m.command_timeout_ms,
    registry,
    prefix: config.metrics.prefix,
    onLog: (message, detail) => log.warn(detail, message),
    // The path is the operator's setting, not data: keep it readable.
    onError: (cause) => log.error({ cause: trusted(cause) }, 'modem source cannot open its port'),
  });
}
