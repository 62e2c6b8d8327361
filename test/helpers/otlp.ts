import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

// The official OTLP definitions (opentelemetry-proto, Apache-2.0), copied verbatim into fixtures.
const ROOT = fileURLToPath(new URL('../fixtures/otlp/', import.meta.url));

/** The official schema, loaded once. */
export async function otlpRoot(): Promise<protobuf.Root> {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => `${ROOT}${target}`;
  await root.load(
    [
      'opentelemetry/proto/collector/trace/v1/trace_service.proto',
      'opentelemetry/proto/collector/metrics/v1/metrics_service.proto',
    ],
    { keepCase: false },
  );
  return root;
}

const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

/**
 * Decode an OTLP/HTTP request body with the official message type. Protobuf bodies are decoded
 * directly; JSON bodies (OTLP's JSON encoding: hex ids, camelCase) are checked key by key against
 * the schema — an unknown field fails — then built into the message and re-decoded from its
 * protobuf bytes, so what the test asserts is what a collector would read.
 */
export function decodeOtlp(type: protobuf.Type, body: Buffer, contentType: string): Record<string, unknown> {
  if (contentType.includes('protobuf')) {
    return type.toObject(type.decode(body), { longs: String, bytes: String, defaults: false }) as Record<
      string,
      unknown
    >;
  }
  const json = JSON.parse(body.toString('utf8')) as unknown;
  const prepared = prepare(type, json, '');
  const message = type.fromObject(prepared as Record<string, unknown>);
  const err = type.verify(message);
  if (err) throw new Error(`OTLP body does not fit ${type.name}: ${err}`);
  const bytes = type.encode(message).finish();
  return toHex(
    type.toObject(type.decode(bytes), { longs: String, enums: Number, bytes: Array, defaults: false }),
  ) as Record<string, unknown>;
}

/**
 * Encode an OTLP/JSON body as protobuf with the official type, checking every key on the way (an
 * unknown field fails): the bytes a protobuf exporter sends for the same message.
 */
export function encodeOtlpJson(type: protobuf.Type, json: unknown): Uint8Array {
  const message = type.fromObject(prepare(type, json, '') as Record<string, unknown>);
  const err = type.verify(message);
  if (err) throw new Error(`OTLP body does not fit ${type.name}: ${err}`);
  return type.encode(message).finish();
}

/** Check every key against the schema and turn hex ids into bytes. */
function prepare(type: protobuf.Type, value: unknown, path: string): unknown {
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const field = type.fields[k] ?? type.fields[protobuf.util.camelCase(k)];
    if (field === undefined) throw new Error(`unknown OTLP field ${path}${k} in ${type.name}`);
    field.resolve();
    if (ID_FIELDS.has(field.name) && typeof v === 'string') {
      out[field.name] = Buffer.from(v, 'hex');
      continue;
    }
    const sub = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
    if (sub !== undefined) {
      out[field.name] = Array.isArray(v)
        ? v.map((x, i) => prepare(sub, x, `${path}${k}[${i}].`))
        : prepare(sub, v, `${path}${k}.`);
    } else out[field.name] = v;
  }
  return out;
}

function toHex(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) {
    if (ID_FIELDS.has(key)) return Buffer.from(value as number[]).toString('hex');
    return value.map((v) => toHex(v));
  }
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = toHex(v, k);
  return out;
}

export interface OtlpRequest {
  path: string;
  contentType: string;
  raw: string;
  body: Record<string, unknown>;
}

/** An OTLP/HTTP receiver on a free loopback port, decoding every request it gets. */
export async function otlpReceiver(): Promise<{
  url: string;
  requests: OtlpRequest[];
  close(): Promise<void>;
}> {
  const root = await otlpRoot();
  const types: Record<string, protobuf.Type> = {
    '/v1/traces': root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
    '/v1/metrics': root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest'),
  };
  const requests: OtlpRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      const type = types[path];
      const contentType = req.headers['content-type'] ?? '';
      const body = Buffer.concat(chunks);
      if (type === undefined) {
        res.writeHead(404).end();
        return;
      }
      try {
        requests.push({
          path,
          contentType,
          raw: body.toString('utf8'),
          body: decodeOtlp(type, body, contentType),
        });
        res.writeHead(200, {
          'content-type': contentType.includes('json') ? 'application/json' : contentType,
        });
        res.end(contentType.includes('json') ? '{}' : undefined);
      } catch (err) {
        requests.push({ path, contentType, raw: body.toString('utf8'), body: { error: String(err) } });
        res.writeHead(400).end(String(err));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/**
 * An OTLP/gRPC receiver (the collector's TraceService and MetricsService, as opentelemetry-proto
 * defines them) on a free loopback port, decoding every request with the official types.
 */
export async function otlpGrpcReceiver(): Promise<{
  url: string;
  requests: Array<{ path: string; body: Record<string, unknown> }>;
  close(): Promise<void>;
}> {
  const grpc = await import('@grpc/grpc-js');
  const root = await otlpRoot();
  const requests: Array<{ path: string; body: Record<string, unknown> }> = [];
  const server = new grpc.Server();
  const raw = (b: Buffer) => b;
  for (const [service, request] of [
    ['opentelemetry.proto.collector.trace.v1.TraceService', 'ExportTraceServiceRequest'],
    ['opentelemetry.proto.collector.metrics.v1.MetricsService', 'ExportMetricsServiceRequest'],
  ] as const) {
    const type = root.lookupType(`${service.slice(0, service.lastIndexOf('.'))}.${request}`);
    const path = `/${service}/Export`;
    server.addService(
      {
        Export: {
          path,
          requestStream: false,
          responseStream: false,
          requestSerialize: raw,
          requestDeserialize: raw,
          responseSerialize: raw,
          responseDeserialize: raw,
        },
      },
      {
        Export: (call: { request: Buffer }, done: (err: null, reply: Buffer) => void) => {
          requests.push({ path, body: decodeOtlp(type, call.request, 'application/x-protobuf') });
          // An empty Export*ServiceResponse: everything accepted.
          done(null, Buffer.alloc(0));
        },
      } as never,
    );
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((r) => server.tryShutdown(() => r())),
  };
}
