/**
 * OTLP/HTTP trace requests in, responses out (opentelemetry-proto @ ac2c4b5d,
 * collector/trace/v1/trace_service.proto and docs/specification.md "OTLP/HTTP"; Apache-2.0).
 *
 * Protobuf is walked with protobufjs's Reader, field by field, instead of decoded into objects:
 * only the span fields and allow-listed attributes (./spans.ts) are materialised, so the
 * transcript, prompt and LLM output attributes the agent frameworks export are skipped as bytes
 * and never become strings in this process. JSON (OTLP's JSON encoding: lowerCamelCase keys, hex
 * ids, 64-bit integers as decimal strings or numbers, enums as integers, unknown fields ignored)
 * is parsed whole, then read the same way.
 */
import protobuf from 'protobufjs';
import { RequestError } from '../../errors.js';
import {
  type AllowList,
  type AttrValue,
  type DecodedSpans,
  type ResourceFacts,
  type SpanFacts,
  spanProblem,
} from './spans.js';

type Reader = protobuf.Reader;
const { Reader: ReaderCtor } = protobuf;

// Wire types (protobuf encoding): 0 varint, 1 64-bit, 2 length-delimited, 5 32-bit.
const LEN = 2;
const I64 = 1;

/** The message types the responses need, field numbers from trace_service.proto and google/rpc/status.proto. */
const root = protobuf.Root.fromJSON({
  nested: {
    ExportTraceServiceResponse: {
      fields: { partialSuccess: { type: 'ExportTracePartialSuccess', id: 1 } },
    },
    ExportTracePartialSuccess: {
      fields: { rejectedSpans: { type: 'int64', id: 1 }, errorMessage: { type: 'string', id: 2 } },
    },
    // google.rpc.Status: the body of every OTLP/HTTP failure (specification.md "Failures").
    Status: { fields: { code: { type: 'int32', id: 1 }, message: { type: 'string', id: 2 } } },
  },
});
const ResponseType = root.lookupType('ExportTraceServiceResponse');
const StatusType = root.lookupType('Status');

/** An undecodable body: the receiver answers 400, and the sender must not retry it. */
export class OtlpDecodeError extends RequestError {
  override name = 'OtlpDecodeError';
  constructor(message: string) {
    super('ST_OTLP_INVALID', message);
  }
}

/** Lower-case hex of bytes. */
const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/** A fixed64 of nanoseconds as epoch milliseconds (two 32-bit halves, no 64-bit integer needed). */
function fixed64Ms(r: Reader): number {
  const lo = r.fixed32();
  const hi = r.fixed32();
  return hi * 4294.967296 + lo / 1e6;
}

/** Read a length-delimited field's end position. */
const endOf = (r: Reader) => r.uint32() + r.pos;

/** AnyValue: the scalar it holds (string, bool, int, double), or undefined for arrays, maps, bytes. */
function anyValue(r: Reader, end: number, wantString: boolean): AttrValue | undefined {
  let out: AttrValue | undefined;
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1: // string_value
        if (wantString) out = r.string();
        else r.skipType(tag & 7);
        break;
      case 2: // bool_value
        out = r.bool();
        break;
      case 3: // int_value
        out = (r.int64() as unknown as { toNumber(): number }).toNumber();
        break;
      case 4: // double_value
        out = r.double();
        break;
      default: // array, kvlist, bytes, string_value_strindex: nothing the allow-list reads
        r.skipType(tag & 7);
    }
  }
  return out;
}

/** KeyValue: read the value only when the allow-list wants the key. */
function keyValue(r: Reader, end: number, allow: AllowList, into: Record<string, AttrValue>): void {
  let key: string | undefined;
  let valueAt = -1;
  let valueEnd = -1;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | LEN)) key = r.string();
    else if (tag === ((2 << 3) | LEN)) {
      valueEnd = endOf(r);
      valueAt = r.pos;
      r.pos = valueEnd;
    } else r.skipType(tag & 7);
  }
  const kind = key === undefined ? undefined : allow.kind(key);
  if (kind === undefined || valueAt < 0) return;
  const saved = r.pos;
  r.pos = valueAt;
  const v = anyValue(r, valueEnd, kind !== 'number' && kind !== 'flag');
  r.pos = saved;
  if (v !== undefined) allow.keep(into, key as string, kind, v);
}

interface Sink {
  spans: SpanFacts[];
  rejected: number;
  reason: string | undefined;
}

function span(r: Reader, end: number, allow: AllowList, scope: string, resource: ResourceFacts, out: Sink) {
  let trace = '';
  let id = '';
  let parent = '';
  let name = '';
  let start = 0;
  let stop = 0;
  const attrs: Record<string, AttrValue> = {};
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case (1 << 3) | LEN:
        trace = hex(r.bytes());
        break;
      case (2 << 3) | LEN:
        id = hex(r.bytes());
        break;
      case (4 << 3) | LEN:
        parent = hex(r.bytes());
        break;
      case (5 << 3) | LEN:
        name = r.string();
        break;
      case (7 << 3) | I64:
        start = fixed64Ms(r);
        break;
      case (8 << 3) | I64:
        stop = fixed64Ms(r);
        break;
      case (9 << 3) | LEN:
        keyValue(r, endOf(r), allow, attrs);
        break;
      default:
        r.skipType(tag & 7);
    }
  }
  push(out, { trace, id, parent, name, scope, start, end: stop, attrs, resource });
}

function push(out: Sink, s: SpanFacts): void {
  const problem = spanProblem(s.trace, s.id, s.parent, s.start, s.end);
  if (problem === undefined) out.spans.push(s);
  else {
    out.rejected++;
    out.reason ??= problem;
  }
}

/**
 * Decode an `ExportTraceServiceRequest` in protobuf. Throws {@link OtlpDecodeError} when the bytes
 * are not one (truncated, a wrong wire type where a message belongs).
 */
export function decodeProtobuf(body: Uint8Array, allow: AllowList): DecodedSpans {
  const r = ReaderCtor.create(body);
  const out: Sink = { spans: [], rejected: 0, reason: undefined };
  try {
    while (r.pos < r.len) {
      const tag = r.uint32();
      if (tag !== ((1 << 3) | LEN)) {
        r.skipType(tag & 7);
        continue;
      }
      // ResourceSpans: the resource's attributes come first on the wire from every SDK, but the
      // encoding allows any order: scope spans are read after the resource, wherever it is.
      const rsEnd = endOf(r);
      const rsStart = r.pos;
      const resourceAttrs: Record<string, AttrValue> = {};
      while (r.pos < rsEnd) {
        const t = r.uint32();
        if (t === ((1 << 3) | LEN)) {
          const resEnd = endOf(r);
          while (r.pos < resEnd) {
            const rt = r.uint32();
            if (rt === ((1 << 3) | LEN)) keyValue(r, endOf(r), allow, resourceAttrs);
            else r.skipType(rt & 7);
          }
        } else r.skipType(t & 7);
      }
      const resource: ResourceFacts = { attrs: resourceAttrs };
      r.pos = rsStart;
      while (r.pos < rsEnd) {
        const t = r.uint32();
        if (t !== ((2 << 3) | LEN)) {
          r.skipType(t & 7);
          continue;
        }
        scopeSpans(r, endOf(r), allow, resource, out);
      }
    }
  } catch (err) {
    throw new OtlpDecodeError(`not an ExportTraceServiceRequest in protobuf (${(err as Error).message})`);
  }
  return out;
}

function scopeSpans(r: Reader, end: number, allow: AllowList, resource: ResourceFacts, out: Sink): void {
  const ssStart = r.pos;
  let scope = '';
  while (r.pos < end) {
    const t = r.uint32();
    if (t === ((1 << 3) | LEN)) {
      const scEnd = endOf(r);
      while (r.pos < scEnd) {
        const st = r.uint32();
        if (st === ((1 << 3) | LEN)) scope = r.string();
        else r.skipType(st & 7);
      }
    } else r.skipType(t & 7);
  }
  r.pos = ssStart;
  while (r.pos < end) {
    const t = r.uint32();
    if (t === ((2 << 3) | LEN)) span(r, endOf(r), allow, scope, resource, out);
    else r.skipType(t & 7);
  }
}

// --- JSON ------------------------------------------------------------------------------------

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
/** A repeated field: absent is empty; anything but an array is a malformed body. */
function list(o: Record<string, unknown>, key: string, where: string): unknown[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new OtlpDecodeError(`${where}.${key} must be an array`);
  return v;
}

/** Nanoseconds as a decimal string (or a number) to epoch ms; NaN when it is neither. */
function nanosMs(v: unknown): number {
  if (typeof v === 'number') return v / 1e6;
  if (typeof v !== 'string' || !/^\d{1,20}$/.test(v)) return Number.NaN;
  // Split so the digits past a double's precision are not lost before the division.
  return v.length <= 6 ? Number(v) / 1e6 : Number(v.slice(0, -6)) + Number(v.slice(-6)) / 1e6;
}

function jsonValue(v: unknown): AttrValue | undefined {
  if (!isObject(v)) return undefined;
  if (typeof v.stringValue === 'string') return v.stringValue;
  if (typeof v.boolValue === 'boolean') return v.boolValue;
  if (v.intValue !== undefined) {
    const n = typeof v.intValue === 'string' && /^-?\d+$/.test(v.intValue) ? Number(v.intValue) : v.intValue;
    return typeof n === 'number' ? n : undefined;
  }
  if (v.doubleValue !== undefined) {
    const n = typeof v.doubleValue === 'string' ? Number(v.doubleValue) : v.doubleValue;
    return typeof n === 'number' ? n : undefined;
  }
  return undefined;
}

function jsonAttributes(o: Record<string, unknown>, allow: AllowList, where: string) {
  const into: Record<string, AttrValue> = {};
  for (const kv of list(o, 'attributes', where)) {
    if (!isObject(kv) || typeof kv.key !== 'string') continue;
    const kind = allow.kind(kv.key);
    if (kind === undefined) continue;
    const v = jsonValue(kv.value);
    if (v !== undefined) allow.keep(into, kv.key, kind, v);
  }
  return into;
}

/** Hex ids are case-insensitive in OTLP/JSON; '' (or absent) is "no parent". */
const jsonId = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : '');

/**
 * Decode an `ExportTraceServiceRequest` in OTLP/JSON. Throws {@link OtlpDecodeError} when the body
 * is not JSON or not shaped as one; a span with bad ids or times is refused alone (counted).
 */
export function decodeJson(text: string, allow: AllowList): DecodedSpans {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new OtlpDecodeError(`body is not JSON (${(err as Error).message})`);
  }
  if (!isObject(body)) throw new OtlpDecodeError('body must be a JSON object (ExportTraceServiceRequest)');
  const out: Sink = { spans: [], rejected: 0, reason: undefined };
  for (const rs of list(body, 'resourceSpans', '$')) {
    if (!isObject(rs)) throw new OtlpDecodeError('$.resourceSpans[] must hold objects');
    const res = isObject(rs.resource) ? rs.resource : {};
    const resource: ResourceFacts = { attrs: jsonAttributes(res, allow, '$.resource') };
    for (const ss of list(rs, 'scopeSpans', '$.resourceSpans[]')) {
      if (!isObject(ss)) throw new OtlpDecodeError('$.resourceSpans[].scopeSpans[] must hold objects');
      const scope = isObject(ss.scope) && typeof ss.scope.name === 'string' ? ss.scope.name : '';
      for (const s of list(ss, 'spans', '$.scopeSpans[]')) {
        if (!isObject(s)) {
          out.rejected++;
          out.reason ??= 'a span that is not an object';
          continue;
        }
        push(out, {
          trace: jsonId(s.traceId),
          id: jsonId(s.spanId),
          parent: jsonId(s.parentSpanId),
          name: typeof s.name === 'string' ? s.name : '',
          scope,
          start: nanosMs(s.startTimeUnixNano),
          end: nanosMs(s.endTimeUnixNano),
          attrs: jsonAttributes(s, allow, '$.spans[]'),
          resource,
        });
      }
    }
  }
  return out;
}

// --- Responses -------------------------------------------------------------------------------

/** The body of a success, in the request's encoding: empty, or with a partial success. */
export function exportResponse(
  encoding: 'protobuf' | 'json',
  partial?: { rejectedSpans: number; errorMessage: string },
): Uint8Array {
  if (encoding === 'json') {
    // 64-bit integers are decimal strings in OTLP/JSON.
    const body =
      partial === undefined
        ? {}
        : {
            partialSuccess: {
              rejectedSpans: String(partial.rejectedSpans),
              errorMessage: partial.errorMessage,
            },
          };
    return Buffer.from(JSON.stringify(body));
  }
  // Full success: partial_success MUST be unset, so the message, and its encoding, are empty.
  return ResponseType.encode(
    ResponseType.create(partial === undefined ? {} : { partialSuccess: partial }),
  ).finish();
}

/** A google.rpc.Status body (the OTLP/HTTP failure shape) in the request's encoding. */
export function statusBody(encoding: 'protobuf' | 'json', code: number, message: string): Uint8Array {
  if (encoding === 'json') return Buffer.from(JSON.stringify({ code, message }));
  return StatusType.encode(StatusType.create({ code, message })).finish();
}
