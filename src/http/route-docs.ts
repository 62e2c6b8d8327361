import type { RouteDoc } from './route-doc.js';

/**
 * What `/openapi.json` says about the routes `createApp` registers itself, as JSON Schema (2020-12)
 * written out, not zod: `createApp` is on the root import, which loads no zod. A test checks every
 * documented answer against a real one (test/openapi/openapi.test.ts).
 */

const check = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['pass', 'fail', 'unknown'] },
    detail: { type: 'string', description: 'Short cause, sanitised (no addresses, numbers or secrets)' },
    age_seconds: { description: 'Age of the result; null: never reported', type: ['number', 'null'] },
    critical: { type: 'boolean', description: 'Whether readiness depends on it' },
  },
  required: ['status', 'detail', 'age_seconds', 'critical'],
};

const readiness = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ready', 'degraded'] },
    checks: {
      type: 'object',
      propertyNames: { type: 'string' },
      additionalProperties: check,
      description: 'Every check by name',
    },
  },
  required: ['status', 'checks'],
  description: 'The readiness report',
};

/** A count: an integer 0..2^53-1, as zod's `z.int().min(0)` says it. */
const count = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER };

const retryAfter = {
  'Retry-After': { description: 'Seconds to wait before retrying', schema: count },
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
        'application/json': {
          type: 'object',
          properties: {
            status: { type: 'string', const: 'ok' },
            uptime_seconds: { type: 'number', minimum: 0 },
            version: { type: 'string' },
            active_calls: { description: 'Calls in progress; absent when no pack counts calls', ...count },
          },
          required: ['status', 'uptime_seconds', 'version'],
        },
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

const compat = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ready', 'degraded'] },
    uptime_seconds: { type: 'number', minimum: 0 },
  },
  required: ['status', 'uptime_seconds'],
  additionalProperties: { type: 'boolean' },
  description: 'Each further field is true when its check passes (modem_connected, sms_store_ready)',
};

export const COMPAT_HEALTHZ_DOC: RouteDoc = {
  tag: 'health',
  summary: 'Readiness in the single-URL shape (health.compat_healthz)',
  responses: {
    200: { description: 'Ready', content: { 'application/json': compat } },
    503: { description: 'Not ready', content: { 'application/json': compat } },
  },
};
