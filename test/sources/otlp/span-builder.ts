// Small OTLP/JSON requests built in a test, span by span: OTLP's JSON encoding (opentelemetry-proto
// docs/specification.md, "JSON Protobuf Encoding": hex ids, 64-bit ints as decimal strings), times
// in seconds after T0 (2026-08-21T14:00:00Z, the fixtures' epoch) to the microsecond.

export const T0 = 1_787_320_800;
export const ns = (s: number) => String(BigInt(T0) * 1_000_000_000n + BigInt(Math.round(s * 1e6)) * 1000n);

export type Value = string | number | boolean;

/** An attribute value as the SDKs encode it: an integral JS number is an intValue. */
export const value = (v: Value) =>
  typeof v === 'string'
    ? { stringValue: v }
    : typeof v === 'boolean'
      ? { boolValue: v }
      : Number.isInteger(v)
        ? { intValue: String(v) }
        : { doubleValue: v };

export interface Span {
  id: string;
  parent?: string;
  name: string;
  scope: string;
  /** Seconds after T0. */
  from: number;
  to: number;
  attrs?: Record<string, Value>;
}

/** Span ids from a counter, per prefix (16 hex digits). */
export function ids(prefix: string): () => string {
  let n = 0;
  return () => `${prefix}${String(++n).padStart(16 - prefix.length, '0')}`;
}

/**
 * One request with every span under one resource (the SDK's language and a service name), grouped
 * by scope, spans in end order as BatchSpanProcessor hands them over.
 */
export function request(language: string, spans: Span[], trace = '5e0f'.repeat(8)) {
  const scopes = [...new Set(spans.map((s) => s.scope))];
  return {
    resourceSpans: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: value('unknown_service') },
            { key: 'telemetry.sdk.language', value: value(language) },
          ],
        },
        scopeSpans: scopes.map((scope) => ({
          scope: { name: scope },
          spans: spans
            .filter((s) => s.scope === scope)
            .sort((a, b) => a.to - b.to)
            .map((s) => ({
              traceId: trace,
              spanId: s.id,
              ...(s.parent !== undefined && { parentSpanId: s.parent }),
              name: s.name,
              kind: 1,
              startTimeUnixNano: ns(s.from),
              endTimeUnixNano: ns(s.to),
              attributes: Object.entries(s.attrs ?? {}).map(([key, v]) => ({ key, value: value(v) })),
            })),
        })),
      },
    ],
  };
}
