import { readFileSync } from 'node:fs';
import { EventBus } from '../../../src/events/bus.js';
import type { EventOf, SidetoneEvent } from '../../../src/events/types.js';
import { createApp } from '../../../src/http/app.js';
import { Registry } from '../../../src/metrics/index.js';
import { storeSink } from '../../../src/sinks/store-sink.js';
import { type OtlpReceiverOptions, OtlpTraceReceiver } from '../../../src/sources/otlp/receiver.js';
import { type OtlpRouteOptions, otlpTracesRoute } from '../../../src/sources/otlp/route.js';
import type { CallStore } from '../../../src/store/types.js';
import { instrument } from '../../../src/telephony/instrument.js';

const DIR = new URL('../../fixtures/voice/', import.meta.url);
export const FIXTURES = [
  'pipecat-3turn-bargein',
  'livekit-agents-3turn-bargein',
  'livekit-agents-js-3turn-bargein',
] as const;
export type FixtureName = (typeof FIXTURES)[number];

export const fixtureJson = (name: FixtureName) =>
  JSON.parse(readFileSync(new URL(`${name}.json`, DIR), 'utf8')) as OtlpJson;
export const fixturePb = (name: FixtureName) => readFileSync(new URL(`${name}.pb`, DIR));
export const fixtureFile = (file: string) => new URL(file, DIR);

export interface Expected {
  t0_unix_s: number;
  turns: Array<{
    turn: number;
    interrupted: boolean;
    heard_silence: number;
    segments: Record<string, number>;
    unknown: string[];
  }>;
}
export const expected = (name: FixtureName) =>
  JSON.parse(readFileSync(new URL(`expected/${name}.segments.json`, DIR), 'utf8')) as Expected;

export interface OtlpSpanJson {
  spanId: string;
  endTimeUnixNano: string;
  [k: string]: unknown;
}
export interface OtlpJson {
  resourceSpans: Array<{
    resource: unknown;
    scopeSpans: Array<{ scope: unknown; spans: OtlpSpanJson[] }>;
  }>;
}

/**
 * The request split as the Python SDK's BatchSpanProcessor sends it: spans in end order, one
 * request per 5 s of span ends (its schedule delay), each keeping its resource and scopes.
 */
export function sdkBatches(req: OtlpJson, everyMs = 5000): OtlpJson[] {
  const windows = new Map<number, OtlpJson>();
  for (const rs of req.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        const w = Math.floor(Number(BigInt(span.endTimeUnixNano) / 1_000_000n) / everyMs);
        let out = windows.get(w);
        if (out === undefined) {
          out = { resourceSpans: [] };
          windows.set(w, out);
        }
        let ors = out.resourceSpans.find((x) => x.resource === rs.resource);
        if (ors === undefined) {
          ors = { resource: rs.resource, scopeSpans: [] };
          out.resourceSpans.push(ors);
        }
        let oss = ors.scopeSpans.find((x) => x.scope === ss.scope);
        if (oss === undefined) {
          oss = { scope: ss.scope, spans: [] };
          ors.scopeSpans.push(oss);
        }
        oss.spans.push(span);
      }
    }
  }
  return [...windows.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}

/** A receiver behind the real route on an app, with the voice-AI pack on the same bus. */
export function receiverApp(
  options: OtlpReceiverOptions = {},
  route: OtlpRouteOptions = {},
  store?: CallStore,
): {
  registry: Registry;
  bus: EventBus;
  events: SidetoneEvent[];
  turns: () => EventOf<'voiceai.turn'>[];
  interruptions: () => EventOf<'voiceai.interruption'>[];
  post(body: Uint8Array | string, headers: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
} {
  const registry = new Registry();
  const bus = new EventBus({ registry });
  instrument(bus, registry, {
    packs: { voiceai: true },
    agents: options.agents,
    models: options.models,
    ...(options.prices !== undefined && { prices: options.prices }),
  });
  const events: SidetoneEvent[] = [];
  bus.onAny((e) => events.push(e));
  const receiver = new OtlpTraceReceiver({ registry, ...options });
  const app = createApp({ registry });
  // With a store, the turns go through the real sink (stored, then emitted), as in the sidecar.
  const sink =
    store === undefined
      ? undefined
      : storeSink(bus, store, options.prices === undefined ? {} : { prices: options.prices });
  app.route(
    'POST',
    '/v1/traces',
    otlpTracesRoute(bus, receiver, { ...(sink !== undefined && { sink }), ...route }),
    { auth: 'ingest' },
  );
  return {
    registry,
    bus,
    events,
    turns: () => events.filter((e): e is EventOf<'voiceai.turn'> => e.type === 'voiceai.turn'),
    interruptions: () =>
      events.filter((e): e is EventOf<'voiceai.interruption'> => e.type === 'voiceai.interruption'),
    close: async () => {
      await sink?.close();
      await store?.close();
    },
    post: (body, headers) =>
      app.fetch(
        new Request('http://sidetone.test/v1/traces', { method: 'POST', body: body as BodyInit, headers }),
      ),
  };
}

export const PROTOBUF = { 'content-type': 'application/x-protobuf' };
export const JSON_TYPE = { 'content-type': 'application/json' };
