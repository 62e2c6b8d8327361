import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { App } from './app.js';
import { nodeRequest } from './request.js';
import {
  type BytesReply,
  isResponse,
  JSON_HEADER_LIST,
  type JsonReply,
  type Reply,
  rawBytes,
  replyBytes,
} from './respond.js';

/** Default request body limit: webhooks and event batches are small; anything bigger is refused. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * Answer a node:http request with the app's one dispatch: the request is read lazily (the body
 * only if its route asks, within `limit`), the reply written straight to node:http, with no web
 * Request or Response unless a route returns one. `serve()` and the Express mount. Never rejects.
 */
export async function answerNode(
  app: App,
  req: IncomingMessage,
  res: ServerResponse,
  limit: number,
  preread?: { body: unknown },
): Promise<void> {
  const reply = await app.answer(nodeRequest(req, limit, preread));
  // The client is gone: nothing to answer. (Not `req.destroyed`: a request whose body was read
  // to the end is destroyed too, and it still needs its answer.)
  if (res.destroyed || req.socket.destroyed) return;
  // The answer to nearly every request (a probe, an ingest POST, an error) is written at once;
  // a Response, or a 413 whose body must be drained, takes the longer way.
  if (reply.status !== 413 && !isResponse(reply)) writeNow(res, reply);
  else await writeReply(req, res, reply);
}

/**
 * Write a JSON or bytes reply. A JSON reply with no headers of its own (every 2xx of the ingest
 * route and the probes) is written as its text with a flat header list: node puts the head and a
 * string body in one write, where a Buffer body went out as a second chunk of a writev, and no
 * header object is built by spreading (issue 49: the one dispatch's answer cost ~35 µs more a POST
 * than the floor's on the Pi bench's perf profile, replyBytes and writeHead).
 */
function writeNow(res: ServerResponse, reply: JsonReply | BytesReply): void {
  try {
    if (res.headersSent) return;
    if (!('bytes' in reply) && !hasKeys(reply.headers)) {
      const text = JSON.stringify(reply.body);
      res.writeHead(reply.status, [...JSON_HEADER_LIST, 'content-length', String(Buffer.byteLength(text))]);
      // node writes no body to a HEAD (and keeps Content-Length), as HTTP asks (RFC 9110 9.3.2).
      res.end(text);
      return;
    }
    const { status, headers, bytes } = replyBytes(reply);
    res.writeHead(status, headers);
    res.end(bytes);
  } catch {
    // The client went away mid-body; nothing left to tell it.
    res.destroy();
  }
}

/** Whether an object has an own enumerable key, without listing them. */
function hasKeys(o: object | undefined): boolean {
  for (const _ in o) return true;
  return false;
}

/**
 * Write a reply unless an answer went already. A body refused 413 was not read to its end, so the
 * connection cannot carry another request: it is answered `Connection: close`, and the answer is
 * ended (which makes node close the socket) only once the rest of the body is drained.
 */
export async function writeReply(req: IncomingMessage, res: ServerResponse, reply: Reply): Promise<void> {
  try {
    if (res.headersSent) return;
    if (reply.status === 413) {
      res.setHeader('connection', 'close');
      if (isResponse(reply)) {
        res.statusCode = reply.status;
        for (const [name, value] of reply.headers) if (name !== 'connection') res.setHeader(name, value);
        res.write(Buffer.from(await reply.arrayBuffer()));
      } else {
        const { status, headers, bytes } = replyBytes(reply);
        res.writeHead(status, headers);
        res.write(bytes);
      }
      const whole = await drain(req);
      res.end();
      if (!whole) req.socket.destroy();
      return;
    }
    if (isResponse(reply)) await writeResponse(res, reply);
    else {
      const { status, headers, bytes } = replyBytes(reply);
      // node writes no body to a HEAD (and keeps Content-Length), as HTTP asks (RFC 9110 9.3.2).
      res.writeHead(status, headers);
      res.end(bytes);
    }
  } catch {
    // The client went away mid-body; nothing left to tell it.
    res.destroy();
  }
}

/** Write a fetch `Response` to a node response, streaming unbounded bodies with backpressure. */
export async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  const cookies = response.headers.getSetCookie();
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') res.setHeader(name, value);
  }
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  const raw = rawBytes(response);
  if (raw !== undefined) {
    res.end(raw);
    return;
  }
  const body = response.body;
  if (body === null) {
    res.end();
    return;
  }
  if (response.headers.has('content-length')) {
    res.end(Buffer.from(await response.arrayBuffer()));
    return;
  }
  await pipeline(Readable.fromWeb(body as import('node:stream/web').ReadableStream), res);
}

/** How much of a refused body is read and thrown away so the 413 reaches the client. */
const DRAIN_BYTES = 16 * 1024 * 1024;
const DRAIN_MS = 2000;

/**
 * After a 413 the client is usually still sending. Closing a socket with unread data in it makes
 * the kernel send RST, and the client's stack may throw away the 413 it has not read yet: with the
 * answer ended at once, node closed the socket as soon as the 413 was written (fetch failed with
 * EPIPE on a 4.25 MiB OTLP export in a full test run, ECONNRESET in the dispatch contract under
 * load). So the rest is read and discarded, up to a bound in bytes and time. True if read to its end.
 */
function drain(req: IncomingMessage): Promise<boolean> {
  if (req.readableEnded) return Promise.resolve(true);
  return new Promise((resolve) => {
    let seen = 0;
    const done = (whole: boolean) => {
      clearTimeout(timer);
      req.off('data', onData);
      resolve(whole);
    };
    const timer = setTimeout(() => done(false), DRAIN_MS);
    timer.unref();
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > DRAIN_BYTES) done(false);
    };
    req.on('data', onData);
    req.once('end', () => done(true));
    req.socket.once('close', () => done(false));
    req.resume();
  });
}
