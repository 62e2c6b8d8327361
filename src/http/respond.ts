import { ERROR_CODES, type ErrorCode } from '../error-codes.js';
import { SidetoneError, ValidationError } from '../errors.js';
import { redactSecrets } from '../secrets.js';

/** The media type of every JSON answer. */
export const JSON_TYPE = 'application/json; charset=utf-8';

/** Headers every JSON answer carries: probes and errors must never be cached by a proxy. */
const JSON_HEADERS = { 'content-type': JSON_TYPE, 'cache-control': 'no-store' };
/** The same headers as node's flat list (`writeHead(status, [name, value, ...])`), for the direct write. */
export const JSON_HEADER_LIST: readonly string[] = Object.entries(JSON_HEADERS).flat();

/** Bytes behind responses made by `bytesResponse`, so the node adapter can write them directly. */
const RAW = new WeakMap<Response, Uint8Array>();

/**
 * A response over bytes the caller will not change, with `Content-Length`. undici copies a byte
 * body when a `Response` is constructed, and again when it is read: for a 5 MB exposition shared
 * by concurrent scrapes that is 10 MB of copying per request. Here the body is a stream that hands
 * out the same bytes, and `rawBytes()` lets the node adapter write them without reading the stream.
 * @example
 * return bytesResponse(Buffer.from(text), { status: 200, headers: { 'content-type': 'text/plain' } });
 */
export function bytesResponse(
  bytes: Uint8Array,
  init: { status: number; headers: Record<string, string> },
): Response {
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
  const res = new Response(body, {
    status: init.status,
    headers: { ...init.headers, 'content-length': String(bytes.byteLength) },
  });
  RAW.set(res, bytes);
  return res;
}

/** The bytes of a `bytesResponse` whose body nobody has started reading. */
export function rawBytes(res: Response): Uint8Array | undefined {
  const raw = RAW.get(res);
  return raw !== undefined && !res.bodyUsed && res.body !== null && !res.body.locked ? raw : undefined;
}

/**
 * A JSON response with `Content-Length`.
 * @example
 * return json(200, { status: 'ok' });
 */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const bytes = Buffer.from(JSON.stringify(body), 'utf8');
  return bytesResponse(bytes, { status, headers: { ...JSON_HEADERS, ...headers } });
}

/**
 * The error shape every route answers with: `{ error: { code, message } }`, with the status the
 * code's catalogue entry gives (src/error-codes.ts, the one place statuses are decided). Messages
 * never echo request data (a path or a header can carry a token someone pasted in the wrong place).
 * @example
 * return errorResponse('ST_NOT_FOUND', 'no such route');
 */
export function errorResponse(
  code: ErrorCode,
  message: string,
  headers: Record<string, string> = {},
): Response {
  const r = errorReply(code, message, headers);
  return json(r.status, r.body, r.headers);
}

/** A JSON answer before it is a `Response`: what `json()` makes one of, or the node adapter writes. */
export interface JsonReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** The answer `errorResponse` gives, as a {@link JsonReply}. */
export function errorReply(
  code: ErrorCode,
  message: string,
  headers: Record<string, string> = {},
): JsonReply {
  // A message may quote a value, and a value a configured secret or a URL with credentials.
  return {
    status: ERROR_CODES[code].status,
    body: { error: { code, message: redactSecrets(message) } },
    headers,
  };
}

/**
 * Any error as the HTTP answer: the one place a thrown error becomes a response (as hono's
 * `onError`), for every route and both servers. The catalogue decides the status by the code;
 * input errors (validation, request) say what was wrong; anything else keeps its code and its
 * catalogue line but not its text, which may quote data or a driver's internals: the server log
 * has that. An error without a catalogue code is `fallback` (`ST_INTERNAL` unless given).
 * @example
 * try { return await handler(req); } catch (err) { log(err); return toErrorReply(err); }
 */
export function toErrorReply(
  err: unknown,
  options: { headers?: Record<string, string>; fallback?: ErrorCode; message?: string } = {},
): JsonReply {
  const code = err instanceof SidetoneError ? err.code : (options.fallback ?? 'ST_INTERNAL');
  const { kind, doc } = ERROR_CODES[code];
  const message =
    options.message ??
    (err instanceof ValidationError || (kind === 'request' && err instanceof SidetoneError)
      ? err.message
      : kind === 'internal'
        ? 'internal error: see the server log'
        : `${doc} See the server log.`);
  return errorReply(code, message, options.headers);
}

/** {@link toErrorReply} as a fetch `Response`. */
export function toErrorResponse(
  err: unknown,
  options: { headers?: Record<string, string>; fallback?: ErrorCode; message?: string } = {},
): Response {
  return toResponse(toErrorReply(err, options));
}

/** An answer as bytes and headers, before HTTP: what a route returns without building a `Response`. */
export interface BytesReply {
  status: number;
  headers: Record<string, string>;
  bytes: Uint8Array;
}

/**
 * What a route answers: a {@link JsonReply} or a {@link BytesReply}, which each server writes its
 * own way without a web `Response` (node:http writes their bytes; the fetch adapter makes one), or
 * a `Response` (a streamed export, a framework's answer).
 */
export type Reply = JsonReply | BytesReply | Response;

/**
 * Whether a reply is a web `Response`, told without touching the global `Response` (whose first
 * use loads undici's fetch code: ~12 MiB of RSS, issue 39).
 */
export function isResponse(reply: Reply): reply is Response {
  return typeof (reply as Response).arrayBuffer === 'function';
}

/** A reply as a fetch `Response`, for the fetch adapter. */
export function toResponse(reply: Reply): Response {
  if (isResponse(reply)) return reply;
  if ('bytes' in reply) return bytesResponse(reply.bytes, reply);
  return json(reply.status, reply.body, reply.headers);
}

/** A reply's status, headers and body bytes as node:http writes them, `Content-Length` included. */
export function replyBytes(reply: JsonReply | BytesReply): {
  status: number;
  headers: Record<string, string>;
  bytes: Uint8Array;
} {
  if ('bytes' in reply) {
    return {
      status: reply.status,
      headers: { ...reply.headers, 'content-length': String(reply.bytes.byteLength) },
      bytes: reply.bytes,
    };
  }
  const bytes = Buffer.from(JSON.stringify(reply.body), 'utf8');
  return {
    status: reply.status,
    headers: { ...JSON_HEADERS, ...reply.headers, 'content-length': String(bytes.byteLength) },
    bytes,
  };
}

/** The same response without a body, for `HEAD`: headers (and `Content-Length`) are kept. */
export function withoutBody(res: Response): Response {
  // The body is not needed; cancel it so a stream behind it is released.
  res.body?.cancel().catch(() => {});
  return new Response(null, { status: res.status, statusText: res.statusText, headers: res.headers });
}
