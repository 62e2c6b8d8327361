/**
 * Keys that other systems' configuration files use for a sidetone setting, so their users can keep
 * their file. Each alias names the native key it stands for; docs/compat/ lists them per system.
 * An alias and its native key set to different values is an error (which one did the operator
 * mean?), never a silent pick.
 */
export interface ConfigAlias {
  /** Dotted key as the other system writes it. */
  alias: string;
  /** The sidetone key it sets. */
  native: string;
  /** Where the alias comes from (shown in errors and docs). */
  system: string;
  /** How the value maps: `value` as is, `append` adds it to a list key. */
  mode: 'value' | 'append';
  /** The other system's spelling of a value, as sidetone spells it (anything else passes to validation). */
  values?: Readonly<Record<string, string>>;
}

/** Python's logging level names (CardLink's LoggingConfig.level) as pino's. */
const PYTHON_LEVELS = {
  DEBUG: 'debug',
  INFO: 'info',
  WARNING: 'warn',
  WARN: 'warn',
  ERROR: 'error',
  CRITICAL: 'fatal',
  FATAL: 'fatal',
  warning: 'warn',
  critical: 'fatal',
} as const;

export const CONFIG_ALIASES: readonly ConfigAlias[] = [
  // RustPBX `[metrics]` (docs/compat/rustpbx.md). `metrics.path` and `metrics.enabled` are native keys.
  { alias: 'metrics.healthz_path', native: 'health.liveness_path', system: 'RustPBX', mode: 'value' },
  { alias: 'metrics.token', native: 'auth.scrape_tokens', system: 'RustPBX', mode: 'append' },
  // CardLink's MetricsConfig and LoggingConfig (docs/compat/cardlink.md); its `health.port` is native.
  {
    alias: 'metrics.collection_interval',
    native: 'metrics.collection_interval_seconds',
    system: 'CardLink',
    mode: 'value',
  },
  { alias: 'logging.output_file', native: 'log.file', system: 'CardLink', mode: 'value' },
  { alias: 'metrics.port', native: 'server.port', system: 'CardLink', mode: 'value' },
  { alias: 'logging.level', native: 'log.level', system: 'CardLink', mode: 'value', values: PYTHON_LEVELS },
  // CardLink's `text` format is the readable one.
  {
    alias: 'logging.format',
    native: 'log.format',
    system: 'CardLink',
    mode: 'value',
    values: { text: 'pretty' },
  },
  { alias: 'logging.trace_correlation', native: 'otel.log_trace_id', system: 'CardLink', mode: 'value' },
  // CardLink's TracingConfig: OTLP endpoint, service name, sample rate.
  { alias: 'tracing.endpoint', native: 'otel.endpoint', system: 'CardLink', mode: 'value' },
  { alias: 'tracing.service_name', native: 'otel.service_name', system: 'CardLink', mode: 'value' },
  { alias: 'tracing.sample_rate', native: 'otel.sample_ratio', system: 'CardLink', mode: 'value' },
  {
    alias: 'tracing.protocol',
    native: 'otel.protocol',
    system: 'CardLink',
    mode: 'value',
    // The OpenTelemetry names (OTEL_EXPORTER_OTLP_PROTOCOL); sidetone's HTTP bodies are JSON, which
    // every OTLP/HTTP receiver takes as it takes protobuf.
    values: { 'http/protobuf': 'http', 'http/json': 'http' },
  },
];

type Tree = Record<string, unknown>;

function get(tree: Tree, path: string): unknown {
  let node: unknown = tree;
  for (const k of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Tree)[k];
  }
  return node;
}

function take(tree: Tree, path: string): unknown {
  const keys = path.split('.');
  const last = keys.pop() as string;
  const parent = keys.length === 0 ? tree : get(tree, keys.join('.'));
  if (parent === null || typeof parent !== 'object') return undefined;
  const value = (parent as Tree)[last];
  delete (parent as Tree)[last];
  // A section only the alias used (CardLink's `[logging]`) goes with it: it is not a native one.
  if (keys.length > 0 && Object.keys(parent as Tree).length === 0) take(tree, keys.join('.'));
  return value;
}

function put(tree: Tree, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop() as string;
  let node = tree;
  for (const k of keys) {
    if (node[k] === null || typeof node[k] !== 'object') node[k] = {};
    node = node[k] as Tree;
  }
  node[last] = value;
}

/**
 * Rewrite aliases in a raw (file) configuration to their native keys, in place. Returns the
 * problems: an alias that contradicts its native key.
 * @example
 * const raw = { metrics: { token: 'secret', healthz_path: '/live' } };
 * applyAliases(raw); // raw = { metrics: {}, auth: { scrape_tokens: ['secret'] }, health: { liveness_path: '/live' } }
 */
export function applyAliases(raw: Tree): Array<{ path: string; message: string }> {
  const issues: Array<{ path: string; message: string }> = [];
  for (const a of CONFIG_ALIASES) {
    if (get(raw, a.alias) === undefined) continue;
    const taken = take(raw, a.alias);
    const value = (typeof taken === 'string' && a.values?.[taken]) || taken;
    const current = get(raw, a.native);
    if (a.mode === 'append') {
      const list = Array.isArray(current) ? current : current === undefined ? [] : [current];
      put(raw, a.native, list.includes(value) ? list : [...list, value]);
    } else if (current !== undefined && current !== value) {
      issues.push({
        path: a.alias,
        message: `is ${a.system}'s name for ${a.native}, which is also set to another value: keep one of them`,
      });
    } else {
      put(raw, a.native, value);
    }
  }
  return issues;
}
