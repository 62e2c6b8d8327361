import type { IncomingMessage } from 'node:http';
import { RequestError } from '../errors.js';
import { NdjsonLines } from './ndjson-lines.js';
import { requestTarget, targetPathname, urlPathname } from './path.js';

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

/** Where a body's chunks go as they arrive: kept whole (bytes, text) or split (NdjsonLines). */
interface ChunkSink {
  push(chunk: Buffer): void;
}

/** The chunks of a body read whole. */
class Chunks implements ChunkSink {
  private readonly list: Buffer[] = [];
  private size = 0;

  push(chunk: Buffer): void {
    this.list.push(chunk);
    this.size += chunk.length;
  }

  bytes(): Buffer {
    return this.list.length === 1 ? (this.list[0] as Buffer) : Buffer.concat(this.list, this.size);
  }
}

// Module functions, not closures: a read makes no function object (see LazyBody).
const bytesOf = (c: Chunks): Buffer => c.bytes();
const textOf = (c: Chunks): string => c.bytes().toString('utf8');
const bufferOf = (c: Chunks): ArrayBuffer => {
  const b = c.bytes();
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
};
const linesOf = (split: NdjsonLines): NdjsonLines => split.end();

/**
 * The body methods of an {@link HttpRequest} over its one read. A class, not closures: one object
 * per request on the hot path (closures made ~8 objects per request, which a Pi's scavenger pays).
 * Each read is one promise from the source and one `then`, not a chain of async functions (issue
 * 49: the one dispatch took five more promise steps a POST than the direct path it replaced).
 */
export abstract class LazyBody {
  private consumed = false;
  /** Read the body once into `sink`, within `max` (and the request's own limit). */
  protected abstract read<S extends ChunkSink>(max: number | undefined, sink: S): Promise<S>;
  /** The decoded-once pathname the dispatch routes on, without building a URL when it is plain. */
  abstract pathname(): string;
  /**
   * The limit of the route the request reached, in place of the server's: set by the dispatch as
   * it routes (the path normalised and matched once, issue 49). A fetch request without a route
   * limit stays unbounded (a framework in front keeps its own).
   */
  abstract limitTo(limit: number): void;

  private once<S extends ChunkSink>(max: number | undefined, sink: S): Promise<S> {
    if (this.consumed) return Promise.reject(used());
    this.consumed = true;
    return this.read(max, sink);
  }

  bytes(max?: number): Promise<Buffer> {
    return this.once(max, new Chunks()).then(bytesOf);
  }

  text(max?: number): Promise<string> {
    return this.once(max, new Chunks()).then(textOf);
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return this.once(undefined, new Chunks()).then(bufferOf);
  }

  lines(max?: number): Promise<NdjsonLines> {
    return this.once(max, new NdjsonLines()).then(linesOf);
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
    private limit: number,
    private readonly preread: { body: unknown } | undefined,
  ) {
    super();
    this.method = req.method ?? 'GET';
  }

  get url(): string {
    this.target ??= `http://localhost${requestTarget(this.req.url)}`;
    return this.target;
  }

  pathname(): string {
    return targetPathname(this.req.url);
  }

  limitTo(limit: number): void {
    this.limit = limit;
  }

  get headers(): RequestHeaders {
    return this;
  }

  /** node joins a repeated header with ", " as the fetch Headers' get() does. */
  get(name: string): string | null {
    const v = this.req.headers[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
  }

  protected read<S extends ChunkSink>(max: number | undefined, sink: S): Promise<S> {
    const bound = Math.min(max ?? this.limit, this.limit);
    if (this.preread !== undefined) {
      const body = prereadBody(this.preread.body);
      if (body.byteLength > bound) return Promise.reject(bodyTooLarge(bound));
      if (body.byteLength > 0) sink.push(body);
      return Promise.resolve(sink);
    }
    if (this.method === 'GET' || this.method === 'HEAD') return Promise.resolve(sink);
    return readChunks(this.req, bound, sink);
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
    private limit: number | undefined,
  ) {
    super();
  }

  pathname(): string {
    return urlPathname(this.req.url);
  }

  limitTo(limit: number): void {
    this.limit = limit;
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

  protected async read<S extends ChunkSink>(max: number | undefined, sink: S): Promise<S> {
    const bound = Math.min(max ?? Number.POSITIVE_INFINITY, this.limit ?? Number.POSITIVE_INFINITY);
    const declared = Number(this.req.headers.get('content-length'));
    if (declared > bound) throw bodyTooLarge(bound);
    if (this.req.body === null) return sink;
    const reader = this.req.body.getReader();
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return sink;
      total += value.byteLength;
      if (total > bound) {
        await reader.cancel();
        throw bodyTooLarge(bound);
      }
      sink.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
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
 * Hand a node request's body to `sink` as it arrives; resolves with the sink once it ends,
 * refused (RequestError 413) once it passes `limit` bytes.
 */
function readChunks<S extends ChunkSink>(req: IncomingMessage, limit: number, sink: S): Promise<S> {
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
      sink.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(sink);
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
