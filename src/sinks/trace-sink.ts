import { type Attributes, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import type { EventBus } from '../events/bus.js';
import type { SidetoneEvent } from '../events/types.js';
import { mediaSummary } from './store-sink.js';

export interface TraceSinkOptions {
  /** Default: the global tracer `sidetone` (a no-op until the app registers an OpenTelemetry SDK). */
  tracer?: Tracer;
  /** Spans kept open at most; the oldest is ended (marked evicted) past it. Default 10 000. */
  maxOpen?: number;
}

/**
 * One OpenTelemetry span per call, from `call.started` to `call.ended`, with ringing, answer, hold
 * and media reports as span events. Attributes are the same bounded facts the metrics use
 * (direction, channel, trunk, SIP code, Q.850 cause): numbers, call ids and reason texts stay out.
 *
 * @example
 * const sink = traceSink(bus); // spans go wherever the app's OpenTelemetry SDK exports them
 */
export function traceSink(
  bus: EventBus,
  options: TraceSinkOptions = {},
): { close(): void; readonly open: number } {
  const tracer = options.tracer ?? trace.getTracer('sidetone');
  const maxOpen = options.maxOpen ?? 10_000;
  // Insertion-ordered, so the first entry is the oldest open call.
  const spans = new Map<string, Span>();
  const at = (e: SidetoneEvent) => e.ts ?? Date.now();
  const event = (callId: string, name: string, e: SidetoneEvent, attributes?: Attributes) =>
    spans.get(callId)?.addEvent(name, attributes, at(e));

  const offs = [
    bus.on('call.started', (e) => {
      if (spans.has(e.callId)) return;
      if (spans.size >= maxOpen) {
        const [oldest, span] = spans.entries().next().value as [string, Span];
        span.setAttribute('sidetone.call.evicted', true);
        span.end();
        spans.delete(oldest);
      }
      const attributes: Attributes = {
        'sidetone.call.direction': e.direction,
        'sidetone.call.channel': e.channel,
      };
      if (e.trunk !== undefined) attributes['sidetone.call.trunk'] = e.trunk;
      const kind = e.direction === 'inbound' ? SpanKind.SERVER : SpanKind.CLIENT;
      spans.set(e.callId, tracer.startSpan('call', { kind, attributes, startTime: at(e) }));
    }),
    bus.on('call.ringing', (e) => event(e.callId, e.early ? 'early_media' : 'ringing', e)),
    bus.on('call.answered', (e) => event(e.callId, 'answered', e)),
    bus.on('call.held', (e) => event(e.callId, 'held', e)),
    bus.on('call.resumed', (e) => event(e.callId, 'resumed', e)),
    bus.on('media.report', (e) => {
      if (e.callId === undefined || !spans.has(e.callId)) return;
      const m = mediaSummary(e);
      if (m !== undefined) {
        event(e.callId, 'media', e, { mos: m.mos, loss_percent: m.lossPercent, jitter_ms: m.jitterMs });
      }
    }),
    bus.on('call.ended', (e) => {
      const span = spans.get(e.callId);
      if (span === undefined) return;
      spans.delete(e.callId);
      if (e.sipCode !== undefined) span.setAttribute('sip.response.status_code', e.sipCode);
      if (e.q850 !== undefined) span.setAttribute('sidetone.call.q850_cause', e.q850);
      if (e.hangupBy !== undefined) span.setAttribute('sidetone.call.hangup_by', e.hangupBy);
      // A final response >= 400 or a Timer B expiry is a failed call; a normal clearing is not.
      const failed = e.timeout === true || (e.sipCode !== undefined && e.sipCode >= 400);
      span.setStatus(
        failed
          ? { code: SpanStatusCode.ERROR, message: e.timeout ? 'no final response' : `SIP ${e.sipCode}` }
          : { code: SpanStatusCode.OK },
      );
      span.end(at(e));
    }),
  ];
  return {
    get open() {
      return spans.size;
    },
    close() {
      for (const off of offs) off();
      for (const span of spans.values()) span.end();
      spans.clear();
    },
  };
}
