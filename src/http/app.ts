import { exportHealthMetrics } from '../health/metrics.js';
import { HealthRegistry } from '../health/registry.js';
import type { RefusalReason } from '../logs/audit.js';
import type { Registry } from '../metrics/index.js';
import { sidetoneVersion } from '../runtime/version.js';
import type { Credentials } from './auth.js';
import {
  type CompatHealthzOptions,
  compatHealthzRoute,
  livenessRoute,
  readinessRoute,
  uptimeSeconds,
} from './health-routes.js';
import { metricsAnswer, metricsRouteOf } from './metrics-route.js';
import { normalisePath, urlPathname } from './path.js';
import { FORBIDDEN_METHODS, type HttpRequest, LazyBody, webRequest } from './request.js';
import type { RequestMetrics } from './request-metrics.js';
import {
  errorReply,
  isResponse,
  type JsonReply,
  type Reply,
  toErrorReply,
  toResponse,
  withoutBody,
} from './respond.js';
import type { LazyRouteDoc, RouteDoc } from './route-doc.js';
import { COMPAT_HEALTHZ_DOC, LIVENESS_DOC, METRICS_DOC, READINESS_DOC } from './route-docs.js';
import {
  type AuthKind,
  type Handler,
  type Match,
  type RouteContext,
  type RouteInfo,
  Router,
} from './router.js';
import { SCOPE_SETTING, SCOPE_VERB, ScopeGate } from './scopes.js';

export interface AppOptions {
  /** Served on `paths.metrics` when given. */
  registry?: Registry;
  /** Checks behind the readiness route; an empty registry (always ready) when omitted. */
  health?: HealthRegistry;
  /**
   * Credentials per scope (docs/http.md, "Route scopes"). A scope with nothing that grants it is
   * open, except `admin`: its routes change stored data, so they are open only while no
   * credential of any scope is configured.
   */
  auth?: {
    /** For `/metrics` and every `scrape` route (analytics): they read. */
    scrape?: Credentials;
    /** For `ingest` routes (`/events`); separate so a webhook sender cannot read metrics. */
    ingest?: Credentials;
    /** Every scope, and the only credentials for `admin` routes (`POST /calls/cleanup`). */
    admin?: Credentials;
    /** Put the health routes behind scrape auth. Default false: probes rarely carry tokens. */
    protectHealth?: boolean;
  };
  paths?: { metrics?: string; healthz?: string; readyz?: string };
  /**
   * More paths serving the same metrics, for scrape configs written for another system (the
   * voice-skill's `/metrics/prometheus`). Same auth as `paths.metrics`.
   */
  metricsAliases?: readonly string[];
  /** Serve the readiness contract on the liveness path, in the compat shape. */
  compatHealthz?: boolean | CompatHealthzOptions;
  /** See `MetricsRouteOptions`. Default 4. */
  maxConcurrentScrapes?: number;
  /** gzip scrapes when accepted. Default true. */
  gzip?: boolean;
  /** Export health as metrics into `registry`. Default true when both are given. */
  healthMetrics?: boolean;
  /** Shown by the liveness route. Default: sidetone's version. */
  version?: string;
  /**
   * Calls in progress, shown by the liveness route as `active_calls` (RustPBX's contract). Read
   * from memory (the calls pack), never from the store: liveness must not wait on storage.
   */
  activeCalls?: () => number | undefined;
  /** false: serve neither the metrics nor the liveness path (RustPBX's `[metrics] enabled`). Default true. */
  metricsEnabled?: boolean;
  /**
   * Count this app's own requests by method, route and status class (`http_server_*`; Callstack
   * asks its gateway to count its HTTP requests). Unrouted paths share the route `unmatched`.
   */
  requestMetrics?: RequestMetrics;
  /** Where handler crashes are logged (without the request's headers). */
  logger?: { error(obj: object, msg: string): void };
  /** Told of every refused credential (each 401 and 403), for the audit log; never the credential. */
  onRefusedCredential?: (refusal: RefusedCredential) => void;
}

/** A 401 or 403 as the audit log records it. */
export interface RefusedCredential {
  realm: string;
  reason: RefusalReason;
  method: string;
  /** The request's path as sent (before normalisation), without its query. */
  path: string;
}

/** A fetch-style app: `Request` in, `Response` out, routable and mountable anywhere. */
export interface App {
  /**
   * The one dispatch: every route, whichever server carried the request (path, method, auth,
   * request metrics, the 5xx log, any error as its catalogue answer). `serve()` calls it with a
   * node:http request, `fetch` with a fetch `Request`.
   */
  answer(req: HttpRequest): Promise<Reply>;
  /** The public adapter for frameworks: {@link App.answer} over a fetch `Request` and `Response`. */
  fetch(req: Request): Promise<Response>;
  /**
   * Add a route. `auth` (default `scrape`: forgetting it must not publish a route) also covers
   * every path below it, see `Router`. `doc` is what `/openapi.json` says about it.
   */
  route(
    method: string,
    path: string,
    handler: Handler,
    options?: {
      auth?: AuthKind;
      doc?: RouteDoc | LazyRouteDoc;
      /**
       * This route's largest request body, in place of the server's (`serve()`'s `bodyLimitBytes`,
       * 1 MiB by default): read before the body is, so a larger one is not refused 413 first.
       */
      bodyLimitBytes?: number;
    },
  ): void;
  /**
   * The body limit of the route a request reaches (`method` and the request target, query and
   * all), when that route set its own; undefined for the server's.
   */
  bodyLimitOf(method: string | undefined, target: string | undefined): number | undefined;
  /** Every route with its auth kind and documentation. */
  routes(): RouteInfo[];
  /** Whether a path is the app's to answer (a route or inside a protected family). */
  owns(pathname: string): boolean;
  /** Routes whose auth kind has no credentials configured, i.e. open to anyone who can connect. */
  unprotectedRoutes(): Array<{ method: string; path: string; auth: AuthKind }>;
  readonly paths: Readonly<{ metrics: string; healthz: string; readyz: string }>;
  readonly health: HealthRegistry;
}

/**
 * Build the HTTP surface: `/healthz`, `/readyz`, `/metrics` (with auth), plus whatever later code
 * mounts with `route()`. Serve it with `serve()` (node:http) or the Express/Fastify/Hono mounts.
 *
 * @example
 * const app = createApp({ registry, health, auth: { scrape: { tokens: [token] } } });
 * app.route('GET', '/metrics/dashboard', dashboard, { auth: 'scrape' });
 * const res = await app.fetch(new Request('http://localhost/readyz'));
 */
export function createApp(options: AppOptions = {}): App {
  const paths = {
    metrics: options.paths?.metrics ?? '/metrics',
    healthz: options.paths?.healthz ?? '/healthz',
    readyz: options.paths?.readyz ?? '/readyz',
  };
  const health = options.health ?? new HealthRegistry();
  const gate = new ScopeGate(options.auth);
  const router = new Router();
  const healthAuth: AuthKind = options.auth?.protectHealth ? 'scrape' : 'none';
  const compat = options.compatHealthz;
  const enabled = options.metricsEnabled ?? true;
  if (enabled) {
    router.add(
      'GET',
      paths.healthz,
      compat
        ? compatHealthzRoute(health, compat === true ? {} : compat)
        : livenessRoute(options.version ?? sidetoneVersion(), options.activeCalls),
      healthAuth,
      compat ? COMPAT_HEALTHZ_DOC : LIVENESS_DOC,
    );
  }
  router.add('GET', paths.readyz, readinessRoute(health), healthAuth, READINESS_DOC);
  if (options.registry !== undefined && enabled) {
    const routeOptions: Parameters<typeof metricsAnswer>[1] = {};
    if (options.maxConcurrentScrapes !== undefined)
      routeOptions.maxConcurrentScrapes = options.maxConcurrentScrapes;
    if (options.gzip !== undefined) routeOptions.gzip = options.gzip;
    const route = metricsRouteOf(metricsAnswer(options.registry, routeOptions));
    for (const path of [paths.metrics, ...(options.metricsAliases ?? [])])
      router.add('GET', path, route, 'scrape', METRICS_DOC);
    if (options.healthMetrics ?? true) exportHealthMetrics(options.registry, health);
    // The uptime /healthz reports, as Callstack's seed names it (`callstack_uptime_seconds`).
    options.registry.gauge({
      name: `${options.registry.prefix}_uptime_seconds`,
      help: 'Seconds since HTTP app startup',
      unit: 'seconds',
      collect: (g) => g.set(uptimeSeconds()),
    });
  }

  const authorize = (kinds: AuthKind[], authorization: string | null) => {
    if (kinds.length === 0 || kinds.includes('none')) return undefined;
    const verdict = gate.check(kinds, authorization);
    if (verdict.ok) return undefined;
    if (verdict.forbidden) {
      return errorReply(
        'ST_FORBIDDEN',
        `this credential may not ${SCOPE_VERB[kinds[0] as Exclude<AuthKind, 'none'>]}: use a token of that scope (${SCOPE_SETTING[kinds[0] as Exclude<AuthKind, 'none'>]})`,
        { 'www-authenticate': verdict.challenge },
      );
    }
    const message =
      verdict.reason === 'missing'
        ? 'credentials required: send "Authorization: Bearer <token>" (or Basic) as configured'
        : 'credentials refused: check the token or user configured for this endpoint';
    return errorReply('ST_UNAUTHORIZED', message, { 'www-authenticate': verdict.challenge });
  };
  const refused = (req: HttpRequest, status: number, challenge: string) => {
    const sent = (req.headers.get('authorization') ?? '').trim();
    options.onRefusedCredential?.({
      realm: /realm="([a-z0-9_-]+)"/.exec(challenge)?.[1] ?? 'unknown',
      reason: status === 403 ? 'scope' : sent === '' ? 'missing' : sent.includes(' ') ? 'invalid' : 'empty',
      method: req.method,
      path: req instanceof LazyBody ? req.pathname() : urlPathname(req.url),
    });
  };

  /**
   * The one dispatch: the path normalised and matched once (its route's body limit set on the
   * request there, not looked up again before it, issue 49), auth, the handler, request metrics
   * and the 5xx log, in one async function (the route template is noted for the metrics as the
   * request is routed: parsing and matching its URL again was ~3 % of the sidecar's main thread
   * at a Pi's rate, issue 39).
   */
  const answer = async (req: HttpRequest): Promise<Reply> => {
    const end = options.requestMetrics?.begin(req.method);
    let route: string | undefined;
    let res: Reply;
    try {
      // node:http parses what a fetch Request refuses to carry (the Fetch standard forbids them).
      if (FORBIDDEN_METHODS.has(req.method.toUpperCase())) {
        res = errorReply('ST_METHOD_NOT_ALLOWED', `method ${req.method} is not served here`);
      } else {
        const normal = normalisePath(req instanceof LazyBody ? req.pathname() : urlPathname(req.url));
        const path = normal.ok ? normal.path : '';
        const m: Match = normal.ok ? router.match(req.method, path) : UNROUTED;
        if (m.kind === 'route') route = m.route;
        const refusal = refuse(req, m);
        if (refusal !== undefined || m.kind !== 'route')
          res = refusal ?? errorReply('ST_NOT_FOUND', 'not found');
        else {
          if (m.bodyLimit !== undefined && req instanceof LazyBody) req.limitTo(m.bodyLimit);
          res = await m.handler(req, new Context(path, req, m.params));
          // A body behind a Response is released; node:http writes no body to a HEAD, the fetch
          // adapter strips the others (App.fetch).
          if (m.head && isResponse(res)) res = withoutBody(res);
        }
      }
    } catch (err) {
      // The catalogue decides the status (src/error-codes.ts): a ValidationError is the
      // client's (400, its message names the field), a body over the limit 413, a store error
      // 503/507, anything else 500.
      res = toErrorReply(err);
      if (res.status >= 500) {
        options.logger?.error(
          {
            err:
              err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err),
          },
          'sidetone http handler failed',
        );
      }
    }
    end?.(route, res.status);
    return res;
  };

  /** What answers a request before its handler: a refused credential, a 404 or a 405; else undefined. */
  const refuse = (req: HttpRequest, m: Match): JsonReply | undefined => {
    const denied = authorize(m.kind === 'route' ? [m.auth] : m.auth, req.headers.get('authorization'));
    if (denied !== undefined) {
      refused(req, denied.status, denied.headers?.['www-authenticate'] ?? '');
      return denied;
    }
    if (m.kind === 'none') return errorReply('ST_NOT_FOUND', 'not found');
    if (m.kind === 'method') {
      return errorReply('ST_METHOD_NOT_ALLOWED', `method not allowed: use ${m.allow}`, {
        allow: m.allow,
      });
    }
    return undefined;
  };

  const bodyLimitOf = (method: string | undefined, target: string | undefined) => {
    if (method === undefined || target === undefined) return undefined;
    const q = target.indexOf('?');
    const normal = normalisePath(q < 0 ? target : target.slice(0, q));
    return normal.ok ? router.bodyLimit(method, normal.path) : undefined;
  };

  return {
    paths,
    health,
    answer,
    async fetch(req) {
      // Unbounded unless the route sets a limit (the dispatch sets it): a framework keeps its own.
      const reply = await answer(webRequest(req));
      const res = toResponse(reply);
      return req.method === 'HEAD' && !isResponse(reply) ? withoutBody(res) : res;
    },
    route(method, path, handler, routeOptions = {}) {
      router.add(
        method,
        path,
        handler,
        routeOptions.auth ?? 'scrape',
        routeOptions.doc,
        routeOptions.bodyLimitBytes,
      );
    },
    bodyLimitOf,
    routes: () => router.list(),
    owns(pathname) {
      const normal = normalisePath(pathname);
      return normal.ok && router.owns(normal.path);
    },
    unprotectedRoutes() {
      return router.list().filter((r) => r.auth === 'none' || !gate.guards(r.auth));
    },
  };
}

/** A path the policy refuses (normalisePath): a 404 before any auth, as no route can own it. */
const UNROUTED: Match = { kind: 'none', auth: [] };

/**
 * What a handler gets beside the request: one object a request, its URL parsed when first read by
 * a getter on the prototype. Not an object literal with `get url()`: V8 keeps an object whose
 * literal defines an accessor in dictionary mode and allocates the accessor pair in old space, so
 * until the next full GC each request's getter, and through it the request (its IncomingMessage,
 * headers and body), was reachable from old space: every scavenge saw it live and promoted it. At a
 * Pi's rate (one-event POSTs at 100/s) that was 420 KiB promoted a scavenge against 60 KiB, and
 * scavenge pauses 401 against 282 ms over 30 s; the one dispatch's ~9 % more CPU an event than the
 * direct path it replaced came down to ~5-8 % (issue 49; test/http/route-context.test.ts).
 */
class Context implements RouteContext {
  private parsed: URL | undefined;

  constructor(
    readonly path: string,
    private readonly req: HttpRequest,
    readonly params: Readonly<Record<string, string>> | undefined,
  ) {}

  get url(): URL {
    this.parsed ??= new URL(this.req.url);
    return this.parsed;
  }
}
