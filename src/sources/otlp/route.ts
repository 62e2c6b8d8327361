import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import { ERROR_CODES, type ErrorCode } from '../../error-codes.js';
import type { EventBus } from '../../events/bus.js';
import type { SidetoneEvent } from '../../events/types.js';
import type { BytesReply } from '../../http/respond.js';
import type { Handler } from '../../http/router.js';
import type { IngestSink } from '../store-first.js';
import { storeFirst } from '../store-first.js';
import type { Batch, OtlpTraceReceiver } from './receiver.js';
import type * as Wire from './wire.js';

export interface OtlpRouteOptions {
  /**
   * Where the turns become durable: the store sink, taken as ingest takes it. The turns a batch
   * completes are stored first, then emitted (metrics count what was stored), then answered; a
   * store that cannot take them is a 503 with `Retry-After` and the batch is undone, so the
   * sender's retry of the same spans is taken as new. Without it, turns are emitted at once.
   */
  sink?: IngestSink;
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

/**
 * The wire codec, and protobufjs with it: loaded by the first export, not at start-up, where it
 * was ~14 ms of CPU a sidecar whose agents send no spans paid (issue 39).
 */
let wire: typeof Wire | undefined;

/** google.rpc.Code of each answer (google/rpc/code.proto), as OTLP's Status body carries it. */
const RPC_CODE: Partial<Record<ErrorCode, number>> = {
  ST_OTLP_INVALID: 3, // INVALID_ARGUMENT
  ST_OTLP_MEDIA_TYPE: 3,
  ST_BODY_TOO_LARGE: 8, // RESOURCE_EXHAUSTED
  ST_OTLP_BUSY: 8,
  ST_STORE_UNAVAILABLE: 14, // UNAVAILABLE
  ST_STORE_BACKLOG: 14,
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
 * app.route('POST', '/v1/traces', otlpTracesRoute(bus, receiver, { sink }), { auth: 'ingest' });
 */
export function otlpTracesRoute(
  bus: EventBus,
  receiver: OtlpTraceReceiver,
  options: OtlpRouteOptions = {},
): Handler {
  const maxBody = options.maxBodyBytes ?? 16 * 1024 * 1024;
  const maxInFlight = options.maxInFlight ?? 4;
  let inFlight = 0;
  // One batch at a time from decode to answer: a batch that fails is undone, which must not undo
  // another's changes to the same call. The exporters send their batches one after another anyway.
  let turn: Promise<unknown> = Promise.resolve();
  return async (req) => {
    wire ??= await import('./wire.js');
    const { decodeJson, decodeProtobuf, exportResponse, OtlpDecodeError } = wire;
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
      let body: Uint8Array = await req.bytes();
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
      const previous = turn;
      let done: () => void = () => {};
      turn = new Promise<void>((resolve) => {
        done = resolve;
      });
      await previous;
      let r: Batch;
      try {
        r = receiver.accept(decoded);
        const failed = await store(bus, r.events, options.sink);
        if (failed !== undefined) {
          r.rollback();
          return failure(encoding, failed.code, failed.message, failed.retryAfter);
        }
        r.commit();
      } finally {
        done();
      }
      const message =
        decoded.rejected > 0
          ? `${decoded.rejected} span(s) refused: ${decoded.reason}`
          : r.ignored > 0 && r.used + r.duplicates === 0
            ? `${r.ignored} span(s) ignored: none is a Pipecat or LiveKit Agents span sidetone reads (docs/sources/voice-agents.md)`
            : undefined;
      const partial =
        message === undefined ? undefined : { rejectedSpans: decoded.rejected, errorMessage: message };
      return { status: 200, headers: headers(encoding), bytes: exportResponse(encoding, partial) };
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
function failure(encoding: Encoding, code: ErrorCode, message: string, retryAfter?: number): BytesReply {
  // Every handler loaded the codec before it could fail.
  const body = wire!.statusBody(encoding, RPC_CODE[code] ?? 2, `${code}: ${message}`);
  return {
    bytes: body,
    status: ERROR_CODES[code].status,
    headers: { ...headers(encoding), ...(retryAfter !== undefined && { 'retry-after': String(retryAfter) }) },
  };
}

/**
 * Store a batch's events before emitting them, as ingest does: refused by a full queue or a failed
 * write, nothing is kept (the caller undoes the batch and answers 503 with `Retry-After`); an event
 * the store refused for good is neither emitted nor retried.
 */
async function store(
  bus: EventBus,
  events: readonly SidetoneEvent[],
  sink: IngestSink | undefined,
): Promise<{ code: ErrorCode; message: string; retryAfter: number } | undefined> {
  if (events.length === 0) return undefined;
  if (sink === undefined) {
    for (const e of events) bus.emit(e);
    return undefined;
  }
  const wait = sink.retryAfter(events.length);
  if (wait > 0) {
    return {
      code: 'ST_STORE_BACKLOG',
      message: `the turns were not taken: the queue of updates waiting for the store is full; retry after ${wait} s`,
      retryAfter: wait,
    };
  }
  const r = await storeFirst(sink, events);
  if (!r.ok) {
    // Not 507 for a full disk: OTLP exporters retry only 429, 502, 503 and 504 (spec, "Retryable
    // response codes"), and the turns are worth keeping until the disk has room.
    return {
      code: 'ST_STORE_UNAVAILABLE',
      message: r.full
        ? 'the turns were not stored: the disk holding the store is full; free space, then the exporter retries'
        : 'the turns were not stored: the store failed to write; retry',
      retryAfter: r.retryAfter,
    };
  }
  sink.ignoring(() => {
    events.forEach((e, k) => {
      if (!r.refused.has(k)) bus.emit(e);
    });
  });
  return undefined;
}
