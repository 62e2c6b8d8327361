import type { z } from 'zod';
import type { ErrorCode } from '../error-codes.js';

/** A JSON Schema (2020-12) object, or a zod schema the OpenAPI document converts. */
export type DocSchema = z.ZodType | { readonly [key: string]: unknown };

/** One answer of a route: what it means, its body by media type and its headers. */
export interface DocResponse {
  description: string;
  content?: Readonly<Record<string, DocSchema>>;
  headers?: Readonly<Record<string, { description: string; schema: DocSchema }>>;
}

/**
 * What `/openapi.json` says about a route, given where the route is registered so a new route
 * documents itself (`app.route(method, path, handler, { auth, doc })`). Error answers are listed
 * by catalogue code: their statuses and texts come from src/error-codes.ts, and every route also
 * gets `ST_INTERNAL` (500) and, when it has auth, `ST_UNAUTHORIZED` (401) without saying so.
 *
 * @example
 * app.route('GET', '/metrics/sms', handler, {
 *   auth: 'scrape',
 *   doc: { tag: 'analytics', summary: 'SMS delivery summary', query: spanQuery,
 *          responses: { 200: { description: 'The summary', content: { 'application/json': {} } } },
 *          errors: ['ST_INVALID_QUERY'] },
 * });
 */
export interface RouteDoc {
  /** The group the route is listed under (ingest, analytics, health, metrics, docs). */
  tag: string;
  summary: string;
  description?: string;
  /** Query parameters: each key of the object is one parameter. */
  query?: z.ZodObject;
  /** The request body by media type. */
  body?: { description?: string; content: Readonly<Record<string, DocSchema>> };
  /** Answers by status (errors may add a body shape of their own here, e.g. a 503 with checks). */
  responses: Readonly<Record<number, DocResponse>>;
  /** Catalogue codes the route answers with besides the ones every route has. */
  errors?: readonly ErrorCode[];
}

/**
 * A route's document built when `/openapi.json` is (its zod schemas loaded then, not at start-up:
 * issue 39). `app.routes()` lists it as `lazyDoc`; the OpenAPI route resolves it.
 * @example app.route('GET', '/metrics/sms', handler, { doc: async () => (await import('./docs.js')).SMS_DOC });
 */
export type LazyRouteDoc = () => Promise<RouteDoc>;
