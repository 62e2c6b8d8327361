import type { RouteDoc } from '../../http/route-doc.js';

const STATUS = {
  type: 'object',
  description:
    'google.rpc.Status: `code` (google.rpc.Code) and `message` (starting with the sidetone error code)',
  properties: { code: { type: 'integer' }, message: { type: 'string' } },
};
const PROTOBUF_STATUS = { type: 'string', format: 'binary', description: 'google.rpc.Status in protobuf' };
const failure = (description: string, retry = false) => ({
  description,
  content: { 'application/json': STATUS, 'application/x-protobuf': PROTOBUF_STATUS },
  ...(retry && {
    headers: {
      'Retry-After': {
        description: 'Seconds to wait before retrying',
        schema: { type: 'integer', minimum: 0 },
      },
    },
  }),
});

/** What `/openapi.json` says about `POST /v1/traces` (registered by the sidecar). */
export const OTLP_TRACES_DOC: RouteDoc = {
  tag: 'ingest',
  summary: 'Receive OpenTelemetry traces (OTLP/HTTP) from voice-agent frameworks',
  description: [
    "The OTLP/HTTP trace endpoint (opentelemetry-proto specification, OTLP/HTTP): point an agent's OTLP/HTTP span exporter here (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://SIDECAR:9464/v1/traces`, and `OTEL_EXPORTER_OTLP_HEADERS=authorization=Bearer%20TOKEN` with an ingest token). Pipecat's and LiveKit Agents' spans become `voiceai.turn`, `voiceai.interruption`, `voiceai.amd` and `voiceai.tool_call` events, and any span's provider usage (GenAI `gen_ai.usage.*`, Pipecat's and LiveKit's metrics) `voiceai.usage` events (docs/sources/voice-agents.md); other spans are accepted and ignored.",
    '',
    'Only an allow-list of attributes is read (times, time-to-first-byte figures, interruption flags, end-of-turn and interruption model verdicts, tool names and error flags, model and agent names, and the call-id attributes of `otlp_receiver.call_id_attributes`): transcripts, prompts, LLM input and output, tool arguments and output, TTS text and participant identities are never kept. A 200 means the turns the batch completed are stored; spans already received (a retry) are recognised and not counted again.',
  ].join('\n'),
  body: {
    description: 'An ExportTraceServiceRequest; `Content-Encoding: gzip` or `deflate` accepted',
    content: {
      'application/x-protobuf': {
        type: 'string',
        format: 'binary',
        description: 'ExportTraceServiceRequest in protobuf',
      },
      'application/json': {
        type: 'object',
        description: 'ExportTraceServiceRequest in OTLP/JSON (hex ids, lowerCamelCase keys)',
      },
    },
  },
  responses: {
    200: {
      description:
        'Taken. An empty ExportTraceServiceResponse, or one with `partialSuccess` naming the spans refused (bad ids or times; do not retry them) or, with 0 refused, a warning',
      content: {
        'application/x-protobuf': {
          type: 'string',
          format: 'binary',
          description: 'ExportTraceServiceResponse in protobuf',
        },
        'application/json': {
          type: 'object',
          properties: {
            partialSuccess: {
              type: 'object',
              properties: { rejectedSpans: { type: 'string' }, errorMessage: { type: 'string' } },
            },
          },
        },
      },
    },
    400: failure('The body does not decode (ST_OTLP_INVALID); not retryable'),
    413: failure('The body is over otlp_receiver.max_body_bytes once decompressed (ST_BODY_TOO_LARGE)'),
    415: failure(
      'Not application/x-protobuf or application/json, or not gzip, deflate or uncompressed (ST_OTLP_MEDIA_TYPE)',
    ),
    429: failure('More exports in flight than otlp_receiver.max_in_flight (ST_OTLP_BUSY); retry', true),
    503: failure('The store could not take the turns (ST_STORE_UNAVAILABLE); retry the same batch', true),
  },
};
