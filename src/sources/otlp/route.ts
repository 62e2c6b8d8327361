import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import { ERROR_CODES, type ErrorCode } from '../../error-codes.js';
import { requestBytes } from '../../http/raw-body.js';
import { bytesResponse } from '../../http/respond.js';
import type { Handler } from '../../http/router.js';
import { isDiskFull } from '../ingest.js';
import type { OtlpTraceReceiver } from './receiver.js';
import { decodeJson, decodeProtobuf, exportResponse, OtlpDecodeError, statusBody } from './wire.js';

export interface OtlpRouteOptions {
  /**
   * Resolves when everything emitted so far is durable (the store sink's `flush`): the answer
   * waits for it, so a 200 means the turns this batch completed are stored.
   */
  flush?: () => Promise<void>;
  /** Largest body after decompression; past it 413. Default 16 MiB. */
  maxBodyBytes?: number;
  /** Exports handled at once; past it 429 with `Retry-After`. Default 4. */
  maxInFlight?: number;
}

type Encoding = 'protobuf' | 'json';
const TYPES: ReadonlyMap<string, Encoding> = new Map([
  ['application/x-protobuf', 'protobuf'],
  ['application/json', 'json'],
]);
const unzip = { gzip: promisify(gunzip), deflate: promisify(inflate) } as const;

/** google.rpc.Code of each answer (google/rpc/code.proto), as OTLP's Status body carries it. */
const RPC_CODE: Partial<Record<ErrorCode, number>> = {
  ST_OTLP_INVALID: 3, // INVALID_ARGUMENT
  ST_OTLP_MEDIA_TYPE: 3,
  ST_BODY_TOO_LARGE: 8, // RESOURCE_EXHAUSTED
  ST_OTLP_BUSY: 8,
  ST_STORE_UNAVAILABLE: 14, // UNAVAILABLE
};

/**
 * `POST /v1/traces`, the OTLP/HTTP trace endpoint (opentelemetry-proto docs/specification.md
 * "OTLP/HTTP"): an `ExportTraceServiceRequest` in protobuf or JSON, optionally gzip or deflate
 * (zlib) compressed, answered in the request's encoding. 200 with an empty response on success;
 * 200 with `partial_success` naming how many spans were refused and why (bad ids or times: the
 * others are kept, and the sender must not retry); 400 for a body that does not decode (not
 * retried); 413 past the size limit; 415 for another type or compression; 429 when too many
 * exports are in flight and 503 when the store could not take the turns (both with `Retry-After`:
 * the sender retries, and the spans it already sent are recognised and not counted twice).
 * @example
 * app.route('POST', '/v1/traces', otlpTracesRoute(receiver, { flush: () => sink.flush() }), { auth: 'ingest' });
 */
export function otlpTracesRoute(receiver: OtlpTraceReceiver, options: OtlpRouteOptions = {}): Handler {
  const maxBody = options.maxBodyBytes ?? 16 * 1024 * 1024;
  const maxInFlight = options.maxInFlight ?? 4;
  let inFlight = 0;
  return async (req) => {
    const type = (req.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const encoding = TYPES.get(type);
    if (encoding === undefined) {
      return failure(
        'json',
        'ST_OTLP_MEDIA_TYPE',
        `Content-Type ${JSON.stringify(type || '(none)')} is not accepted: send application/x-protobuf or application/json`,
      );
    }
    const compression = (req.headers.get('content-encoding') ?? 'identity').trim().toLowerCase();
    if (compression !== 'identity' && compression !== 'gzip' && compression !== 'deflate') {
      return failure(
        encoding,
        'ST_OTLP_MEDIA_TYPE',
        `Content-Encoding ${JSON.stringify(compression)} is not accepted: send gzip, deflate or none`,
      );
    }
    if (inFlight >= maxInFlight) {
      return failure(encoding, 'ST_OTLP_BUSY', `${inFlight} exports are being handled: retry after 1 s`, 1);
    }
    inFlight++;
    try {
      let body: Uint8Array = requestBytes(req) ?? new Uint8Array(await req.arrayBuffer());
      if (compression !== 'identity') {
        try {
          body = await unzip[compression](body, { maxOutputLength: maxBody });
        } catch (err) {
          return (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE'
            ? failure(
                encoding,
                'ST_BODY_TOO_LARGE',
                `the body exceeds ${maxBody} bytes once decompressed: send smaller batches`,
              )
            : failure(encoding, 'ST_OTLP_INVALID', `the body is not valid ${compression} data`);
        }
      }
      if (body.byteLength > maxBody) {
        return failure(
          encoding,
          'ST_BODY_TOO_LARGE',
          `the body exceeds ${maxBody} bytes: send smaller batches`,
        );
      }
      let decoded: ReturnType<typeof decodeJson>;
      try {
        decoded =
          encoding === 'protobuf'
            ? decodeProtobuf(body, receiver.allow)
            : decodeJson(
                Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'),
                receiver.allow,
              );
      } catch (err) {
        if (err instanceof OtlpDecodeError) return failure(encoding, 'ST_OTLP_INVALID', err.message);
        throw err;
      }
      const r = receiver.accept(decoded);
      // A retry of a batch whose store write failed holds only duplicates: the flush is what
      // writes the turns the failure kept queued, so it runs whenever the batch had our spans.
      if (options.flush !== undefined && r.used + r.duplicates > 0) {
        try {
          await options.flush();
        } catch (err) {
          return failure(
            encoding,
            'ST_STORE_UNAVAILABLE',
            isDiskFull(err)
              ? 'the turns were not stored: the disk holding the store is full; retry after freeing space'
              : 'the turns were not stored: the store failed to write; retry',
            5,
          );
        }
      }
      const message =
        decoded.rejected > 0
          ? `${decoded.rejected} span(s) refused: ${decoded.reason}`
          : r.ignored > 0 && r.used + r.duplicates === 0
            ? `${r.ignored} span(s) ignored: none is a Pipecat or LiveKit Agents span sidetone reads (docs/voice.md)`
            : undefined;
      const partial =
        message === undefined ? undefined : { rejectedSpans: decoded.rejected, errorMessage: message };
      return bytesResponse(exportResponse(encoding, partial), { status: 200, headers: headers(encoding) });
    } finally {
      inFlight--;
    }
  };
}

const headers = (encoding: Encoding) => ({
  'content-type': encoding === 'protobuf' ? 'application/x-protobuf' : 'application/json',
  'cache-control': 'no-store',
});

/** An OTLP failure: the catalogue's status, a google.rpc.Status body, `Retry-After` when retryable. */
function failure(encoding: Encoding, code: ErrorCode, message: string, retryAfter?: number): Response {
  const body = statusBody(encoding, RPC_CODE[code] ?? 2, `${code}: ${message}`);
  return bytesResponse(body, {
    status: ERROR_CODES[code].status,
    headers: { ...headers(encoding), ...(retryAfter !== undefined && { 'retry-after': String(retryAfter) }) },
  });
}
