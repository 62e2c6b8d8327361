import type { IncomingMessage, ServerResponse } from 'node:http';
import { type RequestMetrics, safeRoute } from './request-metrics.js';

// Structural framework types: sidetone does not depend on Express, Fastify or Hono.

type ExpressReq = IncomingMessage & { route?: { path?: unknown }; baseUrl?: string };

/**
 * Express middleware recording `RequestMetrics`. The route is `req.baseUrl + req.route.path` as
 * Express knows it when the response finishes (a router mounted at a parameterised path has a
 * concrete `baseUrl`; the series cap bounds that). Register it before the routes.
 *
 * @example
 * server.use(expressRequestMetrics(rm));
 * server.post('/sms/:id/status', handler); // route="/sms/:id/status"
 */
export function expressRequestMetrics(
  rm: RequestMetrics,
): (req: ExpressReq, res: ServerResponse, next: (err?: unknown) => void) => void {
  return (req, res, next) => {
    const end = rm.begin(req.method);
    const finish = () =>
      end(
        safeRoute(() =>
          req.route?.path === undefined ? undefined : `${req.baseUrl ?? ''}${String(req.route.path)}`,
        ),
        res.writableFinished ? res.statusCode : 0,
      );
    res.once('finish', finish);
    res.once('close', finish);
    next();
  };
}

interface FastifyReqLike {
  raw: IncomingMessage;
  routeOptions?: { url?: string };
}
interface FastifyReplyLike {
  statusCode: number;
}
type Hook = (request: FastifyReqLike, reply: FastifyReplyLike) => Promise<void>;
/** The parts of a Fastify instance the plugin uses. */
export interface FastifyHooksLike {
  addHook(name: 'onRequest' | 'onResponse' | 'onRequestAbort', hook: Hook): unknown;
}

/**
 * Fastify plugin recording `RequestMetrics` from `request.routeOptions.url` (undefined for the
 * 404 handler, so unmatched requests share one bucket). It applies to the whole instance (it
 * skips Fastify's encapsulation the way `fastify-plugin` does).
 *
 * @example
 * await server.register(fastifyRequestMetrics(rm));
 */
export function fastifyRequestMetrics(rm: RequestMetrics): (instance: FastifyHooksLike) => Promise<void> {
  const plugin = async (instance: FastifyHooksLike): Promise<void> => {
    const pending = new WeakMap<object, (route: string | undefined, status: number) => void>();
    instance.addHook('onRequest', async (request) => {
      pending.set(request, rm.begin(request.raw.method));
    });
    instance.addHook('onResponse', async (request, reply) => {
      pending.get(request)?.(request.routeOptions?.url, reply.statusCode);
      pending.delete(request);
    });
    instance.addHook('onRequestAbort', async (request) => {
      pending.get(request)?.(request.routeOptions?.url, 0);
      pending.delete(request);
    });
  };
  // What fastify-plugin sets: hooks added here apply to the parent instance, not a child context.
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return plugin;
}

interface HonoRoute {
  path: string;
  method: string;
  handler: unknown;
}
/** The parts of a Hono context the middleware uses. */
export interface HonoCtxLike {
  req: { method: string; routeIndex: number; matchedRoutes?: HonoRoute[] };
  res: { status: number };
}

/**
 * Hono middleware recording `RequestMetrics`. The route is the path of the handler that answered;
 * when only middleware matched (Hono's not-found), the request is `unmatched`. Pass
 * `matchedRoutes` from `hono/route` to avoid Hono's deprecated `c.req.matchedRoutes` getter.
 *
 * @example
 * import { matchedRoutes } from 'hono/route';
 * app.use('*', honoRequestMetrics(rm, { matchedRoutes }));
 */
export function honoRequestMetrics<C extends HonoCtxLike>(
  rm: RequestMetrics,
  options: { matchedRoutes?: (c: C) => HonoRoute[] } = {},
): (c: C, next: () => Promise<void>) => Promise<void> {
  const middleware = async (c: C, next: () => Promise<void>): Promise<void> => {
    const end = rm.begin(c.req.method);
    try {
      await next();
    } finally {
      end(
        safeRoute(() => {
          const routes = options.matchedRoutes?.(c) ?? c.req.matchedRoutes ?? [];
          const r = routes[c.req.routeIndex];
          // Hono's not-found runs after the last middleware: the "route" is then a middleware.
          if (r === undefined || r.handler === middleware || (r.method === 'ALL' && c.res.status === 404)) {
            return undefined;
          }
          return r.path;
        }),
        c.res.status,
      );
    }
  };
  return middleware;
}
