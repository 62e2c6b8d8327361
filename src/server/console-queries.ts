/**
 * The console routes' query schemas (zod), their documents and the reads they run: loaded by the
 * first request or `/openapi.json` that needs them, not at start-up (console-routes.ts; issue 39).
 */
import { z } from 'zod';
import { FAILURE_STATUSES } from '../analytics/failures.js';
import { CONSOLE_WINDOWS, type ConsoleWindow } from '../analytics/windows.js';
import { CALL_STATUSES } from '../domain/records.js';
import { json } from '../http/respond.js';
import type { RouteDoc } from '../http/route-doc.js';

const WINDOW = z.enum(Object.keys(CONSOLE_WINDOWS) as [ConsoleWindow, ...ConsoleWindow[]]).default('24h');
const CONSOLE_QUERY = z.object({ window: WINDOW }).strict();
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

/** The call list's outcomes: the statuses each stands for. */
export const OUTCOMES = {
  all: CALL_STATUSES,
  failed: FAILURE_STATUSES,
  answered: ['completed'],
  active: ['active'],
} as const;

const QUERIES = { console: CONSOLE_QUERY, calls: CALLS_QUERY };

/** The parsed query, or 400 with each parameter and the reason. */
export function parse<K extends keyof typeof QUERIES>(
  kind: K,
  url: URL,
): z.output<(typeof QUERIES)[K]> | Response {
  const q = QUERIES[kind].safeParse(Object.fromEntries(url.searchParams));
  return q.success ? (q.data as z.output<(typeof QUERIES)[K]>) : invalid(q.error);
}

/** What `/openapi.json` says about each console route. */
export const CONSOLE_DOCS = {
  console: doc(
    "The console's figures for a window (1h at 1-minute buckets, 6h at 5, 24h at 15, 7d hourly), its problems and the server's paths",
    CONSOLE_QUERY,
    "`calls`, `series`, `trunks`, `trunksLive`, `modems`, `sms`, `live`, `voiceAi`, `voice` (per agent over the voice alerts' windows: `{silenceWindowMinutes, deadAirWindowMinutes, agents: [{agent, turns, silenceP50Ms, silenceP95Ms, slowestSegment: {segment, meanMs, sharePercent} | null, deadAirWindowTurns, deadAirTurns, deadAirRatio, interruptions: {kind: n}}]}`), `problems` (every shipped alert whose condition holds), `thresholds`, `paths`",
  ),
  calls: doc(
    'Recent calls, newest first, by outcome, trunk, direction and window',
    CALLS_QUERY,
    "`calls`: export rows, numbers masked; the legs of one end-to-end call (a B2BUA's, `hep.leg_correlation`) make one row, its A leg's, with `end_to_end`: `{id, outcome, failed_leg, pdd_ms, legs: [{leg, call_id, trunk, direction, outcome, pdd_ms}]}`, A first, the outcome as the caller experienced it",
  ),
};

export { listRows } from '../analytics/call-list.js';
export { consoleData } from '../analytics/console.js';
export { consoleProblems } from '../analytics/problems.js';
