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

/** The body was bigger than the limit: answered 413 (over node:http the rest is drained, within a bound). */
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
 * The body methods of an {@link HttpRequest} over its one read. A class, not closures: one object
 * per request on the hot path (closures made ~8 objects per request, which a Pi's scavenger pays).
 */
abstract class LazyBody {
  private consumed = false;
  /** Read the body once, within `max` (and the request's own limit); resolves with its size. */
  protected abstract read(max: number | undefined, onChunk: (chunk: Buffer) => void): Promise<number>;

  private once(max: number | undefined, onChunk: (chunk: Buffer) => void): Promise<number> {
    if (this.consumed) return Promise.reject(used());
    this.consumed = true;
    return this.read(max, onChunk);
  }

  async bytes(max?: number): Promise<Buffer> {
    const chunks: Buffer[] = [];
    const total = await this.once(max, (chunk) => chunks.push(chunk));
    return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
  }

  async text(max?: number): Promise<string> {
    return (await this.bytes(max)).toString('utf8');
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const b = await this.bytes();
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }

  async lines(max?: number): Promise<NdjsonLines> {
    const split = new NdjsonLines();
    await this.once(max, (chunk) => split.push(chunk));
    return split.end();
  }
}

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
  return new NodeRequest(req, limit, preread);
}

class NodeRequest extends LazyBody implements HttpRequest, RequestHeaders {
  readonly method: string;
  private target: string | undefined;

  constructor(
    private readonly req: IncomingMessage,
    private readonly limit: number,
    private readonly preread: { body: unknown } | undefined,
  ) {
    super();
    this.method = req.method ?? 'GET';
  }

  get url(): string {
    this.target ??= `http://localhost${requestTarget(this.req.url)}`;
    return this.target;
  }

  get headers(): RequestHeaders {
    return this;
  }

  /** node joins a repeated header with ", " as the fetch Headers' get() does. */
  get(name: string): string | null {
    const v = this.req.headers[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
  }

  protected read(max: number | undefined, onChunk: (chunk: Buffer) => void): Promise<number> {
    const bound = Math.min(max ?? this.limit, this.limit);
    if (this.preread !== undefined) {
      const body = prereadBody(this.preread.body);
      if (body.byteLength > bound) return Promise.reject(bodyTooLarge(bound));
      if (body.byteLength > 0) onChunk(body);
      return Promise.resolve(body.byteLength);
    }
    if (this.method === 'GET' || this.method === 'HEAD') return Promise.resolve(0);
    return readChunks(this.req, bound, onChunk);
  }
}

/**
 * A fetch `Request` as an {@link HttpRequest}: its body streamed within `limit` (unbounded when
 * undefined: a framework in front keeps its own).
 */
export function webRequest(req: Request, limit?: number): HttpRequest {
  return new WebRequest(req, limit);
}

class WebRequest extends LazyBody implements HttpRequest {
  constructor(
    private readonly req: Request,
    private readonly limit: number | undefined,
  ) {
    super();
  }

  get method(): string {
    return this.req.method;
  }

  get url(): string {
    return this.req.url;
  }

  get headers(): RequestHeaders {
    return this.req.headers;
  }

  protected async read(max: number | undefined, onChunk: (chunk: Buffer) => void): Promise<number> {
    const bound = Math.min(max ?? Number.POSITIVE_INFINITY, this.limit ?? Number.POSITIVE_INFINITY);
    const declared = Number(this.req.headers.get('content-length'));
    if (declared > bound) throw bodyTooLarge(bound);
    if (this.req.body === null) return 0;
    const reader = this.req.body.getReader();
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
  }
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
        // Stop keeping it at once (buffering the rest is what a memory attack wants), but leave the
        // socket up so the 413 can be written; node-bridge.ts drains the rest within a bound.
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
