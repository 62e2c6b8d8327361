import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * The header and request deadlines (slowloris) of a node:http server, checked only while a
 * connection is open (issue 51). Node checks them on an interval that runs from `listen()` to
 * `close()`, open connections or not: at the 1 s the sidecar needs, an idle sidecar woke every
 * second for nothing, and Node offers no public way to pause that timer. So the server gets both
 * node timeouts at 0 and this check instead, which expires a connection the way Node's own does:
 * an `ERR_HTTP_REQUEST_TIMEOUT` error on the socket, whose node:http listener answers 408 when no
 * response is under way (none has sent its head), then destroys it.
 *
 * What a deadline counts from, given only node:http's public events:
 * - the first request: the connection's opening (Node: the head's first byte; the same for a
 *   client that connects to send);
 * - a later request on a kept-alive connection: its head must be complete within the keep-alive
 *   timeout plus `headersMs` after the check saw the previous response finished (an idle client
 *   that keeps to the keep-alive timeout is never cut);
 * - a request's body: `requestMs` after its head completed.
 * A connection is expired at most `checkEveryMs` past its deadline, as with Node's check.
 */
export interface Deadlines {
  /** Called with each request as node:http hands it over: no allocation. */
  request(req: IncomingMessage, res: ServerResponse): void;
  /** The check is running: at least one connection is open. */
  readonly checking: boolean;
}

export interface DeadlineOptions {
  headersMs: number;
  requestMs: number;
  keepAliveMs: number;
  checkEveryMs: number;
  /** Clock, ms (for tests). Default `performance.now`. */
  now?: () => number;
}

interface Connection {
  /** What the deadline counts from (see above). */
  since: number;
  /** The request being received or answered; undefined while waiting for a head. */
  req: IncomingMessage | undefined;
  res: ServerResponse | undefined;
  /** A response was sent on it: it is kept alive, waiting for the next head. */
  kept: boolean;
}

/** The error node:http's socket listener answers with 408 (lib/_http_server.js, socketOnError). */
function timeoutError(): Error {
  return Object.assign(new Error('request timed out'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' });
}

/**
 * Watch `server`'s connections against the deadlines.
 *
 * @example
 * const server = createServer({ headersTimeout: 0, requestTimeout: 0 }, (req, res) => {
 *   deadlines.request(req, res);
 *   handle(req, res);
 * });
 * const deadlines = watchDeadlines(server, { headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000, checkEveryMs: 1_000 });
 */
export function watchDeadlines(server: Server, o: DeadlineOptions): Deadlines {
  const now = o.now ?? (() => performance.now());
  const open = new Map<Socket, Connection>();
  let timer: NodeJS.Timeout | undefined;

  const check = () => {
    const t = now();
    for (const [socket, c] of open) {
      if (c.req === undefined) {
        if (t - c.since > o.headersMs + (c.kept ? o.keepAliveMs : 0)) socket.emit('error', timeoutError());
      } else if (!c.req.complete) {
        if (t - c.since > o.requestMs) socket.emit('error', timeoutError());
      } else if (c.res?.writableFinished) {
        c.req = undefined;
        c.res = undefined;
        c.kept = true;
        c.since = t;
      }
    }
  };
  function forget(this: Socket) {
    open.delete(this);
    if (open.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  }
  server.on('connection', (socket: Socket) => {
    open.set(socket, { since: now(), req: undefined, res: undefined, kept: false });
    socket.once('close', forget);
    if (timer === undefined) {
      timer = setInterval(check, o.checkEveryMs);
      // Never what keeps a process alive.
      timer.unref();
    }
  });
  return {
    request(req, res) {
      const c = open.get(req.socket);
      if (c === undefined) return;
      // A later request's body counts from its head; the first's from the connection.
      if (c.req !== undefined || c.kept) c.since = now();
      c.req = req;
      c.res = res;
    },
    get checking() {
      return timer !== undefined;
    },
  };
}
