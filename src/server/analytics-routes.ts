import type { HealthIndicators, HealthOptions, HealthWarning } from '../analytics/health.js';
import type { VoiceView } from '../analytics/problems.js';
import { API_PATHS } from '../http/api-paths.js';
import type { App } from '../http/app.js';
import { errorResponse, json } from '../http/respond.js';
import type { LazyRouteDoc } from '../http/route-doc.js';
import type { Registry } from '../metrics/index.js';
import type { CallStore } from '../store/types.js';
import type { ANALYTICS_DOCS, QUERIES, Query } from './analytics-queries.js';

const DAY = 86_400_000;

// The query schemas and documents are zod's, loaded with the first request or document that needs
// them: zod alone is 60-80 ms of CPU and ~8 MiB of RSS that `sidetone serve` paid at start-up (issue 39).
let queries: Promise<typeof import('./analytics-queries.js')> | undefined;
const load = () => (queries ??= import('./analytics-queries.js'));
// So are the reads themselves (analytics/*: a dozen modules an idle sidecar does not run).
let reads: Promise<Reads> | undefined;
type Reads = typeof import('../analytics/index.js') &
  typeof import('../analytics/voice-skill.js') &
  Pick<typeof import('../analytics/export.js'), 'toExportRow' | 'toCallView'>;
const analytics = (): Promise<Reads> =>
  (reads ??= Promise.all([
    import('../analytics/index.js'),
    import('../analytics/voice-skill.js'),
    import('../analytics/export.js'),
  ]).then(([index, voice, { toExportRow, toCallView }]) => ({
    ...index,
    ...voice,
    toExportRow,
    toCallView,
  })));

/** 400 with the parameter and the reason, or the parsed query. */
const parse = async <K extends keyof typeof QUERIES>(kind: K, url: URL): Promise<Query<K> | Response> =>
  (await load()).parse(kind, url);
const docOf =
  (name: keyof typeof ANALYTICS_DOCS): LazyRouteDoc =>
  async () =>
    (await load()).ANALYTICS_DOCS[name];

export interface AnalyticsRoutesOptions {
  /** Used by `/metrics/health` and `POST /calls/cleanup`. */
  health?: HealthOptions;
  /** Numbers in exports and failures are masked unless this is on and the store keeps raw numbers. */
  reveal?: boolean;
  now?: () => number;
  /**
   * Exports streamed at once; past it 503 `ST_EXPORT_BUSY` with `Retry-After`. Default 2: each
   * takes the event loop in turns, and 20 at once held /healthz 3.6 s here (issue 47).
   */
  maxExports?: number;
  /** Where `<prefix>_exports_active` and `<prefix>_exports_refused_total{reason}` are registered. */
  registry?: Registry;
  /**
   * The voice agents now, as the console shows them (src/server/console-voice.ts): added to the
   * dashboard's answer as `voice` when given (a sidecar: its registry; a store alone has none).
   */
  voice?: () => VoiceView;
}

/** The voice-skill guide's threshold: "High failure rate | `success_rate < 80%`" (its VoiceCallSuccessRateLow alert). */
const VOICE_SKILL_MIN_SUCCESS_PERCENT = 80;

/**
 * The voice-skill's own verdict where NER has none: a trunk's NER is judged from
 * `alerts.kpi_min_attempts` attempts (20) in 15 minutes, so a low-volume agent (6 calls, half
 * failed) was answered healthy (issue 47). With no trunk judged, the hour's success rate is held
 * to the guide's 80 %; with enough attempts NER decides, as busy and no answer are not failures.
 */
function lowVolumeWarning(h: HealthIndicators): HealthWarning[] {
  const judged = h.ner.trunks.some((t) => t.attempts >= h.ner.minAttempts);
  if (judged || h.successRate === null || h.successRate >= VOICE_SKILL_MIN_SUCCESS_PERCENT) return [];
  return [
    {
      code: 'low_success_rate',
      message: `success_rate < ${VOICE_SKILL_MIN_SUCCESS_PERCENT} %: ${h.successRate} % of the ${h.finishedCalls} calls finished in the last hour completed (too few attempts for NER per trunk, alerts.kpi_min_attempts ${h.ner.minAttempts})`,
      value: h.successRate,
      threshold: VOICE_SKILL_MIN_SUCCESS_PERCENT,
    },
  ];
}

/** How long an export waits for its reader to take the next chunk before it is cut (its slot freed). */
const EXPORT_STALL_MS = 30_000;
/** What a refused export is told to wait: one export of 60k calls streams in a few seconds here. */
const EXPORT_RETRY_S = 5;

/**
 * Mount the analytics API on an app, its reads behind scrape auth and cleanup behind admin auth (the seed's paths):
 * `GET /metrics/dashboard?days=|hours=`, `/metrics/failures?limit=`, `/metrics/export?format=csv|json&days=`,
 * `/metrics/hourly?hours=`, `/metrics/daily?days=`, `/metrics/health`, and `POST /calls/cleanup`;
 * and sidetone's own: `/metrics/trunks?days=|hours=` (KPIs per trunk with an ASR trend),
 * `/metrics/sms?days=|hours=` (SMS delivery summary) and `/metrics/calls/<id>` (one call, by the id
 * it was sent with or its `cid:…` reference).
 *
 * @example
 * mountAnalytics(app, store, { health: { maxActiveSeconds: 14_400 } });
 */
export function mountAnalytics(app: App, store: CallStore, options: AnalyticsRoutesOptions = {}): void {
  const now = options.now ?? Date.now;
  const reveal = options.reveal ?? false;
  const exports = exportSlots(options.maxExports ?? 2, options.registry);
  const get = (path: string, doc: keyof typeof ANALYTICS_DOCS, handler: Parameters<App['route']>[2]) =>
    app.route('GET', path, handler, { auth: 'scrape', doc: docOf(doc) });

  const period = (q: { days?: number | undefined; hours?: number | undefined }) => {
    const to = now();
    return { from: to - (q.hours !== undefined ? q.hours * 3_600_000 : (q.days ?? 1) * DAY), to };
  };
  get(API_PATHS.dashboard, 'dashboard', async (_req, { url }) => {
    const q = await parse('dashboard', url);
    if (q instanceof Response) return q;
    const read = await analytics();
    const filters = {
      ...(q.trunk !== undefined && { trunk: q.trunk }),
      ...(q.direction !== undefined && { direction: q.direction }),
      ...(q.instance !== undefined && { instance: q.instance }),
    };
    const d = await read.dashboard(store, { ...period(q), ...filters });
    return json(200, options.voice === undefined ? d : { ...d, voice: options.voice() });
  });
  get(API_PATHS.trunks, 'trunks', async (_req, { url }) => {
    const q = await parse('span', url);
    if (q instanceof Response) return q;
    const read = await analytics();
    return json(200, await read.trunkKpis(store, period(q)));
  });
  get(API_PATHS.sms, 'sms', async (_req, { url }) => {
    const q = await parse('span', url);
    if (q instanceof Response) return q;
    const read = await analytics();
    return json(200, await read.smsSummary(store, period(q)));
  });
  get(API_PATHS.modems, 'modems', async (_req, { url }) => {
    const q = await parse('span', url);
    if (q instanceof Response) return q;
    const read = await analytics();
    return json(200, await read.modemHistory(store, period(q)));
  });
  get(API_PATHS.failures, 'failures', async (_req, { url }) => {
    const q = await parse('failures', url);
    if (q instanceof Response) return q;
    const read = await analytics();
    const rows = await read.failures(store, { limit: q.limit, reveal });
    return json(200, {
      failures: rows,
      count: rows.length,
      // Every failure of the period (a day unless days/hours say otherwise), by reason x trunk.
      groups: await read.failureGroups(store, period(q)),
    });
  });
  get(API_PATHS.hourly, 'hourly', async (_req, { url }) => {
    const q = await parse('hourly', url);
    if (q instanceof Response) return q;
    const read = await analytics();
    return json(200, read.hourlyAnswer(await read.hourly(store, { hours: q.hours, now: now() }), q.hours));
  });
  get(API_PATHS.daily, 'daily', async (_req, { url }) => {
    const q = await parse('daily', url);
    if (q instanceof Response) return q;
    const read = await analytics();
    return json(200, read.dailyAnswer(await read.daily(store, { days: q.days, now: now() }), q.days));
  });
  get(API_PATHS.health, 'health', async (_req, { url }) => {
    const q = await parse('health', url);
    if (q instanceof Response) return q;
    const read = await analytics();
    const at = now();
    const h = await read.healthIndicators(store, { ...options.health, now: at });
    const warnings = [...h.warnings, ...lowVolumeWarning(h)];
    // The voice-skill contract: 200 healthy, 503 degraded with the reasons in `warnings`; its
    // `indicators` keys, then sidetone's own fields.
    return json(warnings.length === 0 ? 200 : 503, {
      ...h,
      warnings,
      status: warnings.length === 0 ? 'healthy' : 'degraded',
      timestamp: new Date(at).toISOString(),
      indicators: {
        calls_last_hour: h.calls,
        success_rate: h.successRate,
        active_calls: h.activeCalls,
        avg_duration: h.avgDurationSeconds,
      },
    });
  });
  get(API_PATHS.export, 'export', async (_req, { url }) => {
    const q = await parse('export', url);
    if (q instanceof Response) return q;
    const release = exports.take();
    if (release === undefined) {
      return errorResponse(
        'ST_EXPORT_BUSY',
        `${exports.active} exports are streaming, the most at once: retry after ${EXPORT_RETRY_S} s`,
        { 'retry-after': String(EXPORT_RETRY_S) },
      );
    }
    let chunks: AsyncIterator<string>;
    const to = now();
    try {
      chunks = (await analytics())
        .exportCalls(store, { from: to - q.days * DAY, to, format: q.format, reveal })
        [Symbol.asyncIterator]();
    } catch (err) {
      release('done');
      throw err;
    }
    const encoder = new TextEncoder();
    let stall: ReturnType<typeof setTimeout> | undefined;
    const end = (how: 'done' | 'stalled') => {
      clearTimeout(stall);
      release(how);
    };
    // Pull-based stream: the next chunk is read from the store only when the client takes the
    // previous one, so a 1M-call export runs in constant memory. A reader that stops taking
    // chunks has its export cut after EXPORT_STALL_MS, so it cannot hold a slot for ever.
    const arm = (controller: ReadableStreamDefaultController<Uint8Array>) => {
      stall = setTimeout(() => {
        end('stalled');
        controller.error(new Error('the export reader took no chunk for 30 s'));
        void chunks.return?.();
      }, EXPORT_STALL_MS);
      stall.unref();
    };
    const body = new ReadableStream<Uint8Array>({
      start: arm,
      async pull(controller) {
        clearTimeout(stall);
        try {
          const { done, value } = await chunks.next();
          if (done) {
            end('done');
            controller.close();
            return;
          }
          controller.enqueue(encoder.encode(value));
          arm(controller);
        } catch (err) {
          end('done');
          throw err;
        }
      },
      async cancel() {
        end('done');
        await chunks.return?.();
      },
    });
    const stamp = new Date(to).toISOString().slice(0, 10);
    return new Response(body, {
      headers: {
        'content-type': q.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
        'content-disposition': `attachment; filename="calls-${stamp}.${q.format}"`,
      },
    });
  });
  // One call by its id: the store hashes the id given with its key, so the id a PBX logged finds
  // the call, as does the `cid:…` reference exports and logs show.
  get(API_PATHS.call, 'call', async (_req, { url, params }) => {
    const q = await parse('health', url);
    if (q instanceof Response) return q;
    const read = await analytics();
    const call = await store.getCall(params?.id ?? '');
    if (call === undefined)
      return errorResponse(
        'ST_NOT_FOUND',
        'no call with this id in the store (kept for store.retention_days)',
      );
    // With its end-to-end call when other legs of it are stored (a B2BUA's, hep.leg_correlation).
    return json(200, read.toCallView(call));
  });
  const cleanup: Parameters<App['route']>[2] = async () => {
    const max = options.health?.maxActiveSeconds ?? 14_400;
    return json(200, { closed: await store.closeZombies(max, now()), maxActiveSeconds: max });
  };
  // It changes stored data: an admin token's, never a scrape token's (docs/http.md, Route scopes).
  app.route('POST', API_PATHS.cleanup, cleanup, { auth: 'admin', doc: docOf('cleanup') });
  // The voice-skill's name for the same action (docs/compat/voice-skill.md).
  app.route('POST', '/cleanup-stale-calls', cleanup, { auth: 'admin', doc: docOf('cleanup') });
}

/**
 * The exports streaming at once: `take()` gives a release (call it once the export ends), or
 * undefined when all `max` slots are taken (counted as refused, reason busy).
 */
function exportSlots(max: number, registry: Registry | undefined) {
  let active = 0;
  const refused = { busy: 0, stalled: 0 };
  if (registry !== undefined) {
    registry.gauge({
      name: `${registry.prefix}_exports_active`,
      help: 'Call exports (GET /metrics/export) streaming now',
      collect: (g) => g.set(active),
    });
    registry.counter({
      name: `${registry.prefix}_exports_refused_total`,
      help: 'Call exports refused (busy: all slots taken, answered 503) or cut (stalled: the reader took no chunk for 30 s)',
      labels: ['reason'],
      enums: { reason: ['busy', 'stalled'] },
      collect: (c) => {
        c.set({ reason: 'busy' }, refused.busy);
        c.set({ reason: 'stalled' }, refused.stalled);
      },
    });
  }
  return {
    get active() {
      return active;
    },
    take(): ((how: 'done' | 'stalled') => void) | undefined {
      if (active >= max) {
        refused.busy++;
        return undefined;
      }
      active++;
      let released = false;
      return (how) => {
        if (released) return;
        released = true;
        active--;
        if (how === 'stalled') refused.stalled++;
      };
    },
  };
}
