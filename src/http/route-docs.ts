import { z } from 'zod';
import type { RouteDoc } from './route-doc.js';

/**
 * What `/openapi.json` says about the routes `createApp` registers itself. The body shapes are
 * written as zod schemas (converted to JSON Schema when the document is built) and kept beside
 * the routes' code by a test that checks every documented answer against a real one.
 */

const check = z.object({
  status: z.enum(['pass', 'fail', 'unknown']),
  detail: z.string().meta({ description: 'Short cause, sanitised (no addresses, numbers or secrets)' }),
  age_seconds: z.number().nullable().meta({ description: 'Age of the result; null: never reported' }),
  critical: z.boolean().meta({ description: 'Whether readiness depends on it' }),
});

const readiness = z
  .object({
    status: z.enum(['ready', 'degraded']),
    checks: z.record(z.string(), check).meta({ description: 'Every check by name' }),
  })
  .meta({ description: 'The readiness report' });

const retryAfter = {
  'Retry-After': { description: 'Seconds to wait before retrying', schema: z.int().min(0) },
};

export const LIVENESS_DOC: RouteDoc = {
  tag: 'health',
  summary: 'Liveness: the process answers',
  description:
    'Runs no check (a liveness probe failing on a dependency would restart a healthy process); use the readiness route for dependencies.',
  responses: {
    200: {
      description: 'Alive',
      content: {
        'application/json': z.object({
          status: z.literal('ok'),
          uptime_seconds: z.number().min(0),
          version: z.string(),
          active_calls: z
            .int()
            .min(0)
            .optional()
            .meta({ description: 'Calls in progress; absent when no pack counts calls' }),
        }),
      },
    },
  },
};

export const READINESS_DOC: RouteDoc = {
  tag: 'health',
  summary: 'Readiness: 200 only when every critical check passes',
  description:
    'Degraded, unknown (timed out, stale) or failing critical checks answer 503 with each check and its cause.',
  responses: {
    200: { description: 'Ready', content: { 'application/json': readiness } },
    503: {
      description: 'Not ready: a critical check failed or is unknown',
      content: { 'application/json': readiness },
    },
  },
};

export const METRICS_DOC: RouteDoc = {
  tag: 'metrics',
  summary: 'Prometheus scrape',
  description:
    'The format follows `Accept`: Prometheus text 0.0.4 (default), OpenMetrics 1.0.0, or the Prometheus protobuf format (native histograms); gzip when `Accept-Encoding` allows it.',
  responses: {
    200: {
      description: 'The exposition',
      content: {
        'text/plain; version=0.0.4; charset=utf-8': { type: 'string' },
        'application/openmetrics-text; version=1.0.0; charset=utf-8': { type: 'string' },
        'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited': {
          type: 'string',
          contentMediaType: 'application/octet-stream',
        },
      },
    },
    503: { description: 'More concurrent scrapes than allowed', headers: retryAfter },
  },
  errors: ['ST_SCRAPE_OVERLOADED', 'ST_RENDER_FAILED'],
};

const compat = z
  .object({ status: z.enum(['ready', 'degraded']), uptime_seconds: z.number().min(0) })
  .catchall(z.boolean())
  .meta({
    description: 'Each further field is true when its check passes (modem_connected, sms_store_ready)',
  });

export const COMPAT_HEALTHZ_DOC: RouteDoc = {
  tag: 'health',
  summary: 'Readiness in the single-URL shape (health.compat_healthz)',
  responses: {
    200: { description: 'Ready', content: { 'application/json': compat } },
    503: { description: 'Not ready', content: { 'application/json': compat } },
  },
};
