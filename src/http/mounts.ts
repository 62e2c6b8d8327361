import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App } from './app.js';
import { answerNode, DEFAULT_BODY_LIMIT } from './node-bridge.js';
import { requestTarget } from './path.js';
import { rawBytes } from './respond.js';

// The framework types are structural so that sidetone does not depend on Express, Fastify or Hono:
// each framework's own request/context type is assignable to these.

/** What the Express mount reads from a request. */
export type ExpressLikeRequest = IncomingMessage & { body?: unknown };
export type ExpressLikeNext = (err?: unknown) => void;

/**
 * Express (4 or 5) middleware. Paths the app owns (its routes, and every path inside a protected
 * family such as `/metrics/*`) are answered; everything else goes to `next()`. Mount it before
 * body parsers, or it re-serialises what they parsed.
 *
 * @example
 * const server = express();
 * server.use(expressMiddleware(app));
 * server.post('/sms/inbound', ...);
 */
export function expressMiddleware(
  app: App,
  options: { bodyLimitBytes?: number } = {},
): (req: ExpressLikeRequest, res: ServerResponse, next: ExpressLikeNext) => void {
  const limit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  return (req, res, next) => {
    if (!app.owns(pathOf(req.url))) {
      next();
      return;
    }
    // A body parser mounted earlier has drained the stream; take what it parsed instead.
    const preread = req.readableEnded && req.body !== undefined ? { body: req.body } : undefined;
    answerNode(app, req, res, limit, preread).catch(next);
  };
}

/** The parts of a Fastify instance the plugin uses. */
export interface FastifyLikeInstance {
  route(options: {
    method: string[];
    url: string;
    handler: (request: FastifyLikeRequest, reply: FastifyLikeReply) => Promise<unknown>;
  }): unknown;
  removeAllContentTypeParsers(): void;
  addContentTypeParser(
    type: string,
    options: { parseAs: 'buffer'; bodyLimit?: number },
    parser: (request: never, body: Buffer, done: (err: Error | null, body?: Buffer) => void) => void,
  ): void;
}
export interface FastifyLikeRequest {
  raw: IncomingMessage;
  body?: unknown;
}
export interface FastifyLikeReply {
  code(status: number): FastifyLikeReply;
  header(name: string, value: string | string[]): FastifyLikeReply;
  send(payload?: unknown): FastifyLikeReply;
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

/**
 * Fastify plugin: registers the app's routes (every method, so a wrong method is a 405 from the
 * app, not Fastify's 404) and a catch-all below each protected route, so `/metrics/anything`
 * still asks for credentials. Bodies reach the app as raw bytes, up to `bodyLimitBytes`.
 *
 * @example
 * const server = Fastify();
 * await server.register(fastifyPlugin(app));
 */
export function fastifyPlugin(
  app: App,
  options: { bodyLimitBytes?: number } = {},
): (instance: FastifyLikeInstance) => Promise<void> {
  const limit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  return async (instance) => {
    // Encapsulated: this parser applies to the plugin's routes only, not to the user's.
    instance.removeAllContentTypeParsers();
    instance.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limit }, (_req, body, done) =>
      done(null, body),
    );
    const handler = async (request: FastifyLikeRequest, reply: FastifyLikeReply): Promise<unknown> => {
      const raw = request.raw;
      const url = `http://localhost${requestTarget(raw.url)}`;
      const headers = new Headers();
      for (let i = 0; i + 1 < raw.rawHeaders.length; i += 2) {
        headers.append(raw.rawHeaders[i] as string, raw.rawHeaders[i + 1] as string);
      }
      const method = raw.method ?? 'GET';
      const body = Buffer.isBuffer(request.body) && request.body.length > 0 ? request.body : null;
      const init: RequestInit = { method, headers };
      if (method !== 'GET' && method !== 'HEAD' && body !== null) init.body = body as Uint8Array<ArrayBuffer>;
      const res = await app.fetch(new Request(url, init));
      reply.code(res.status);
      const cookies = res.headers.getSetCookie();
      for (const [name, value] of res.headers) if (name !== 'set-cookie') reply.header(name, value);
      if (cookies.length > 0) reply.header('set-cookie', cookies);
      const bytes = rawBytes(res);
      if (bytes !== undefined)
        return reply.send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return reply.send(res.body === null ? undefined : Buffer.from(await res.arrayBuffer()));
    };
    const paths = new Set<string>();
    const protectedPaths = new Set<string>();
    for (const r of app.routes()) {
      paths.add(r.path);
      if (r.auth !== 'none') protectedPaths.add(r.path);
    }
    for (const url of paths) instance.route({ method: METHODS, url, handler });
    for (const base of protectedPaths) {
      const wildcard = base === '/' ? '/*' : `${base}/*`;
      if (!paths.has(wildcard)) instance.route({ method: METHODS, url: wildcard, handler });
    }
  };
}

/** The parts of a Hono context the handler uses. */
export interface HonoLikeContext {
  req: { raw: Request; url: string };
}

/**
 * Hono middleware: answers the paths the app owns from `c.req.raw`, passes the rest on.
 *
 * @example
 * const hono = new Hono();
 * hono.use('*', honoHandler(app));
 */
export function honoHandler(
  app: App,
): (c: HonoLikeContext, next: () => Promise<void>) => Promise<Response | undefined> {
  return async (c, next) => {
    if (!app.owns(new URL(c.req.url).pathname)) {
      await next();
      return undefined;
    }
    return app.fetch(c.req.raw);
  };
}

function pathOf(url: string | undefined): string {
  const target = requestTarget(url);
  const q = target.indexOf('?');
  return q < 0 ? target : target.slice(0, q);
}
