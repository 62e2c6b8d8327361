/**
 * The console's API: `GET /metrics/console` (every figure of the page for a window, the problems
 * strip, the server's paths) and `GET /metrics/calls` (the call list). Scrape auth, like every read.
 */
import type { LiveState } from '../analytics/problems.js';
import { CONSOLE_WINDOWS } from '../analytics/windows.js';
import type { SidetoneConfig } from '../config/schema.js';
import type { CallStatus } from '../domain/records.js';
import { API_PATHS } from '../http/api-paths.js';
import type { App } from '../http/app.js';
import { json } from '../http/respond.js';
import type { LazyRouteDoc } from '../http/route-doc.js';
import type { CallStore } from '../store/types.js';
import { voiceView } from './console-voice.js';

// The query schemas and documents are zod's, loaded with the first request or document that needs
// them, not at start-up (issue 39), with the reads the routes run.
let queries: Promise<typeof import('./console-queries.js')> | undefined;
const load = () => (queries ??= import('./console-queries.js'));
const docOf =
  (name: 'console' | 'calls'): LazyRouteDoc =>
  async () =>
    (await load()).CONSOLE_DOCS[name];

export interface ConsoleRoutesOptions {
  store: CallStore;
  config: Pick<SidetoneConfig, 'alerts' | 'store'>;
  live: () => Promise<LiveState>;
  now?: () => number;
}

/**
 * Mount the console's reads.
 * @example mountConsoleApi(app, { store, config, live: liveReader(registry, 'sidetone', consoleWindows(registry, 'sidetone')) });
 */
export function mountConsoleApi(app: App, o: ConsoleRoutesOptions): void {
  const now = o.now ?? Date.now;
  app.route(
    'GET',
    API_PATHS.console,
    async (_req, { url }) => {
      const { parse, consoleData, consoleProblems } = await load();
      const q = parse('console', url);
      if (q instanceof Response) return q;
      const [data, live] = await Promise.all([
        consoleData(o.store, q.window, {
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
        voice: voiceView(live.voice, live.humanConnect),
        problems,
        thresholds: {
          nerMinPercent: a.ner_min_percent,
          kpiMinAttempts: a.kpi_min_attempts,
          mosMin: a.mos_min,
          signalMinDbm: a.signal_min_dbm,
          smsPendingMaxSeconds: a.sms_pending_max_seconds,
          smsFailureRatio: a.sms_failure_ratio,
          voiceSilenceP95Seconds: a.voice_silence_p95_seconds,
          voiceDeadAirRatio: a.voice_dead_air_ratio,
          voiceMinTurns: a.voice_min_turns,
          humanConnectMinRatio: a.human_connect_min_ratio,
          runbookUrl: a.runbook_url,
        },
        paths: app.paths,
      });
    },
    {
      auth: 'scrape',
      doc: docOf('console'),
    },
  );
  app.route(
    'GET',
    API_PATHS.calls,
    async (_req, { url }) => {
      const { parse, OUTCOMES, listRows } = await load();
      const q = parse('calls', url);
      if (q instanceof Response) return q;
      const { window, outcome, trunk, direction, limit } = q;
      const from = now() - CONSOLE_WINDOWS[window].spanMs;
      // The newest calls of those statuses, then narrowed: bounded by 1000 rows read.
      const rows = await o.store.recentCalls({
        statuses: OUTCOMES[outcome] as readonly CallStatus[],
        limit: 1000,
      });
      const matching = rows.filter(
        (c) =>
          c.firstAt >= from &&
          (trunk === undefined || c.trunk === trunk) &&
          (direction === undefined || c.direction === direction),
      );
      // One row per end-to-end call where legs are linked (analytics/call-list.ts).
      return json(200, { calls: await listRows(o.store, matching, limit) });
    },
    {
      auth: 'scrape',
      doc: docOf('calls'),
    },
  );
}
