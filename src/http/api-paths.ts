/**
 * Every HTTP path of the analytics API and the console, declared once: the routes mount them, the
 * CLI requests them and the console page is handed them. The probe and exposition paths are the
 * operator's (`health.liveness_path`, `health.readiness_path`, `metrics.path`): a server states
 * them in `GET /metrics/console` (`paths`), so a client follows whatever the server was given.
 */
export const API_PATHS = {
  dashboard: '/metrics/dashboard',
  trunks: '/metrics/trunks',
  sms: '/metrics/sms',
  failures: '/metrics/failures',
  hourly: '/metrics/hourly',
  daily: '/metrics/daily',
  health: '/metrics/health',
  export: '/metrics/export',
  /** The console's one read: every figure the page shows, for a window. */
  console: '/metrics/console',
  /** Recent calls, filtered (the console's call list). */
  calls: '/metrics/calls',
  /** One call by id: `call.replace(':id', encodeURIComponent(id))`, see {@link callPath}. */
  call: '/metrics/calls/:id',
  /** Each modem's signal trend and registration/reconnect timeline, from the stored samples. */
  modems: '/metrics/modems',
  cleanup: '/calls/cleanup',
  page: '/dashboard',
  /** docs/runbook.md as a page, one section per alert (`#<alert in lower case>`): every rule's runbook_url. */
  runbook: '/runbook',
} as const;

/** The probe and exposition paths a server was configured with (`app.paths`). */
export interface ServerPaths {
  metrics: string;
  healthz: string;
  readyz: string;
}

/** Defaults of a server whose config does not move them; a client uses them only until told. */
export const DEFAULT_SERVER_PATHS: Readonly<ServerPaths> = {
  metrics: '/metrics',
  healthz: '/healthz',
  readyz: '/readyz',
};

/**
 * The path of one call.
 * @example callPath('cid:3f9c0a4b') // '/metrics/calls/cid%3A3f9c0a4b'
 */
export function callPath(id: string): string {
  return API_PATHS.call.replace(':id', encodeURIComponent(id));
}
