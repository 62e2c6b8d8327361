/** How sidetone talks OTLP to a collector: gRPC (its port 4317) or HTTP (4318, JSON bodies). */
export type OtlpProtocol = 'grpc' | 'http';

/** The port the OpenTelemetry specification gives OTLP/gRPC; OTLP/HTTP's is 4318. */
const GRPC_PORT = '4317';

/**
 * The protocol for one signal: the configured one (`otel.protocol`), else the standard
 * `OTEL_EXPORTER_OTLP_<SIGNAL>_PROTOCOL` / `OTEL_EXPORTER_OTLP_PROTOCOL` (`grpc`, `http/protobuf`,
 * `http/json`), else gRPC when the endpoint is on port 4317 and HTTP otherwise. The port rule is
 * for files written for gRPC-only exporters, RustPBX's `[otel] endpoint = "http://otelcol:4317"`:
 * OTLP/HTTP sent there is refused by every collector.
 * @example
 * otlpProtocol('http://otelcol:4317', undefined, {}, 'TRACES'); // 'grpc'
 */
export function otlpProtocol(
  endpoint: string | undefined,
  configured: OtlpProtocol | undefined,
  env: Record<string, string | undefined>,
  signal: 'TRACES' | 'METRICS',
): OtlpProtocol {
  if (configured !== undefined) return configured;
  const named = (env[`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`] ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? '')
    .trim()
    .toLowerCase();
  if (named === 'grpc') return 'grpc';
  if (named.startsWith('http')) return 'http';
  return endpoint !== undefined && portOf(endpoint) === GRPC_PORT ? 'grpc' : 'http';
}

function portOf(url: string): string | undefined {
  try {
    return new URL(url).port;
  } catch {
    return undefined;
  }
}

/**
 * Where OTLP traces go, or undefined when tracing is off: no endpoint configured, or
 * `OTEL_SDK_DISABLED=true`, or `OTEL_TRACES_EXPORTER=none` (the spec's switches are honoured).
 * Here, not in otel.ts, so that a sidecar without tracing decides so without loading the SDK.
 */
export function otlpTracesUrl(
  options: { endpoint?: string; env?: Record<string, string | undefined> } = {},
): string | undefined {
  const env = options.env ?? process.env;
  if ((env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true') return undefined;
  if ((env.OTEL_TRACES_EXPORTER ?? '').trim().toLowerCase() === 'none') return undefined;
  if (options.endpoint !== undefined && options.endpoint !== '') return joinPath(options.endpoint);
  const signal = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (signal) return signal;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  return base ? joinPath(base) : undefined;
}

function joinPath(base: string): string {
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}
