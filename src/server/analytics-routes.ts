import { z } from 'zod';
import { EXPORT_DEFAULTS, toExportRow } from '../analytics/export.js';
import type { HealthOptions } from '../analytics/health.js';
import {
  daily,
  dashboard,
  exportCalls,
  failureGroups,
  failures,
  healthIndicators,
  hourly,
  modemHistory,
  smsSummary,
  trunkKpis,
} from '../analytics/index.js';
import { dailyAnswer, hourlyAnswer } from '../analytics/voice-skill.js';
import { API_PATHS } from '../http/api-paths.js';
import type { App } from '../http/app.js';
import { errorResponse, json } from '../http/respond.js';
import type { RouteDoc } from '../http/route-doc.js';
import type { CallStore } from '../store/types.js';

const DAY = 86_400_000;
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

// Query schemas: the seed's parameter names, so its users can switch without changing dashboards.
const QUERIES = {
  dashboard: z
    .object({
      days: int(1, 366).optional(),
      hours: int(1, 24 * 366).optional(),
      // The per-trunk (or per-direction) view: the same KPIs over the calls of one trunk.
      trunk: z.string().min(1).max(200).optional(),
      direction: z.enum(['inbound', 'outbound']).optional(),
      // One instance of a fleet sharing a PostgreSQL store (`store.instance`); unset: all of them.
      instance: z.string().min(1).max(64).optional(),
    })
    .strict(),
  failures: z
    .object({
      limit: int(1, 1000).default(50),
      days: int(1, 366).optional(),
      hours: int(1, 24 * 366).optional(),
    })
    .strict(),
  // The voice-skill's defaults: JSON, the last 30 days.
  export: z
    .object({
      format: z.enum(['csv', 'json']).default(EXPORT_DEFAULTS.format),
      days: int(1, 3660).default(EXPORT_DEFAULTS.days),
    })
    .strict(),
  hourly: z.object({ hours: int(1, 24 * 366).default(24) }).strict(),
  daily: z.object({ days: int(1, 3660).default(30) }).strict(),
  health: z.object({}).strict(),
  span: z.object({ days: int(1, 366).optional(), hours: int(1, 24 * 366).optional() }).strict(),
};

type Query<K extends keyof typeof QUERIES> = z.output<(typeof QUERIES)[K]>;

const JSON_OBJECT = (description: string) => ({ 'application/json': { type: 'object', description } });

/** What `/openapi.json` says about a read route: its query schema is the one `parse` uses. */
function readDoc(summary: string, query: keyof typeof QUERIES, body: string, description?: string): RouteDoc {
  return {
    tag: 'analytics',
    summary,
    ...(description !== undefined && { description }),
    query: QUERIES[query],
    responses: { 200: { description: 'OK', content: JSON_OBJECT(body) } },
    errors: ['ST_INVALID_QUERY'],
  };
}

const CALL_DOC: RouteDoc = {
  ...readDoc(
    'One call by its id: the Call-ID as the PBX logged it, or the `cid:` reference exports and logs show',
    'health',
    "`call`: the record as an export row; `call.sip_flow` its SIP ladder when the capture kept one (failed calls, and `hep.flow_sample` of answered ones; else null): `[{at_ms, from, to, label, method, code?, reason?}]`, `from`/`to` roles (caller, proxy, proxy_2.., callee, other), never addresses or numbers; `call.media` its media per direction, the worst of each stream's reports (null when no report named a stream): `[{direction, mos, jitter_ms, loss_percent, rtt_ms, codec}]`; `call.turns` the voice agent's first 64 turns (null without): `[{turn, at_ms, heard_silence_ms, segments: {stt?, endpointing?, llm_ttft?, tts_ttfb?, remainder?, unattributed?}, interrupted, dead_air}]`, `at_ms` after the call started, the segments adding up to the heard silence (a stage not reported is absent, never 0), no transcript or caller identity",
  ),
  errors: ['ST_INVALID_QUERY', 'ST_NOT_FOUND'],
};

const PERIOD = 'The period is the last `hours`, else the last `days` (default 1 day).';
const CLEANUP_DOC: RouteDoc = {
  tag: 'analytics',
  summary: 'Close calls open longer than the zombie limit (store.zombie_max_seconds)',
  responses: {
    200: {
      description: 'How many calls were closed',
      content: {
        'application/json': z.object({ closed: z.int().min(0), maxActiveSeconds: z.number().positive() }),
      },
    },
  },
};

/** 400 with the parameter and the reason, or the parsed query. */
function parse<K extends keyof typeof QUERIES>(kind: K, url: URL): Query<K> | Response {
  const r = QUERIES[kind].safeParse(Object.fromEntries(url.searchParams));
  if (r.success) return r.data as Query<K>;
  const errors = r.error.issues.map((i) => ({
    path: i.path.join('.') || (i.code === 'unrecognized_keys' ? i.keys.join(',') : ''),
    message:
      i.code === 'unrecognized_keys'
        ? `unknown parameter; accepted: ${Object.keys(QUERIES[kind].shape).join(', ') || 'none'}`
        : i.message,
  }));
  const message = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
  return json(400, { error: { code: 'ST_INVALID_QUERY', message, issues: errors } });
}

const HEALTH_DOC: RouteDoc = {
  ...readDoc('Call-quality indicators of the last hour (voice-skill contract)', 'health', ''),
  responses: {
    200: { description: 'Healthy', content: JSON_OBJECT('`status` healthy, `indicators`, `warnings`') },
    503: { description: 'Degraded: `warnings` give the reasons', content: JSON_OBJECT('`status` degraded') },
  },
};

const EXPORT_DOC: RouteDoc = {
  ...readDoc('Export the calls of the last `days`, streamed', 'export', ''),
  responses: {
    200: {
      description: 'One row per call, numbers masked',
      content: {
        'text/csv; charset=utf-8': { type: 'string' },
        'application/json': { type: 'array', items: { type: 'object' } },
      },
    },
  },
};

export interface AnalyticsRoutesOptions {
  /** Used by `/metrics/health` and `POST /calls/cleanup`. */
  health?: HealthOptions;
  /** Numbers in exports and failures are masked unless this is on and the store keeps raw numbers. */
  reveal?: boolean;
  now?: () => number;
}

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
  const get = (path: string, doc: RouteDoc, handler: Parameters<App['route']>[2]) =>
    app.route('GET', path, handler, { auth: 'scrape', doc });

  const period = (q: { days?: number | undefined; hours?: number | undefined }) => {
    const to = now();
    return { from: to - (q.hours !== undefined ? q.hours * 3_600_000 : (q.days ?? 1) * DAY), to };
  };
  get(
    API_PATHS.dashboard,
    readDoc(
      'Call KPIs over a period (the seed dashboard shape)',
      'dashboard',
      'Totals, rates, percentiles and breakdowns',
      `${PERIOD} Filter by trunk, direction or fleet instance.`,
    ),
    async (_req, { url }) => {
      const q = parse('dashboard', url);
      if (q instanceof Response) return q;
      const filters = {
        ...(q.trunk !== undefined && { trunk: q.trunk }),
        ...(q.direction !== undefined && { direction: q.direction }),
        ...(q.instance !== undefined && { instance: q.instance }),
      };
      return json(200, await dashboard(store, { ...period(q), ...filters }));
    },
  );
  get(
    API_PATHS.trunks,
    readDoc('KPIs per trunk with an ASR trend', 'span', 'Per-trunk KPIs', PERIOD),
    async (_req, { url }) => {
      const q = parse('span', url);
      if (q instanceof Response) return q;
      return json(200, await trunkKpis(store, period(q)));
    },
  );
  get(
    API_PATHS.sms,
    readDoc('SMS delivery summary', 'span', 'Sent, failed, delivered and pending SMS', PERIOD),
    async (_req, { url }) => {
      const q = parse('span', url);
      if (q instanceof Response) return q;
      return json(200, await smsSummary(store, period(q)));
    },
  );
  get(
    API_PATHS.modems,
    readDoc(
      "Each modem's history: signal and RSRP trend (the worst sample per bucket), reconnects, and its registration and reconnect timeline, from the stored samples",
      'span',
      '`period`, `modems` (per modem: `signal`, `rsrp`, `reconnects`, `initial`, `trend`, `bucketMs`, `timeline`)',
      PERIOD,
    ),
    async (_req, { url }) => {
      const q = parse('span', url);
      if (q instanceof Response) return q;
      return json(200, await modemHistory(store, period(q)));
    },
  );
  get(
    API_PATHS.failures,
    readDoc(
      'Recent failed calls and failures grouped by reason and trunk',
      'failures',
      '`failures` (newest first, numbers masked), their `count`, and `groups`',
    ),
    async (_req, { url }) => {
      const q = parse('failures', url);
      if (q instanceof Response) return q;
      const rows = await failures(store, { limit: q.limit, reveal });
      return json(200, {
        failures: rows,
        count: rows.length,
        // Every failure of the period (a day unless days/hours say otherwise), by reason x trunk.
        groups: await failureGroups(store, period(q)),
      });
    },
  );
  get(
    API_PATHS.hourly,
    readDoc(
      'Hourly call series',
      'hourly',
      '`series` and `timeseries` (the voice-skill keys): one bucket per hour',
    ),
    async (_req, { url }) => {
      const q = parse('hourly', url);
      if (q instanceof Response) return q;
      return json(200, hourlyAnswer(await hourly(store, { hours: q.hours, now: now() }), q.hours));
    },
  );
  get(
    API_PATHS.daily,
    readDoc(
      'Daily call series',
      'daily',
      '`series` and `timeseries` (the voice-skill keys): one bucket per day',
    ),
    async (_req, { url }) => {
      const q = parse('daily', url);
      if (q instanceof Response) return q;
      return json(200, dailyAnswer(await daily(store, { days: q.days, now: now() }), q.days));
    },
  );
  get(API_PATHS.health, HEALTH_DOC, async (_req, { url }) => {
    const q = parse('health', url);
    if (q instanceof Response) return q;
    const at = now();
    const h = await healthIndicators(store, { ...options.health, now: at });
    // The voice-skill contract: 200 healthy, 503 degraded with the reasons in `warnings`; its
    // `indicators` keys, then sidetone's own fields.
    return json(h.status === 'ok' ? 200 : 503, {
      ...h,
      status: h.status === 'ok' ? 'healthy' : 'degraded',
      timestamp: new Date(at).toISOString(),
      indicators: {
        calls_last_hour: h.calls,
        success_rate: h.successRate,
        active_calls: h.activeCalls,
        avg_duration: h.avgDurationSeconds,
      },
    });
  });
  get(API_PATHS.export, EXPORT_DOC, async (_req, { url }) => {
    const q = parse('export', url);
    if (q instanceof Response) return q;
    const to = now();
    const chunks = exportCalls(store, { from: to - q.days * DAY, to, format: q.format, reveal })[
      Symbol.asyncIterator
    ]();
    const encoder = new TextEncoder();
    // Pull-based stream: the next chunk is read from the store only when the client takes the
    // previous one, so a 1M-call export runs in constant memory.
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(encoder.encode(value));
      },
      async cancel() {
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
  get(API_PATHS.call, CALL_DOC, async (_req, { url, params }) => {
    const q = parse('health', url);
    if (q instanceof Response) return q;
    const call = await store.getCall(params?.id ?? '');
    if (call === undefined)
      return errorResponse(
        'ST_NOT_FOUND',
        'no call with this id in the store (kept for store.retention_days)',
      );
    return json(200, { call: toExportRow(call) });
  });
  const cleanup: Parameters<App['route']>[2] = async () => {
    const max = options.health?.maxActiveSeconds ?? 14_400;
    return json(200, { closed: await store.closeZombies(max, now()), maxActiveSeconds: max });
  };
  // It changes stored data: an admin token's, never a scrape token's (docs/http.md, Route scopes).
  app.route('POST', API_PATHS.cleanup, cleanup, { auth: 'admin', doc: CLEANUP_DOC });
  // The voice-skill's name for the same action (docs/compat/voice-skill.md).
  app.route('POST', '/cleanup-stale-calls', cleanup, { auth: 'admin', doc: CLEANUP_DOC });
}
