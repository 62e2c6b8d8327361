/**
 * `GET /readyz` and `GET /metrics` on the sidecar's own listener, answered on node:http without a
 * web `Request` or `Response`: the probe every orchestrator polls (the one that ends start-up) and
 * the scrape. Through the fetch bridge their first answer loaded the web Request code (~20 ms of
 * CPU and ~12 MiB of RSS here, issue 39). The answers are the routes' own (`readinessReply`,
 * `App#metrics`), written with the same headers; what this path does not take (another path or
 * method, a query string, a refused credential, an error answer) goes to the app, or is written
 * from the app's `Response`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App } from '../http/app.js';
import { readinessReply } from '../http/health-routes.js';
import { sendResponse } from '../http/node-bridge.js';
import type { RequestMetrics } from '../http/request-metrics.js';
import { toErrorResponse, writeJsonReply } from '../http/respond.js';
import { directIngest } from './direct-ingest.js';

/**
 * The `direct` hook of `serve()` for `GET /readyz`: true when it took the request.
 *
 * @example
 * serve(app, { direct: directReadiness({ app }) });
 */
export function directReadiness(options: {
  app: App;
  requestMetrics?: RequestMetrics;
}): (req: IncomingMessage, res: ServerResponse) => boolean {
  const metrics = directMetrics(options);
  const { app, requestMetrics } = options;
  const path = app.paths.readyz;
  // `health.protect`: the route asks for a scrape credential; the app answers a refused one.
  const auth = app.routes().find((r) => r.method === 'GET' && r.path === path)?.auth;
  return (req, res) => {
    if (metrics(req, res)) return true;
    if (auth === undefined || req.method !== 'GET' || req.url !== path) return false;
    if (auth !== 'none' && !app.allows(auth, req.headers.authorization ?? null)) return false;
    void answer(req, res);
    return true;
  };

  async function answer(req: IncomingMessage, res: ServerResponse) {
    const end = requestMetrics?.begin('GET');
    try {
      const reply = await readinessReply(app.health);
      end?.(path, reply.status);
      writeJsonReply(res, reply);
    } catch (err) {
      // As the app's fetch: the catalogue decides the status.
      const response = toErrorResponse(err);
      end?.(path, response.status);
      await sendResponse(req, res, response);
    }
  }
}

/** The `direct` hook for `GET /metrics` (its main path, not its aliases): true when it took the request. */
function directMetrics(options: {
  app: App;
  requestMetrics?: RequestMetrics;
}): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { app, requestMetrics } = options;
  const answerOf = app.metrics;
  const path = app.paths.metrics;
  return (req, res) => {
    if (answerOf === undefined || req.method !== 'GET' || req.url !== path) return false;
    if (!app.allows('scrape', req.headers.authorization ?? null)) return false;
    void answer(answerOf, req, res);
    return true;
  };

  async function answer(answerOf: NonNullable<App['metrics']>, req: IncomingMessage, res: ServerResponse) {
    const end = requestMetrics?.begin('GET');
    const accept = req.headers.accept ?? null;
    const encoding = req.headers['accept-encoding'] ?? null;
    const r = await answerOf(accept, encoding).catch((err: unknown) => toErrorResponse(err));
    end?.(path, r.status);
    if (!('exposition' in r)) return sendResponse(req, res, r);
    res.writeHead(r.status, { ...r.headers, 'content-length': String(r.exposition.byteLength) });
    res.end(r.exposition);
  }
}

/** Requests the sidecar answers on node:http before its app: readiness probes and `POST /events`. */
export function directRoutes(o: Parameters<typeof directIngest>[0]) {
  const ready = directReadiness(o);
  const ingest = directIngest(o);
  return (req: IncomingMessage, res: ServerResponse, limit: number) =>
    ready(req, res) || ingest(req, res, limit);
}
