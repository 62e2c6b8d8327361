import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DefinitionError, type SidetoneError } from '../errors.js';
import { trusted } from '../logs/redact.js';
import type { App } from './app.js';
import { watchDeadlines } from './deadlines.js';
import { answerNode, DEFAULT_BODY_LIMIT } from './node-bridge.js';

export interface ServeOptions {
  /** Default 9464; 0 picks a free port. */
  port?: number;
  /** Default `127.0.0.1`: reachable from the LAN only when asked for. */
  host?: string;
  /** Largest request body; more is answered 413. Default 1 MiB. */
  bodyLimitBytes?: number;
  /** Time to receive a request's headers (slowloris). Default 10 s. */
  headersTimeoutMs?: number;
  /** Time to receive a whole request. Default 30 s. */
  requestTimeoutMs?: number;
  /** Idle time a kept-alive connection may wait for its next request. Default 5 s. */
  keepAliveTimeoutMs?: number;
  /** Largest request head in bytes. Default 16 KiB (node's). */
  maxHeaderBytes?: number;
  /** How long `close()` waits for requests in flight before cutting connections. Default 5 s. */
  closeTimeoutMs?: number;
  /** Start-up and warning logs. Default: a pino logger on stdout. */
  logger?: ServeLogger;
  /**
   * Called as each request arrives, before it is read (no argument, nothing to allocate): the
   * sidecar wakes its parked event-loop sampler (issue 51).
   */
  onRequest?: () => void;
}

/** What `serve()` logs through; a pino logger fits. */
export interface ServeLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** A running server. */
export interface Served {
  url: string;
  port: number;
  server: Server;
  /** Stop accepting, let requests in flight finish (up to `closeTimeoutMs`), then close. */
  close(): Promise<void>;
}

/**
 * Serve an app on node:http (its one dispatch, `app.answer`, over a lazy request) with the limits a LAN-facing sidecar needs: body size, header and
 * request timeouts (slowloris), keep-alive timeout. Warns at start when a protected family (such
 * as `/metrics`) has no credentials and the address is not loopback.
 *
 * @example
 * const served = await serve(createApp({ registry }), { host: '0.0.0.0', port: 9464 });
 * process.on('SIGTERM', () => served.close());
 */
export async function serve(app: App, options: ServeOptions = {}): Promise<Served> {
  const host = options.host ?? '127.0.0.1';
  const headersTimeout = ms('headersTimeoutMs', options.headersTimeoutMs ?? 10_000);
  const requestTimeout = ms('requestTimeoutMs', options.requestTimeoutMs ?? 30_000);
  const keepAliveTimeout = ms('keepAliveTimeoutMs', options.keepAliveTimeoutMs ?? 5_000);
  const closeTimeout = ms('closeTimeoutMs', options.closeTimeoutMs ?? 5_000);
  const limit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  const checkEveryMs = Math.max(50, Math.min(1000, Math.floor(headersTimeout / 4)));
  if (!Number.isInteger(limit) || limit < 0) throw invalid('bodyLimitBytes', limit);
  if (headersTimeout > requestTimeout) {
    throw new DefinitionError(
      'ST_INVALID_OPTION',
      `headersTimeoutMs (${headersTimeout}) must not exceed requestTimeoutMs (${requestTimeout}): the headers are part of the request`,
    );
  }
  // pino is loaded only when no logger is given: the root export stays light for apps with their own.
  const logger = options.logger ?? (await import('pino')).pino({ name: 'sidetone' });
  const server = createServer(
    {
      // Node's own check of these two runs every `connectionsCheckingInterval` from listen() to
      // close(), open connections or not: at the 1 s a slowloris limit needs (its default is 30 s,
      // which would let a client hold a socket far past the limit), an idle sidecar woke every
      // second for it. watchDeadlines checks them only while a connection is open (deadlines.ts);
      // Node's interval is left to fire once in 24.8 days (the longest timer), with nothing to do.
      headersTimeout: 0,
      requestTimeout: 0,
      connectionsCheckingInterval: 2 ** 31 - 1,
      keepAliveTimeout,
      ...(options.maxHeaderBytes !== undefined ? { maxHeaderSize: options.maxHeaderBytes } : {}),
    },
    (req, res) => {
      deadlines.request(req, res);
      options.onRequest?.();
      // A route's own limit replaces this one as the dispatch routes the request (OTLP bodies run
      // to 16 MiB, uncompressed by default, and its exporters do not retry a 413, issue 47).
      void answerNode(app, req, res, limit);
    },
  );
  const deadlines = watchDeadlines(server, {
    headersMs: headersTimeout,
    requestMs: requestTimeout,
    keepAliveMs: keepAliveTimeout,
    checkEveryMs,
  });
  server.keepAliveTimeout = keepAliveTimeout;
  // CONNECT never reaches the request handler (node:http hands it to 'connect'); without a
  // listener node drops the socket unanswered. No proxying here: say so and close.
  server.on('connect', (_req, socket) => {
    socket.end('HTTP/1.1 405 Method Not Allowed\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 9464, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}`;
  // Its own address, not data: an IP would otherwise read as PII to the log redactor.
  logger.info({ url: trusted(url) }, 'sidetone http listening');
  if (!isLoopback(host)) warnOpenRoutes(app, url, logger);

  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    server,
    close() {
      closing ??= new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), closeTimeout);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

/** `127.0.0.0/8`, `::1` and `localhost` (and their IPv4-mapped forms). */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^(?:::ffff:)?127\.\d+\.\d+\.\d+$/.test(h);
}

function warnOpenRoutes(app: App, url: string, logger: ServeLogger): void {
  const open = app.unprotectedRoutes().filter((r) => r.auth !== 'none');
  for (const path of new Set(open.map((r) => r.path))) {
    const kind = open.find((r) => r.path === path)?.auth;
    const setting =
      kind === 'ingest'
        ? 'auth.ingest_tokens (SIDETONE_AUTH_INGEST_TOKENS)'
        : kind === 'admin'
          ? 'auth.admin_tokens (SIDETONE_AUTH_ADMIN_TOKENS)'
          : 'auth.scrape_tokens (SIDETONE_AUTH_SCRAPE_TOKENS)';
    logger.warn(
      { url: trusted(url), path },
      `serving ${path} without auth on ${url}: anyone who can reach this address can use it; set ${setting} or listen on 127.0.0.1`,
    );
  }
}

function ms(key: string, v: number): number {
  if (!Number.isFinite(v) || v <= 0) throw invalid(key, v);
  return v;
}

function invalid(key: string, v: unknown): SidetoneError {
  return new DefinitionError('ST_INVALID_OPTION', `${key} must be a positive number, got ${String(v)}`);
}
