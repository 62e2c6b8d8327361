import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RequestError } from '../errors.js';
import { requestTarget } from './path.js';
import { keepRequestBytes } from './raw-body.js';
import { rawBytes, toErrorResponse } from './respond.js';

/** Default request body limit: webhooks and event batches are small; anything bigger is refused. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** The body was bigger than the limit: answer 413 and close. */
const bodyTooLarge = (limit: number) =>
  new RequestError('ST_BODY_TOO_LARGE', `request body over ${limit} bytes: send less`);

/**
 * Methods the fetch `Request` refuses to carry (Fetch standard: CONNECT, TRACE, TRACK are
 * forbidden). node:http parses them, so they are answered 405 here rather than failing later.
 */
const FORBIDDEN = new Set(['CONNECT', 'TRACE', 'TRACK']);

/**
 * Turn a node request into a fetch `Request`. The URL is always built on `http://localhost` from
 * the request target alone: the `Host` header is client input and must not be able to move the path.
 * A body is read up to `limit` bytes (a declared `Content-Length` above it is refused unread);
 * `preread` is for frameworks whose body parser has already consumed the stream.
 */
export async function toRequest(
  req: IncomingMessage,
  limit: number,
  preread?: { body: unknown } | undefined,
): Promise<Request> {
  const url = `http://localhost${requestTarget(req.url)}`;
  // Name/value pairs, not a Headers object: the Request copies its init into headers of its own,
  // so building a Headers first validated and copied every header twice.
  const headers: Array<[string, string]> = [];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name.startsWith(':')) continue;
    headers.push([name, raw[i + 1] as string]);
  }
  const method = req.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD') return new Request(url, { method, headers });
  if (FORBIDDEN.has(method.toUpperCase()))
    throw new RequestError('ST_METHOD_NOT_ALLOWED', `method ${method} is not served here`);
  const body = preread !== undefined ? prereadBody(preread.body) : await readBody(req, limit);
  if (body.length > limit) throw bodyTooLarge(limit);
  if (body.length === 0) return new Request(url, { method, headers, body: null });
  // The body as a stream that hands out these very bytes when read: given the bytes, undici copies
  // them and wraps the copy in a byte stream, ~0.1-0.4 ms for a 50 KB batch of 500 events (most of
  // the adapter's cost per request). A route that wants the whole body (ingest) takes the bytes
  // themselves (keepRequestBytes) and the stream is never read.
  const request = new Request(url, {
    method,
    headers,
    body: new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(body);
        controller.close();
      },
    }),
    duplex: 'half',
  } as RequestInit);
  keepRequestBytes(request, body);
  return request;
}

function prereadBody(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.from(JSON.stringify(body), 'utf8');
}

/** A node request's body in one Buffer, refused (RequestError 413) once it passes `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const total = await readChunks(req, limit, (chunk) => chunks.push(chunk));
  return Buffer.concat(chunks, total);
}

/**
 * Hand a node request's body to `onChunk` as it arrives; resolves with its size once it ends,
 * refused (RequestError 413) once it passes `limit` bytes.
 * @example
 * const split = new NdjsonLines();
 * await readChunks(req, limit, (chunk) => split.push(chunk));
 */
export function readChunks(
  req: IncomingMessage,
  limit: number,
  onChunk: (chunk: Buffer) => void,
): Promise<number> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(bodyTooLarge(limit));
  return new Promise((resolve, reject) => {
    let total = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onError);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        // Stop reading at once (buffering the rest is what a memory attack wants), but leave the
        // socket up so the 413 can be written; `connection: close` ends it afterwards.
        cleanup();
        req.pause();
        reject(bodyTooLarge(limit));
        return;
      }
      onChunk(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(total);
    };
    const onError = (err?: unknown) => {
      cleanup();
      reject(err instanceof Error ? err : new RequestError('ST_BAD_REQUEST', 'the request was aborted'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onError);
  });
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

/**
 * Answer a node request with a fetch handler: the shared core of `serve()` and the Express mount.
 * Never rejects: a body over the limit is a 413 (and the connection closes, since the rest of the
 * body is never read); anything else that fails is a 500 or a destroyed socket.
 */
export async function handleNode(
  fetchHandler: (req: Request) => Promise<Response>,
  req: IncomingMessage,
  res: ServerResponse,
  limit: number,
  preread?: { body: unknown },
): Promise<void> {
  let response: Response;
  try {
    const request = await toRequest(req, limit, preread);
    response = await fetchHandler(request);
  } catch (err) {
    // The client is gone: nothing to answer. (Not `req.destroyed`: a request whose body was read
    // to the end is destroyed too, and it still needs its answer.)
    if (res.destroyed || req.socket.destroyed) return;
    response = unreadable(err);
  }
  await sendResponse(req, res, response);
}

/** The answer to a request whose body could not be read (over the limit, aborted, forbidden method). */
export function unreadable(err: unknown): Response {
  return err instanceof RequestError
    ? // The rest of a refused body is never read: the connection cannot carry another request.
      toErrorResponse(err, { headers: { connection: 'close' } })
    : toErrorResponse(err, { fallback: 'ST_BAD_REQUEST', message: 'the request could not be read' });
}

/** Write `response` unless an answer went already; after a 413 the rest of the body is drained. */
export async function sendResponse(
  req: IncomingMessage,
  res: ServerResponse,
  response: Response,
): Promise<void> {
  try {
    if (res.headersSent) return;
    await writeResponse(res, response);
    if (response.status === 413) drainThenClose(req);
  } catch {
    // The client went away mid-body; nothing left to tell it.
    res.destroy();
  }
}

/** How much of a refused body is read and thrown away so the 413 reaches the client. */
const DRAIN_BYTES = 16 * 1024 * 1024;
const DRAIN_MS = 2000;

/**
 * After a 413 the client is usually still sending. Closing a socket with unread data in it makes
 * the kernel send RST, and the client's stack may throw away the 413 it has not read yet. So the
 * rest is read and discarded, up to a bound in bytes and time, before the socket goes.
 */
function drainThenClose(req: IncomingMessage): void {
  const socket = req.socket;
  let seen = 0;
  const stop = () => {
    clearTimeout(timer);
    socket.destroy();
  };
  const timer = setTimeout(stop, DRAIN_MS);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > DRAIN_BYTES) stop();
  });
  req.once('end', () => clearTimeout(timer));
  socket.once('close', () => clearTimeout(timer));
  req.resume();
}
