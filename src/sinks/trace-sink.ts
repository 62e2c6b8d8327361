import { createRequire } from 'node:module';
import type { Attributes, Context, Span, SpanContext, Tracer } from '@opentelemetry/api';
import type { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { CallClass } from '../domain/outcome/classify.js';
import type { EventBus } from '../events/bus.js';
import type { SidetoneEvent } from '../events/types.js';
import { otelApi, otelRegistered } from '../runtime/otel-api.js';
import { hashNumber, maskNumber, recordIds } from '../store/privacy.js';
import { type CallClose, callStates } from '../telephony/call-states.js';
import { Enum } from '../telephony/table.js';
import { IdMap } from '../telephony/tracker.js';
import { mediaSummary } from './store-sink.js';

export interface TraceSinkOptions {
  /** Default: the global tracer `sidetone` (a no-op until the app registers an OpenTelemetry SDK). */
  tracer?: Tracer;
  /**
   * HMAC key for the `from`/`to` hashes (the store's `hash_key`, so a span and a stored call
   * correlate). Without it spans carry only the masked forms.
   */
  hashKey?: string;
  /**
   * The call id as spans carry it (`sidetone.call.id`): pass the store's `recordIds(privacy,
   * 'cid')` so a span and a stored call share the `cid:…` reference. Default: the keyed hash under
   * `hashKey` when given, else no id attribute.
   */
  callIds?: (callId: string) => string;
  /** Configured trunk names: any other trunk is `other` (`sidetone.call.trunk`), as the metrics label it. */
  trunks?: readonly string[];
}

/** A running trace sink. */
export interface TraceSink {
  readonly open: number;
  /**
   * Continue an app's trace: the calls these events start become children of the W3C
   * `traceparent` given (the header of the `POST /events` that carried them). Call before emitting.
   */
  adopt(traceparent: string, events: readonly SidetoneEvent[], tracestate?: string): void;
  /** The span context of an open call, for log correlation. */
  spanContext(callId: string): SpanContext | undefined;
  close(): void;
}

// @opentelemetry/core (CommonJS, so required in step) is ~40 ms of start-up CPU for its W3C
// propagator alone: loaded by the first request that carries a traceparent (issue 39).
let propagator: W3CTraceContextPropagator | undefined;
const w3c = () =>
  (propagator ??= new (
    createRequire(import.meta.url)('@opentelemetry/core') as typeof import('@opentelemetry/core')
  ).W3CTraceContextPropagator());
const getter = {
  keys: (c: Record<string, string>) => Object.keys(c),
  get: (c: Record<string, string>, k: string) => c[k],
};
// A codec name becomes an attribute only when it looks like one (PCMU, G722, opus/48000/2).
const CODEC = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,31}$/;
const DIGITS = /\d{5,}/;
/** Adopted parents kept at most (a `POST /events` batch's calls; the oldest is dropped first). */
const MAX_PARENTS = 10_000;

/**
 * One OpenTelemetry span per call, from `call.started` to `call.ended`, with ringing, answer, hold,
 * SIP transactions, voice-AI turns (first byte per stage, barge-in, errors, tools) and media
 * reports as span events. Attributes are the bounded facts the metrics use (direction, channel,
 * trunk as configured or `other`, codec, SIP code, Q.850 cause), the keyed `cid:…` reference of the
 * call id, and masked and keyed-hash forms of the numbers: raw numbers, call ids and free texts
 * never leave.
 *
 * @example
 * const otel = otelTracing({ endpoint: 'http://collector:4318' });
 * const sink = traceSink(bus, { tracer: otel?.tracer, hashKey: process.env.HASH_KEY });
 */
export function traceSink(bus: EventBus, options: TraceSinkOptions = {}): TraceSink {
  // The global tracer (a proxy to whatever SDK is registered when a span starts), taken when the
  // first span is: with no tracer given and no SDK registered, @opentelemetry/api is not loaded.
  let tracer = options.tracer;
  const tracerOf = () => (tracer ??= otelApi().trace.getTracer('sidetone'));
  const callIds =
    options.callIds ??
    (options.hashKey === undefined
      ? undefined
      : recordIds({ hashKey: options.hashKey, storeRaw: false }, 'cid'));
  const trunks = new Enum(options.trunks ?? []);
  // A call's span lives in this sink's slot on the call's one state (telephony/call-states.ts): the
  // projection's cap and age bound the open spans, and an evicted call's span ends with the
  // verdict every surface gives it. No map, cap or answered memo of its own.
  const calls = callStates(bus);
  const slot = calls.slot();
  let open = 0;
  // Parents adopted for calls about to start (an IdMap: see IdMap), oldest dropped first past
  // MAX_PARENTS: an app that adopts and never starts cannot grow it.
  const parents = new IdMap<string, Context>();
  const at = (e: SidetoneEvent) => e.ts ?? Date.now();
  // A call's span when it records, else undefined, so that `recording(id)?.addEvent(name, {...})`
  // builds no attributes for a span that drops them: with no SDK registered (or the call sampled
  // out) every span is a no-op one, and the attribute objects, media scores and outcome of every
  // event were work for nothing.
  const spanOf = (callId: string): Span | undefined => calls.get(callId)?.slots[slot] as Span | undefined;
  const recording = (callId: string | undefined): Span | undefined => {
    const span = callId === undefined ? undefined : spanOf(callId);
    return span?.isRecording() ? span : undefined;
  };
  /** End a call's span with the one verdict on it (at its `call.ended`, or when it is evicted). */
  const close = (span: Span, c: Readonly<CallClass>, at: number) => {
    open--;
    if (span.isRecording()) {
      // The outcome is decided once, by the call classifier, for every surface (call-states.ts).
      span.setAttribute('sidetone.call.outcome', c.outcome ?? 'unknown');
      span.setAttribute('sidetone.call.status', c.status);
      if (c.reason !== null) span.setAttribute('sidetone.call.reason', c.reason);
      const { SpanStatusCode } = otelApi();
      span.setStatus(
        c.status === 'completed'
          ? { code: SpanStatusCode.OK }
          : { code: SpanStatusCode.ERROR, message: `${c.status}: ${c.reason ?? 'unknown'}` },
      );
    }
    span.end(at);
  };
  const event = (callId: string | undefined, name: string, e: SidetoneEvent) =>
    recording(callId)?.addEvent(name, undefined, at(e));
  const number = (attributes: Attributes, side: 'from' | 'to', value: string | undefined) => {
    if (value === undefined || value.trim() === '') return;
    const masked = maskNumber(value);
    // The mask keeps a few digits of a number; a free-form id could still carry one whole.
    if (!DIGITS.test(masked)) attributes[`sidetone.call.${side}_masked`] = masked;
    if (options.hashKey !== undefined)
      attributes[`sidetone.call.${side}_hash`] = hashNumber(options.hashKey, value).slice(0, 16);
  };

  const offs = [
    calls.onEvict((end: CallClose) => {
      const span = end.state.slots[slot] as Span | undefined;
      if (span === undefined) return;
      if (span.isRecording()) span.setAttribute('sidetone.call.evicted', true);
      close(span, end.verdict, end.at);
    }),
    bus.on('call.started', (e) => {
      const state = calls.started(e);
      if (state === undefined) return;
      const parent = parents.get(e.callId);
      parents.delete(e.callId);
      // No tracer given, no SDK registered (now: one registered later serves the calls after it)
      // and no app's trace to continue: the API would hand out a no-op span with no context.
      if (options.tracer === undefined && parent === undefined && !otelRegistered('trace')) return;
      const { SpanKind, ROOT_CONTEXT } = otelApi();
      const attributes: Attributes = {
        'sidetone.call.direction': e.direction,
        'sidetone.call.channel': e.channel,
      };
      // A configured name or `other`, as on every surface: a free-form name may be a person's.
      if (e.trunk !== undefined) attributes['sidetone.call.trunk'] = trunks.name(e.trunk);
      const kind = e.direction === 'inbound' ? SpanKind.SERVER : SpanKind.CLIENT;
      const span = tracerOf().startSpan(
        'call',
        { kind, attributes, startTime: at(e) },
        parent ?? ROOT_CONTEXT,
      );
      // Masks and keyed hashes only for a span that records: with no tracer (or one sampling this
      // call out) the two HMACs per call were a tenth of the ingest path.
      if (span.isRecording()) {
        const numbers: Attributes = {};
        if (callIds !== undefined) numbers['sidetone.call.id'] = callIds(e.callId);
        number(numbers, 'from', e.from);
        number(numbers, 'to', e.to);
        span.setAttributes(numbers);
      }
      state.slots[slot] = span;
      open++;
    }),
    bus.on('call.ringing', (e) => event(e.callId, e.early ? 'early_media' : 'ringing', e)),
    bus.on('call.answered', (e) => {
      const span = recording(e.callId);
      if (span === undefined) return;
      span.addEvent('answered', undefined, at(e));
    }),
    bus.on('call.held', (e) => event(e.callId, 'held', e)),
    bus.on('call.resumed', (e) => event(e.callId, 'resumed', e)),
    bus.on('sip.request', (e) =>
      recording(e.callId)?.addEvent(
        'sip.request',
        { 'sip.method': e.method, 'sip.direction': e.direction },
        at(e),
      ),
    ),
    bus.on('sip.response', (e) =>
      recording(e.callId)?.addEvent(
        'sip.response',
        { 'sip.method': e.method, 'sip.response.status_code': e.code, 'sip.direction': e.direction },
        at(e),
      ),
    ),
    bus.on('sip.transaction_timeout', (e) =>
      recording(e.callId)?.addEvent(
        'sip.transaction_timeout',
        { 'sip.method': e.method, 'sip.timer': e.timer },
        at(e),
      ),
    ),
    bus.on('voiceai.first_byte', (e) =>
      recording(e.callId)?.addEvent(`voiceai.${e.stage}.first_byte`, { 'voiceai.seconds': e.seconds }, at(e)),
    ),
    bus.on('voiceai.barge_in', (e) => event(e.callId, 'voiceai.barge_in', e)),
    bus.on('voiceai.asr_error', (e) =>
      recording(e.callId)?.addEvent(
        'voiceai.asr_error',
        e.reason ? { 'voiceai.reason': e.reason } : undefined,
        at(e),
      ),
    ),
    bus.on('voiceai.tts_error', (e) =>
      recording(e.callId)?.addEvent(
        'voiceai.tts_error',
        e.reason ? { 'voiceai.reason': e.reason } : undefined,
        at(e),
      ),
    ),
    bus.on('voiceai.tool_call', (e) =>
      recording(e.callId)?.addEvent(
        'voiceai.tool_call',
        { 'voiceai.ok': e.ok, 'voiceai.seconds': e.seconds },
        at(e),
      ),
    ),
    bus.on('media.report', (e) => {
      const span = recording(e.callId);
      if (span === undefined) return;
      if (e.codec !== undefined && CODEC.test(e.codec) && !DIGITS.test(e.codec))
        span.setAttribute('sidetone.call.codec', e.codec);
      const m = mediaSummary(e);
      if (m !== undefined) {
        span.addEvent('media', { mos: m.mos, loss_percent: m.lossPercent, jitter_ms: m.jitterMs }, at(e));
      }
    }),
    bus.on('call.ended', (e) => {
      const end = calls.ended(e);
      const span = end?.state.slots[slot] as Span | undefined;
      if (end === undefined || span === undefined) return;
      if (span.isRecording()) {
        if (e.sipCode !== undefined) span.setAttribute('sip.response.status_code', e.sipCode);
        if (e.q850 !== undefined) span.setAttribute('sidetone.call.q850_cause', e.q850);
        if (e.hangupBy !== undefined) span.setAttribute('sidetone.call.hangup_by', e.hangupBy);
      }
      close(span, end.verdict, at(e));
    }),
  ];
  return {
    get open() {
      return open;
    },
    adopt(traceparent, events, tracestate) {
      const carrier: Record<string, string> = { traceparent };
      if (tracestate !== undefined) carrier.tracestate = tracestate;
      const { context, trace } = otelApi();
      const ctx = w3c().extract(context.active(), carrier, getter);
      // An invalid header extracts nothing: the calls then start their own traces.
      if (trace.getSpanContext(ctx) === undefined) return;
      for (const e of events) {
        if (e.type !== 'call.started' || spanOf(e.callId) !== undefined) continue;
        if (parents.size >= MAX_PARENTS) parents.delete(parents.firstKey() as string);
        parents.set(e.callId, ctx);
      }
    },
    spanContext(callId) {
      // Also during the call's own end, for the exemplar of its duration (the pack asks then).
      return (calls.lookup(callId)?.slots[slot] as Span | undefined)?.spanContext();
    },
    close() {
      for (const off of offs) off();
      for (const state of calls.values()) {
        (state.slots[slot] as Span | undefined)?.end();
        state.slots[slot] = undefined;
      }
      open = 0;
      parents.clear();
    },
  };
}
