import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../src/events/bus.js';
import { OTEL_API_MAJOR } from '../../src/runtime/otel-api.js';
import { traceSink } from '../../src/sinks/trace-sink.js';

/**
 * The trace sink with no tracer given (a library user's sidecar, or `sidetone serve` under an SDK
 * preloaded with --require): it loads @opentelemetry/api only once something can use it (issue
 * 39), and still serves an SDK registered globally after it started, and continues an app's
 * trace (traceparent) with no SDK at all, as the API's proxy tracer did.
 */

const T = 1_700_000_000_000;
const call = (bus: EventBus, callId: string, at: number) => {
  bus.emit({ type: 'call.started', ts: at, callId, direction: 'inbound', channel: 'sip' });
  bus.emit({ type: 'call.answered', ts: at + 500, callId });
  bus.emit({ type: 'call.ended', ts: at + 1000, callId });
};

afterEach(() => trace.disable());

describe('trace sink without a tracer of its own', () => {
  it('serves an SDK registered globally after the sink started: the calls after it get its spans', async () => {
    const bus = new EventBus();
    const sink = traceSink(bus);
    bus.emit({ type: 'call.started', ts: T, callId: 'before', direction: 'inbound', channel: 'sip' });
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    expect(trace.setGlobalTracerProvider(provider)).toBe(true);
    call(bus, 'after', T + 5000);
    // The call from before ends without a span of the SDK's, and without throwing.
    bus.emit({ type: 'call.ended', ts: T + 9000, callId: 'before' });
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['call']);
    expect(spans[0]?.attributes['sidetone.call.direction']).toBe('inbound');
    expect(spans[0]?.attributes['sidetone.call.status']).toBe('completed');
    expect(spans[0]?.endTime).toBeDefined();
    expect(sink.open).toBe(0);
    sink.close();
    await provider.shutdown();
  });

  it("continues an app's trace with no SDK registered: the call's span context is the traceparent's", () => {
    const bus = new EventBus();
    const sink = traceSink(bus);
    const started = {
      type: 'call.started',
      ts: T,
      callId: 'c1',
      direction: 'inbound',
      channel: 'sip',
    } as const;
    sink.adopt('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', [started]);
    bus.emit(started);
    expect(sink.spanContext('c1')).toMatchObject({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
    });
    // A call without a traceparent has no span context to link to.
    bus.emit({ ...started, callId: 'c2' });
    expect(sink.spanContext('c2')?.traceId ?? undefined).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    sink.close();
  });

  it("looks for a registered SDK under the installed API's global key", () => {
    const main = createRequire(import.meta.url).resolve('@opentelemetry/api');
    const pkg = join(
      main.slice(0, main.lastIndexOf('/node_modules/@opentelemetry/api/')),
      'node_modules/@opentelemetry/api/package.json',
    );
    const { version } = JSON.parse(readFileSync(pkg, 'utf8')) as { version: string };
    expect(OTEL_API_MAJOR).toBe(Number(version.split('.')[0]));
  });
});
