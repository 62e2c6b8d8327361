import { DefinitionError, showValue } from '../errors.js';
import { assertRoutePath, inFamily } from './path.js';
import type { HttpRequest } from './request.js';
import type { Reply } from './respond.js';
import type { LazyRouteDoc, RouteDoc } from './route-doc.js';

/**
 * Which scope of credentials a route needs (docs/http.md, "Route scopes"): `scrape` reads
 * (metrics, analytics, protected probes), `ingest` sends events, `admin` changes stored data
 * (cleanup); `none` is open. An admin token holds every scope.
 */
export type AuthKind = 'scrape' | 'ingest' | 'admin' | 'none';

/** What a handler gets besides the request: the parsed URL and the normalised, decoded path. */
export interface RouteContext {
  /** Parsed when first read: most routes never look at the query. */
  readonly url: URL;
  path: string;
  /** The last segment of a path matched by a `/base/:name` route, under its name. */
  params?: Readonly<Record<string, string>>;
}

/**
 * A route: the same function answers over node:http and through the fetch adapter. It reads the
 * request through {@link HttpRequest} (headers, and the body only if it asks) and returns a
 * {@link Reply}: a JSON or bytes reply (no web `Response` built over node:http) or a `Response`.
 */
export type Handler = (req: HttpRequest, ctx: RouteContext) => Reply | Promise<Reply>;

interface Route {
  handler: Handler;
  auth: AuthKind;
  doc?: RouteDoc | LazyRouteDoc | undefined;
  /** The route's own request body limit, when it differs from the server's (OTLP: 16 MiB). */
  bodyLimit?: number | undefined;
}

/** A registered route as `list()` gives it: what `/openapi.json` is built from. */
export interface RouteInfo {
  method: string;
  path: string;
  auth: AuthKind;
  doc?: RouteDoc | undefined;
  /** A document built on demand (LazyRouteDoc), instead of `doc`. */
  lazyDoc?: LazyRouteDoc | undefined;
}

/** What the router found for a path; `auth` is what must pass before anything else is said. */
export type Match =
  | {
      kind: 'route';
      handler: Handler;
      auth: AuthKind;
      head: boolean;
      /** The route as registered (`/metrics/calls/:id`): a bounded label, never the raw path. */
      route: string;
      params?: Record<string, string>;
      /** The route's own request body limit, when it set one (read as it is routed, issue 49). */
      bodyLimit?: number;
    }
  | { kind: 'method'; allow: string; auth: AuthKind[] }
  | { kind: 'none'; auth: AuthKind[] };

const METHOD = /^[A-Z]+$/;

/** `/base/:name`: a route whose last segment is a parameter (one segment, never empty). */
const TEMPLATE = /^(\/.+)\/:([a-z][a-z0-9_]*)$/;

/**
 * Exact-match routing on normalised paths, with auth families: a protected route protects every
 * path below it, case-insensitively, so `/metrics/dashboard` can be its own route while
 * `/metrics/anything-else` and `/METRICS` still demand scrape credentials before the 404. A route
 * may end in one parameter segment (`/metrics/calls/:id`), matched only where no exact route is.
 */
export class Router {
  private readonly routes = new Map<string, Map<string, Route>>();

  add(
    method: string,
    path: string,
    handler: Handler,
    auth: AuthKind,
    doc?: RouteDoc | LazyRouteDoc,
    bodyLimit?: number,
  ): void {
    if (typeof method !== 'string' || !METHOD.test(method)) {
      throw new DefinitionError(
        'ST_INVALID_METHOD',
        `HTTP method ${showValue(method)} must be upper-case, e.g. "GET"`,
      );
    }
    const template = TEMPLATE.exec(path);
    assertRoutePath(template === null ? path : template[1]);
    if (typeof handler !== 'function') {
      throw new DefinitionError('ST_INVALID_HANDLER', `route ${method} ${path} needs a handler function`);
    }
    if (auth !== 'scrape' && auth !== 'ingest' && auth !== 'admin' && auth !== 'none') {
      throw new DefinitionError(
        'ST_INVALID_AUTH_KIND',
        `route ${method} ${path} has auth ${showValue(auth)}: use "scrape", "ingest", "admin" or "none"`,
      );
    }
    if (method === 'HEAD') {
      throw new DefinitionError(
        'ST_INVALID_METHOD',
        `route HEAD ${path}: HEAD is answered by the GET handler without a body; register GET`,
      );
    }
    for (const [other, methods] of this.routes) {
      if (!inFamily(path, other) && !inFamily(other, path)) continue;
      for (const [m, r] of methods) {
        if (other === path && m === method) {
          throw new DefinitionError('ST_DUPLICATE_ROUTE', `route ${method} ${path} is already registered`);
        }
        if ((r.auth === 'none') !== (auth === 'none') && other !== path) {
          throw new DefinitionError(
            'ST_ROUTE_AUTH',
            `route ${method} ${path} (auth "${auth}") overlaps ${m} ${other} (auth "${r.auth}"): a protected route protects every path below it, so give both the same kind of auth`,
          );
        }
      }
    }
    let methods = this.routes.get(path);
    if (methods === undefined) this.routes.set(path, (methods = new Map()));
    if (bodyLimit !== undefined && (!Number.isInteger(bodyLimit) || bodyLimit < 0)) {
      throw new DefinitionError(
        'ST_INVALID_OPTION',
        `route ${method} ${path}: bodyLimitBytes must be a whole number of bytes, got ${showValue(bodyLimit)}`,
      );
    }
    methods.set(method, { handler, auth, doc, bodyLimit });
  }

  /** The body limit a route of exactly this method and path set for itself, if any. */
  bodyLimit(method: string, path: string): number | undefined {
    return this.routes.get(path)?.get(method)?.bodyLimit;
  }

  match(method: string, path: string): Match {
    let route = path;
    let params: Record<string, string> | undefined;
    let methods = this.routes.get(path);
    if (methods === undefined) {
      const slash = path.lastIndexOf('/');
      for (const [t, ms] of this.routes) {
        const m = TEMPLATE.exec(t);
        if (m === null || slash <= 0 || slash === path.length - 1 || path.slice(0, slash) !== m[1]) continue;
        route = t;
        methods = ms;
        params = { [m[2] as string]: path.slice(slash + 1) };
        break;
      }
    }
    if (methods !== undefined) {
      const r = methods.get(method) ?? (method === 'HEAD' ? methods.get('GET') : undefined);
      if (r !== undefined)
        return {
          kind: 'route',
          handler: r.handler,
          auth: r.auth,
          head: method === 'HEAD',
          route,
          ...(params !== undefined && { params }),
          ...(r.bodyLimit !== undefined && { bodyLimit: r.bodyLimit }),
        };
      const allow = [...methods.keys()];
      if (methods.has('GET')) allow.push('HEAD');
      return { kind: 'method', allow: allow.sort().join(', '), auth: kinds(methods.values()) };
    }
    const auth: AuthKind[] = [];
    for (const [base, ms] of this.routes) {
      if (!inFamily(path, base)) continue;
      for (const k of kinds(ms.values())) if (!auth.includes(k)) auth.push(k);
    }
    return { kind: 'none', auth };
  }

  /** Whether the path is a route or inside a protected family (mounts pass everything else on). */
  owns(path: string): boolean {
    const m = this.match('GET', path);
    return m.kind !== 'none' || m.auth.length > 0;
  }

  /** Every route, for start-up warnings and docs. */
  list(): RouteInfo[] {
    const out: RouteInfo[] = [];
    for (const [path, ms] of this.routes)
      for (const [method, r] of ms)
        out.push({
          method,
          path,
          auth: r.auth,
          ...(typeof r.doc === 'function' ? { lazyDoc: r.doc } : r.doc !== undefined && { doc: r.doc }),
        });
    return out;
  }
}

/** The protected kinds among some routes (`none` is not a requirement). */
function kinds(routes: Iterable<Route>): AuthKind[] {
  const out: AuthKind[] = [];
  for (const r of routes) if (r.auth !== 'none' && !out.includes(r.auth)) out.push(r.auth);
  return out;
}
