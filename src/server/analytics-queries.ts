/**
 * The analytics routes' query schemas (zod) and their documents: loaded by the first request that
 * reads a query, or by the first `/openapi.json`, not at start-up (analytics-routes.ts; issue 39).
 */
import { z } from 'zod';
import { EXPORT_DEFAULTS } from '../analytics/export.js';
import { TURN_SEGMENTS } from '../domain/vocab.js';
import { json } from '../http/respond.js';
import type { RouteDoc } from '../http/route-doc.js';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

// Query schemas: the seed's parameter names, so its users can switch without changing dashboards.
export const QUERIES = {
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

export type Query<K extends keyof typeof QUERIES> = z.output<(typeof QUERIES)[K]>;

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
    `\`call\`: the record as an export row; \`call.sip_flow\` its SIP ladder when the capture kept one (failed calls, and \`hep.flow_sample\` of answered ones; else null): \`[{at_ms, from, to, label, method, code?, reason?}]\`, \`from\`/\`to\` roles (caller, proxy, proxy_2.., callee, other), never addresses or numbers; \`call.media\` its media per direction, the worst of each stream's reports (null when no report named a stream): \`[{direction, mos, jitter_ms, loss_percent, rtt_ms, codec}]\`; \`call.turns\` the voice agent's first 64 turns (null without): \`[{turn, at_ms, heard_silence_ms, caller_ear_ms?, segments: {${TURN_SEGMENTS.map((s) => `${s}?`).join(', ')}}, interrupted, dead_air, llm_calls?, tool_calls?, tool_errors?, eou_probability?, eou_endpointing_delay_ms?, eou_detection_delay_ms?, transcript_confidence?}]\`, \`at_ms\` after the call started, the segments adding up to the heard silence (a stage not reported is absent, never 0), \`caller_ear_ms\` the silence at the caller's ear (the heard silence plus the phone leg's RTCP round trip and each direction's jitter, a lower bound; absent without a round trip), no transcript or caller identity; \`end_to_end\` (only for a B2BUA call whose other legs are stored, \`hep.leg_correlation\`): \`{id, outcome, failed_leg, pdd_ms, legs: [{leg, ...export row}]}\`, A first, the outcome as the caller experienced it and the leg that failed (RFC 6076)`,
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
export function parse<K extends keyof typeof QUERIES>(kind: K, url: URL): Query<K> | Response {
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
  errors: ['ST_INVALID_QUERY', 'ST_EXPORT_BUSY'],
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

/** What `/openapi.json` says about each analytics route, by its name in API_PATHS. */
export const ANALYTICS_DOCS = {
  dashboard: readDoc(
    'Call KPIs over a period (the seed dashboard shape)',
    'dashboard',
    'Totals, rates, percentiles and breakdowns; `endToEnd` (`{calls, linked, asr, pddMs, failedLeg: {a, b}, truncated}`) over the end-to-end calls of a B2BUA whose legs `hep.leg_correlation` links, each counted once, absent without (docs/kpis.md)',
    `${PERIOD} Filter by trunk, direction or fleet instance.`,
  ),
  trunks: readDoc('KPIs per trunk with an ASR trend', 'span', 'Per-trunk KPIs', PERIOD),
  sms: readDoc('SMS delivery summary', 'span', 'Sent, failed, delivered and pending SMS', PERIOD),
  modems: readDoc(
    "Each modem's history: signal and RSRP trend (the worst sample per bucket), reconnects, and its registration and reconnect timeline, from the stored samples",
    'span',
    '`period`, `modems` (per modem: `signal`, `rsrp`, `reconnects`, `initial`, `trend`, `bucketMs`, `timeline`)',
    PERIOD,
  ),
  failures: readDoc(
    'Recent failed calls and failures grouped by reason and trunk',
    'failures',
    '`failures` (newest first, numbers masked), their `count`, and `groups`',
  ),
  hourly: readDoc(
    'Hourly call series',
    'hourly',
    '`series` and `timeseries` (the voice-skill keys): one bucket per hour',
  ),
  daily: readDoc(
    'Daily call series',
    'daily',
    '`series` and `timeseries` (the voice-skill keys): one bucket per day',
  ),
  health: HEALTH_DOC,
  export: EXPORT_DOC,
  call: CALL_DOC,
  cleanup: CLEANUP_DOC,
} satisfies Record<string, RouteDoc>;
