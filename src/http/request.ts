import type { IncomingMessage } from 'node:http';
import { RequestError } from '../errors.js';
import { NdjsonLines } from './ndjson-lines.js';
import { requestTarget } from './path.js';

/**
 * A request as every route sees it, whichever server carried it: node:http (`serve()`, the Express
 * mount) or a fetch `Request` (`app.fetch`, the Hono and Fastify mounts). The body is read from
 * its source only when a handler asks for it, as text, bytes or NDJSON lines, and never past the
 * request's limit: past it the read rejects with `ST_BODY_TOO_LARGE` (413), the same error on
 * both. Over node:http nothing of the web Request is built (issue 39: building it, its Headers and
 * its body stream was ~15 % of the sidecar's main thread at a Pi's rate, and loading their code
 * ~20 ms of CPU and ~12 MiB of RSS), as @hono/node-server's lazy Request does.
 */
export interface HttpRequest {
  /** Upper-case, as node and fetch give it. */
  readonly method: string;
  /** Absolute, on `http://localhost` over node:http (the `Host` header must not move the path). */
  readonly url: string;
  /** `get(name)` as the fetch Headers' (repeated headers joined with ", "; null when absent). */
  readonly headers: RequestHeaders;
  /** The body as UTF-8 text. `limit` lowers the request's own limit for this read. */
  text(limit?: number): Promise<string>;
  /** The body's bytes. */
  bytes(limit?: number): Promise<Uint8Array>;
  arrayBuffer(): Promise<ArrayBuffer>;
  /**
   * The body split into NDJSON lines as it arrives: each chunk is decoded once and dropped, so a
   * batch is never whole in memory twice (see NdjsonLines).
   */
  lines(limit?: number): Promise<NdjsonLines>;
}

/** What a handler reads of the headers. */
export interface RequestHeaders {
  get(name: string): string | null;
}

/** The body was bigger than the limit: answered 413 (and, over node:http, the connection closes). */
export const bodyTooLarge = (limit: number) =>
  new RequestError('ST_BODY_TOO_LARGE', `request body over ${limit} bytes: send less`);

/**
 * Methods the fetch `Request` refuses to carry (Fetch standard: CONNECT, TRACE, TRACK are
 * forbidden); node:http parses them, and they are answered 405 as the fetch adapter would.
 */
export const FORBIDDEN_METHODS: ReadonlySet<string> = new Set(['CONNECT', 'TRACE', 'TRACK']);

/** Read at most once: a second read of a body is the handler's bug, as with a fetch Request. */
const used = () => new TypeError('the request body was read already');

/**
 * A node:http request as an {@link HttpRequest}, its body read from the socket when asked, up to
 * `limit` bytes (a declared `Content-Length` above it is refused unread). `preread`: the body a
 * framework's parser has consumed already (Express with a body parser before the mount).
 */
export function nodeRequest(
  req: IncomingMessage,
  limit: number,
  preread?: { body: unknown } | undefined,
): HttpRequest {
  return {
    method: req.method ?? 'GET',
    url: `http://localhost${requestTarget(req.url)}`,
    headers: {
      // node joins a repeated header with ", " as the fetch Headers' get() does (set-cookie aside,
      // which a request does not carry).
      get: (name) => {
        const v = req.headers[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
      },
    },
    ...lazyBody((max, onChunk) => {
      const bound = Math.min(max ?? limit, limit);
      if (preread !== undefined) {
        const body = prereadBody(preread.body);
        if (body.byteLength > bound) return Promise.reject(bodyTooLarge(bound));
        if (body.byteLength > 0) onChunk(body);
        return Promise.resolve(body.byteLength);
      }
      if (req.method === 'GET' || req.method === 'HEAD') return Promise.resolve(0);
      return readChunks(req, bound, onChunk);
    }),
  };
}

/**
 * A fetch `Request` as an {@link HttpRequest}: its body streamed within `limit` (unbounded when
 * undefined: a framework in front keeps its own).
 */
export function webRequest(req: Request, limit?: number): HttpRequest {
  return {
    method: req.method,
    url: req.url,
    headers: req.headers,
    ...lazyBody(async (max, onChunk) => {
      const bound = Math.min(max ?? Number.POSITIVE_INFINITY, limit ?? Number.POSITIVE_INFINITY);
      const declared = Number(req.headers.get('content-length'));
      if (declared > bound) throw bodyTooLarge(bound);
      if (req.body === null) return 0;
      const reader = req.body.getReader();
      let total = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return total;
        total += value.byteLength;
        if (total > bound) {
          await reader.cancel();
          throw bodyTooLarge(bound);
        }
        onChunk(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
      }
    }),
  };
}

/** Reads a body once, within `max` (and the request's own limit), chunk by chunk; resolves with its size. */
type ReadBody = (max: number | undefined, onChunk: (chunk: Buffer) => void) => Promise<number>;

/** The body methods of an {@link HttpRequest} over its one read. */
function lazyBody(read: ReadBody): Pick<HttpRequest, 'bytes' | 'text' | 'arrayBuffer' | 'lines'> {
  let done = false;
  const once: ReadBody = (max, onChunk) => {
    if (done) return Promise.reject(used());
    done = true;
    return read(max, onChunk);
  };
  const bytes = async (max?: number): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    const total = await once(max, (chunk) => chunks.push(chunk));
    return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
  };
  return {
    bytes,
    text: async (max) => (await bytes(max)).toString('utf8'),
    arrayBuffer: async () => {
      const b = await bytes();
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    },
    lines: async (max) => {
      const split = new NdjsonLines();
      await once(max, (chunk) => split.push(chunk));
      return split.end();
    },
  };
}

function prereadBody(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.from(JSON.stringify(body), 'utf8');
}

/**
 * Hand a node request's body to `onChunk` as it arrives; resolves with its size once it ends,
 * refused (RequestError 413) once it passes `limit` bytes.
 */
function readChunks(req: IncomingMessage, limit: number, onChunk: (chunk: Buffer) => void): Promise<number> {
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
    // A client that left mid-body is the client's failure, not the handler's: a 400 nobody reads,
    // never a 500 logged as a crash.
    const onError = () => {
      cleanup();
      reject(new RequestError('ST_BAD_REQUEST', 'the request could not be read: the client left'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onError);
  });
}
