/**
 * The console's API: `GET /metrics/console` (every figure of the page for a window, the problems
 * strip, the server's paths) and `GET /metrics/calls` (the call list). Scrape auth, like every read.
 */
import { z } from 'zod';
import { consoleData } from '../analytics/console.js';
import { toExportRow } from '../analytics/export.js';
import { FAILURE_STATUSES } from '../analytics/failures.js';
import { consoleProblems, type LiveState } from '../analytics/problems.js';
import { CONSOLE_WINDOWS, type ConsoleWindow } from '../analytics/windows.js';
import type { SidetoneConfig } from '../config/schema.js';
import { CALL_STATUSES, type CallStatus } from '../domain/records.js';
import { API_PATHS } from '../http/api-paths.js';
import type { App } from '../http/app.js';
import { json } from '../http/respond.js';
import type { RouteDoc } from '../http/route-doc.js';
import type { CallStore } from '../store/types.js';

const WINDOW = z.enum(Object.keys(CONSOLE_WINDOWS) as [ConsoleWindow, ...ConsoleWindow[]]).default('24h');
const CONSOLE_QUERY = z.object({ window: WINDOW }).strict();
const OUTCOMES = {
  all: CALL_STATUSES,
  failed: FAILURE_STATUSES,
  answered: ['completed'],
  active: ['active'],
} as const;
const CALLS_QUERY = z
  .object({
    window: WINDOW,
    outcome: z.enum(['all', 'failed', 'answered', 'active']).default('all'),
    trunk: z.string().min(1).max(200).optional(),
    direction: z.enum(['inbound', 'outbound']).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();

const doc = (summary: string, query: z.ZodObject, body: string): RouteDoc => ({
  tag: 'analytics',
  summary,
  query,
  responses: {
    200: { description: 'OK', content: { 'application/json': { type: 'object', description: body } } },
  },
  errors: ['ST_INVALID_QUERY'],
});

function invalid(err: z.ZodError): Response {
  const issues = err.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  return json(400, {
    error: {
      code: 'ST_INVALID_QUERY',
      message: issues.map((i) => `${i.path}: ${i.message}`).join('; '),
      issues,
    },
  });
}

export interface ConsoleRoutesOptions {
  store: CallStore;
  config: Pick<SidetoneConfig, 'alerts' | 'store'>;
  live: () => Promise<LiveState>;
  now?: () => number;
}

/**
 * Mount the console's reads.
 * @example mountConsoleApi(app, { store, config, live: liveReader(registry, 'sidetone') });
 */
export function mountConsoleApi(app: App, o: ConsoleRoutesOptions): void {
  const now = o.now ?? Date.now;
  app.route(
    'GET',
    API_PATHS.console,
    async (_req, { url }) => {
      const q = CONSOLE_QUERY.safeParse(Object.fromEntries(url.searchParams));
      if (!q.success) return invalid(q.error);
      const [data, live] = await Promise.all([
        consoleData(o.store, q.data.window, {
          now: now(),
          alerts: o.config.alerts,
          maxActiveSeconds: o.config.store.zombie_max_seconds,
        }),
        o.live(),
      ]);
      const problems = await consoleProblems(o.store, data, live, o.config.alerts);
      const a = o.config.alerts;
      return json(200, {
        ...data,
        trunksLive: live.trunks,
        modems: live.modems,
        voiceAi: live.voiceAi,
        problems,
        thresholds: {
          nerMinPercent: a.ner_min_percent,
          kpiMinAttempts: a.kpi_min_attempts,
          mosMin: a.mos_min,
          signalMinDbm: a.signal_min_dbm,
          smsPendingMaxSeconds: a.sms_pending_max_seconds,
          smsFailureRatio: a.sms_failure_ratio,
          runbookUrl: a.runbook_url,
        },
        paths: app.paths,
      });
    },
    {
      auth: 'scrape',
      doc: doc(
        "The console's figures for a window (1h at 1-minute buckets, 6h at 5, 24h at 15, 7d hourly), its problems and the server's paths",
        CONSOLE_QUERY,
        '`calls`, `series`, `trunks`, `trunksLive`, `modems`, `sms`, `live`, `problems`, `thresholds`, `paths`',
      ),
    },
  );
  app.route(
    'GET',
    API_PATHS.calls,
    async (_req, { url }) => {
      const q = CALLS_QUERY.safeParse(Object.fromEntries(url.searchParams));
      if (!q.success) return invalid(q.error);
      const { window, outcome, trunk, direction, limit } = q.data;
      const from = now() - CONSOLE_WINDOWS[window].spanMs;
      // The newest calls of those statuses, then narrowed: bounded by 1000 rows read.
      const rows = await o.store.recentCalls({
        statuses: OUTCOMES[outcome] as readonly CallStatus[],
        limit: 1000,
      });
      const calls = rows
        .filter(
          (c) =>
            c.firstAt >= from &&
            (trunk === undefined || c.trunk === trunk) &&
            (direction === undefined || c.direction === direction),
        )
        .slice(0, limit)
        .map(toExportRow);
      return json(200, { calls });
    },
    {
      auth: 'scrape',
      doc: doc(
        'Recent calls, newest first, by outcome, trunk, direction and window',
        CALLS_QUERY,
        '`calls`: export rows, numbers masked',
      ),
    },
  );
}
