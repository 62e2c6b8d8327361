import type { Attributes, Span, SpanOptions, SpanStatus, TimeInput, Tracer } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src/events/bus.js';
import { traceSink } from '../../src/sinks/trace-sink.js';
import { recordIds } from '../../src/store/privacy.js';
import { callStates } from '../../src/telephony/call-states.js';

interface Recorded {
  name: string;
  options: SpanOptions;
  attributes: Attributes;
  events: Array<{ name: string; attributes?: Attributes; time?: TimeInput }>;
  status?: SpanStatus;
  end?: TimeInput | 'now';
}

/**
 * A Tracer (the @opentelemetry/api interface an SDK implements) that records what it is told;
 * with `sampled` false its spans say they do not record (a sampler dropped them), and still record.
 */
function recordingTracer(sampled = true): { tracer: Tracer; spans: Recorded[] } {
  const spans: Recorded[] = [];
  const tracer = {
    startSpan(name: string, options: SpanOptions = {}): Span {
      const r: Recorded = { name, options, attributes: { ...options.attributes }, events: [] };
      spans.push(r);
      const span = {
        setAttribute: (k: string, v: unknown) => ((r.attributes[k] = v as never), span),
        setAttributes: (a: Attributes) => (Object.assign(r.attributes, a), span),
        addEvent: (n: string, a?: Attributes, t?: TimeInput) => (
          r.events.push({ name: n, attributes: a, time: t }), span
        ),
        setStatus: (s: SpanStatus) => ((r.status = s), span),
        end: (t?: TimeInput) => {
          r.end = t ?? 'now';
        },
        isRecording: () => sampled && r.end === undefined,
        spanContext: () => ({ traceId: 'f'.repeat(32), spanId: 'e'.repeat(16), traceFlags: 0 }),
      };
      return span as unknown as Span;
    },
  } as unknown as Tracer;
  return { tracer, spans };
}

// Event times are epoch ms from 2000 on (STORE_LIMITS.tsMin); offsets below are from T.
const T = 1_700_000_000_000;

describe('trace sink', () => {
  it('one span per call with lifecycle events, bounded attributes and the outcome as status', () => {
    const bus = new EventBus();
    const { tracer, spans } = recordingTracer();
    const callIds = recordIds({ hashKey: 'trace-sink-test-key-0123', storeRaw: false }, 'cid');
    traceSink(bus, { tracer, callIds, trunks: ['trunk-a'] });
    const callId = 'a84b4c76e66710@10.0.0.7';
    bus.emit({
      type: 'call.started',
      ts: T + 1000,
      callId,
      direction: 'outbound',
      channel: 'sip',
      trunk: 'trunk-a',
      to: '+15551234567',
    });
    bus.emit({ type: 'call.ringing', ts: T + 2500, callId });
    bus.emit({ type: 'call.answered', ts: T + 4000, callId });
    bus.emit({
      type: 'media.report',
      ts: T + 9000,
      callId,
      codec: 'PCMU',
      packetsReceived: 990,
      packetsLost: 10,
      jitterMs: 5,
      rttMs: 40,
    });
    bus.emit({ type: 'call.ended', ts: T + 60_000, callId, q850: 16, hangupBy: 'caller' });
    expect(spans).toHaveLength(1);
    const s = spans[0] as Recorded;
    expect(s.options.startTime).toBe(T + 1000);
    expect(s.end).toBe(T + 60_000);
    expect(s.events.map((e) => [e.name, e.time])).toEqual([
      ['ringing', T + 2500],
      ['answered', T + 4000],
      ['media', T + 9000],
    ]);
    expect(s.events[2]?.attributes?.loss_percent).toBe(1);
    expect(s.status).toEqual({ code: 1 });
    expect(s.attributes).toMatchObject({
      'sidetone.call.trunk': 'trunk-a',
      'sidetone.call.q850_cause': 16,
      // The call's keyed reference, as the store and the log carry it; never the Call-ID.
      'sidetone.call.id': callIds(callId),
    });
    // Identifiers and numbers never become attributes.
    expect(JSON.stringify(s)).not.toMatch(/5551234567|a84b4c76e66710|10\.0\.0\.7/);
  });

  it('a failed call ends with an error status; unknown calls and duplicates are ignored', () => {
    const bus = new EventBus();
    const { tracer, spans } = recordingTracer();
    traceSink(bus, { tracer });
    bus.emit({ type: 'call.ended', callId: 'never-started', sipCode: 486 });
    bus.emit({ type: 'call.started', callId: 'c', direction: 'inbound', channel: 'sip' });
    bus.emit({ type: 'call.started', callId: 'c', direction: 'inbound', channel: 'sip' });
    bus.emit({ type: 'call.ended', callId: 'c', sipCode: 503 });
    expect(spans).toHaveLength(1);
    expect(spans[0]?.status).toEqual({ code: 2, message: 'failed: network_error' });
    expect(spans[0]?.attributes).toMatchObject({
      'sidetone.call.outcome': 'ineffective',
      'sidetone.call.reason': 'network_error',
    });
  });

  it('keeps open only the spans of calls the bus tracks, ending an evicted one with its verdict', () => {
    const bus = new EventBus();
    // The bus's one per-call state, with a cap of 2 (the packs' `maxTracked`; 100,000 by default).
    callStates(bus, { maxCalls: 2 });
    const { tracer, spans } = recordingTracer();
    const sink = traceSink(bus, { tracer });
    for (const id of ['a', 'b', 'c'])
      bus.emit({ type: 'call.started', ts: T, callId: id, direction: 'inbound', channel: 'sip' });
    expect(sink.open).toBe(2);
    // Closed as the store's zombie cleanup closes a call, at its last event time.
    expect(spans[0]?.attributes).toMatchObject({
      'sidetone.call.evicted': true,
      'sidetone.call.outcome': 'ineffective',
      'sidetone.call.status': 'timeout',
      'sidetone.call.reason': 'timeout',
    });
    expect(spans[0]?.status).toEqual({ code: 2, message: 'timeout: timeout' });
    expect(spans[0]?.end).toBe(T);
    // Its late end changes nothing: the span is gone with the call's state.
    bus.emit({ type: 'call.ended', ts: T + 5, callId: 'a', sipCode: 200 });
    expect(spans[0]?.attributes['sip.response.status_code']).toBeUndefined();
    sink.close();
    expect(spans.every((s) => s.end !== undefined)).toBe(true);
  });

  it('a span that does not record is ended at the call end and gets nothing else built', () => {
    const bus = new EventBus();
    const { tracer, spans } = recordingTracer(false);
    const sink = traceSink(bus, { tracer });
    bus.emit({ type: 'call.started', ts: T, callId: 'c', direction: 'inbound', channel: 'sip' });
    bus.emit({ type: 'call.answered', ts: T + 1, callId: 'c' });
    bus.emit({
      type: 'sip.response',
      ts: T + 2,
      callId: 'c',
      method: 'INVITE',
      code: 200,
      direction: 'inbound',
    });
    bus.emit({ type: 'media.report', ts: T + 3, callId: 'c', codec: 'PCMU', fractionLost: 0 });
    expect(sink.spanContext('c')?.spanId).toBe('e'.repeat(16)); // still there for exemplars and logs
    bus.emit({ type: 'call.ended', ts: T + 4, callId: 'c', q850: 16 });
    expect(spans).toHaveLength(1);
    expect(spans[0]?.events).toEqual([]);
    expect(spans[0]?.status).toBeUndefined();
    expect(Object.keys(spans[0]?.attributes ?? {})).toEqual([
      'sidetone.call.direction',
      'sidetone.call.channel',
    ]);
    expect(spans[0]?.end).toBe(T + 4);
    expect(sink.open).toBe(0);
  });
});
