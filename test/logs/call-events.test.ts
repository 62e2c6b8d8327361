import { INVALID_SPAN_CONTEXT, type SpanContext } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src/events/bus.js';
import { detectPii } from '../../src/guard/pii.js';
import { callEventLog, createLogger } from '../../src/logs/index.js';
import { recordIds } from '../../src/store/privacy.js';

const callRef = recordIds({ hashKey: 'call-events-test-key-0123', storeRaw: false }, 'cid');

import { traceIds } from '../../src/logs/logger.js';
import { captureLines } from '../helpers/lines.js';

describe('call-event log', () => {
  it('writes its per-call lines at debug: nothing at info, the default level', () => {
    const script = (level: 'info' | 'debug') => {
      const { destination, lines } = captureLines();
      const bus = new EventBus();
      const stop = callEventLog(bus, createLogger({ level, destination }));
      bus.emit({ type: 'call.started', callId: 'a', direction: 'outbound', channel: 'sip' });
      bus.emit({ type: 'call.answered', callId: 'a' });
      bus.emit({ type: 'call.ended', callId: 'a', sipCode: 200 });
      bus.emit({ type: 'call.started', callId: 'b', direction: 'outbound', channel: 'sip' });
      bus.emit({ type: 'call.ended', callId: 'b', sipCode: 503 });
      stop();
      return lines;
    };
    expect(script('info')).toEqual([]);
    const debug = script('debug');
    const parsed = debug.map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(parsed.map((l) => l.msg)).toEqual([
      'call started',
      'call answered',
      'call ended',
      'call started',
      'call failed',
    ]);
    expect(new Set(parsed.map((l) => l.level))).toEqual(new Set([20]));
  });

  it('keeps every call_ref, also one that reads like a phone number, and still redacts the numbers', () => {
    // Call ids whose reference the PII detector flags (seven digits in a row), and ones it does not.
    const ids = Array.from({ length: 400 }, (_, i) => `call-${i}@pbx.example`);
    const flagged = ids.filter((id) => detectPii(callRef(id)) !== undefined);
    expect(flagged.length).toBeGreaterThan(10);
    const { destination, lines } = captureLines();
    const bus = new EventBus();
    const stop = callEventLog(bus, createLogger({ level: 'debug', destination }), { callIds: callRef });
    for (const callId of ids) {
      bus.emit({ type: 'call.started', callId, direction: 'outbound', channel: 'sip', to: '+447700900123' });
      bus.emit({ type: 'call.ended', callId, sipCode: 486 });
    }
    stop();
    const refs = lines.map((l) => JSON.parse(l) as { call_ref?: string });
    expect(refs).toHaveLength(800);
    for (const [i, callId] of ids.entries()) {
      expect(refs[2 * i]!.call_ref).toBe(callRef(callId));
      expect(refs[2 * i + 1]!.call_ref).toBe(callRef(callId));
    }
    const text = lines.join('\n');
    expect(text).not.toContain('[redacted');
    expect(text).not.toContain('7700900123');
    expect(text).not.toContain('pbx.example');
  });

  it('carries each call its own span ids, taken at start, and none for a span that is not valid', () => {
    const ctx = (n: number): SpanContext => ({
      traceId: `${n}`.padStart(32, 'a'),
      spanId: `${n}`.padStart(16, 'b'),
      traceFlags: 1,
    });
    const spans = new Map<string, SpanContext>([
      ['a', ctx(1)],
      ['b', ctx(2)],
      ['n', INVALID_SPAN_CONTEXT],
    ]);
    const { destination, lines } = captureLines();
    const bus = new EventBus();
    const stop = callEventLog(bus, createLogger({ level: 'debug', destination }), {
      spanContext: (id) => spans.get(id),
      callIds: callRef,
    });
    // Interleaved, so consecutive lines ask about different spans.
    for (const callId of ['a', 'b', 'n'])
      bus.emit({ type: 'call.started', callId, direction: 'inbound', channel: 'sip' });
    spans.clear(); // the trace sink forgets a call as it ends: the ids are the ones taken at start
    for (const callId of ['n', 'b', 'a']) bus.emit({ type: 'call.ended', callId, sipCode: 486 });
    stop();
    const got = lines.map((l) => JSON.parse(l) as { call_ref: string; trace_id?: string; span_id?: string });
    const idsOf = (callId: string) =>
      got.filter((l) => l.call_ref === callRef(callId)).map((l) => [l.trace_id, l.span_id]);
    expect(idsOf('a')).toEqual(Array(2).fill([ctx(1).traceId, ctx(1).spanId]));
    expect(idsOf('b')).toEqual(Array(2).fill([ctx(2).traceId, ctx(2).spanId]));
    expect(idsOf('n')).toEqual(Array(2).fill([undefined, undefined]));
  });
});

describe('traceIds', () => {
  it('answers the ids of a valid context, undefined otherwise, one frozen object per context', () => {
    const a: SpanContext = {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: 1,
    };
    const b: SpanContext = { ...a, spanId: '00f067aa0ba902b8' };
    const ids = traceIds(a);
    expect(ids).toEqual({ trace_id: a.traceId, span_id: a.spanId });
    expect(Object.isFrozen(ids)).toBe(true);
    expect(traceIds(a)).toBe(ids);
    expect(traceIds(b)).toEqual({ trace_id: a.traceId, span_id: b.spanId });
    expect(traceIds(INVALID_SPAN_CONTEXT)).toBeUndefined();
    expect(traceIds({ ...a, traceId: 'not-hex' })).toBeUndefined();
    expect(traceIds(undefined)).toBeUndefined();
    expect(traceIds(a)).toEqual(ids);
  });
});
