import type { SidetoneConfig } from '../config/schema.js';
import type { AppOptions } from './app.js';
import type { ServeOptions } from './node.js';

/** The openai-voice-skill metrics server's scrape path (docs/compat/voice-skill.md). */
const PROMETHEUS_ALIAS = '/metrics/prometheus';

/**
 * Map a resolved configuration to `createApp` and `serve` options (the registry, health registry
 * and logger are the caller's to add).
 * @example
 * const { app, serve: serveOptions } = httpOptionsFromConfig(loadConfig({ file }));
 * await serve(createApp({ ...app, registry, health }), serveOptions);
 */
export function httpOptionsFromConfig(config: SidetoneConfig): {
  app: Omit<AppOptions, 'registry' | 'health' | 'logger'>;
  serve: Omit<ServeOptions, 'logger'>;
} {
  const basic = config.auth.basic_users.map((u) => ({ username: u.username, password: u.password }));
  return {
    app: {
      auth: {
        scrape: { tokens: config.auth.scrape_tokens, basic },
        ingest: { tokens: config.auth.ingest_tokens },
        admin: { tokens: config.auth.admin_tokens },
        protectHealth: config.health.protect,
      },
      paths: {
        metrics: config.metrics.path,
        healthz: config.health.liveness_path,
        readyz: config.health.readiness_path,
      },
      compatHealthz: config.health.compat_healthz,
      metricsEnabled: config.metrics.enabled,
      // The voice-skill's scrape path, unless the operator moved metrics there already.
      metricsAliases: config.metrics.path === PROMETHEUS_ALIAS ? [] : [PROMETHEUS_ALIAS],
      maxConcurrentScrapes: config.server.max_concurrent_scrapes,
      gzip: config.metrics.gzip,
    },
    serve: {
      host: config.server.host,
      port: config.server.port,
      bodyLimitBytes: config.server.body_limit_bytes,
      headersTimeoutMs: config.server.headers_timeout_ms,
      requestTimeoutMs: config.server.request_timeout_ms,
      keepAliveTimeoutMs: config.server.keep_alive_timeout_ms,
    },
  };
}
