import type { SpanContext } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { otelApi, otelRegistered } from '../runtime/otel-api.js';
import { redactValue } from './redact.js';

export interface LoggerSettings {
  /** pino level. Default `info`. */
  level?: string;
  /** `name` on every line. Default `sidetone`. */
  name?: string;
  /**
   * Add `trace_id`/`span_id` of the active OpenTelemetry span to every line logged inside one
   * (`[otel] log_trace_id`). Lines about a call get them from the call's span either way.
   */
  traceIds?: boolean;
  /** Where lines go. Default stdout. */
  destination?: DestinationStream;
}

/**
 * The correlation fields of a span, as OpenTelemetry's log data model names them. A fresh object
 * each time: pino's mixin merge writes the line's own fields into it.
 */
export function traceFields(span: SpanContext | undefined): { trace_id?: string; span_id?: string } {
  const ids = traceIds(span);
  return ids === undefined ? {} : { ...ids };
}

/** A valid span's trace and span ids, as log fields and exemplar labels; shared, so frozen. */
export type TraceIds = Readonly<{ trace_id: string; span_id: string }>;

/** The span context {@link traceIds} last answered for, and its answer. */
let lastContext: SpanContext | undefined;
let lastIds: TraceIds | undefined;

/**
 * {@link traceFields} for a context asked about over and over: the ids of a valid span context,
 * else undefined, checked once per context object and shared. The latency histograms put a call's
 * ids on each observation (exemplars) and the call log keeps them per call; the validity check
 * (two regexes in @opentelemetry/api) and a new object at each were work for the same answer:
 * with no tracer every call has the one invalid context, the calls a request adopts share its
 * context, and a span hands out its own context object for its life. Keyed by the object, which
 * OpenTelemetry never changes once made (span contexts are values).
 * @example traceIds(trace.getActiveSpan()?.spanContext()) // { trace_id: '4bf9…', span_id: '00f0…' } or undefined
 */
export function traceIds(span: SpanContext | undefined): TraceIds | undefined {
  if (span === undefined) return undefined;
  if (span === lastContext) return lastIds;
  // A span context comes from the API (or an SDK), so loading it here costs nothing more.
  lastIds = otelApi().trace.isSpanContextValid(span)
    ? Object.freeze({ trace_id: span.traceId, span_id: span.spanId })
    : undefined;
  lastContext = span;
  return lastIds;
}

/**
 * sidetone's logger: pino JSON lines, redacted at the logger. Every argument of every call
 * (merge object, message, format arguments) and every child binding passes through
 * {@link redactValue}, so a phone number, SIP URI, IMSI or token in any field is masked even when
 * the calling code forgot. Redaction runs only for lines at an enabled level.
 *
 * @example
 * const log = createLogger({ level: 'info', traceIds: true });
 * log.info({ to: '+447700900123' }, 'dialling'); // {"to":"[redacted:phone]","msg":"dialling",...}
 */
export function createLogger(settings: LoggerSettings = {}): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    base: { name: settings.name ?? 'sidetone' },
    hooks: {
      logMethod(args, method) {
        const safe = args.map((a) => redactValue(a)) as Parameters<typeof method>;
        method.apply(this, safe);
      },
    },
    formatters: {
      bindings: (bindings) => redactValue(bindings) as Record<string, unknown>,
    },
  };
  if (settings.traceIds === true) {
    // No context manager registered: no span is ever active (the API's no-op gives the root
    // context), and the API need not be loaded for each line to say so.
    options.mixin = () =>
      otelRegistered('context') ? traceFields(otelApi().trace.getActiveSpan()?.spanContext()) : {};
  }
  const logger = settings.destination === undefined ? pino(options) : pino(options, settings.destination);
  // pino serialises a child's bindings once, bypassing `formatters.bindings`: redact them on the
  // way in. Children are created from their parent's prototype, so they inherit this too.
  const child = logger.child;
  const setBindings = logger.setBindings;
  logger.child = function redactedChild(this: Logger, bindings, childOptions) {
    return child.call(this, redactValue(bindings) as typeof bindings, childOptions);
  } as typeof logger.child;
  logger.setBindings = function redactedBindings(this: Logger, bindings) {
    setBindings.call(this, redactValue(bindings) as typeof bindings);
  };
  return logger;
}
