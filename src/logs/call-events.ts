import { randomBytes } from 'node:crypto';
import type { SpanContext } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { EventBus } from '../events/bus.js';
import { EVENT_TYPES } from '../events/predicates.generated.js';
import type { EventOf, SidetoneEvent } from '../events/types.js';
import { maskNumber, recordIds } from '../store/privacy.js';
import { classifyEnded } from '../telephony/outcome/classify.js';
import { Enum } from '../telephony/table.js';
import { IdMap } from '../telephony/tracker.js';
import { type TraceIds, traceIds } from './logger.js';
import { type Trusted, trusted } from './redact.js';

export interface CallEventLogOptions {
  /** The span of an open call (the trace sink's `spanContext`), for `trace_id`/`span_id`. */
  spanContext?: (callId: string) => SpanContext | undefined;
  /**
   * Also log every other event type, whole, at `debug` (redacted by the logger like any line).
   * Default false.
   */
  allEvents?: boolean;
  /** Calls remembered for correlation at most; the oldest is forgotten first. Default 10 000. */
  maxOpen?: number;
  /**
   * The call id as lines show it (`call_ref`): pass the store's `recordIds(privacy, 'cid')` so a
   * line, a span and a stored call carry the same `cid:…` reference. Default: the keyed hash under
   * a key made for this process (lines correlate with each other only).
   */
  callIds?: (callId: string) => string;
  /** Configured trunk names: any other trunk is logged as `other`, as the metrics label it. */
  trunks?: readonly string[];
}

const masked = (n: string | undefined) => (n === undefined || n.trim() === '' ? undefined : maskNumber(n));

/**
 * The call-event log: one JSON line per call started, answered, ended or failed, with masked
 * numbers, a `call_ref` (the keyed `cid:…` reference) instead of the Call-ID, the trunk as
 * configured (else `other`), and the call span's `trace_id`/`span_id`. A call
 * the call classifier does not find `completed` is logged as `call.failed`, with its outcome,
 * status and reason: the same verdict the metrics, the store and the span status use.
 *
 * Every line is at `debug`: a call is traffic, not news. At `info` a demo's 24 h backfill wrote
 * 99,810 of them (23 MB) to the terminal before the URLs, and a PBX at 100 calls a second would
 * write 300 a second; the metrics, alerts and the store answer "why did calls fail".
 *
 * @example
 * const traces = traceSink(bus, { tracer });
 * callEventLog(bus, createLogger(), { spanContext: (id) => traces.spanContext(id) });
 */
export function callEventLog(bus: EventBus, log: Logger, options: CallEventLogOptions = {}): () => void {
  const maxOpen = options.maxOpen ?? 10_000;
  const callIds =
    options.callIds ?? recordIds({ hashKey: randomBytes(32).toString('hex'), storeRaw: false }, 'cid');
  // The reference is a digest (or an id the operator chose to reveal), not data from the event, so
  // the redactor must leave it: one hex reference in ten holds seven digits in a row, which the
  // detector reads as a phone number (10,675 of 99,844 demo lines lost their correlation).
  const refField = (callId: string): Trusted => trusted(callIds(callId));
  const trunks = new Enum(options.trunks ?? []);
  // The span context is taken at start (the trace sink forgets the call when it ends). An IdMap:
  // it gains and loses an entry per call, which emptied a plain Map's table once a call.
  const open = new IdMap<string, { ids: TraceIds | undefined; answered: boolean }>();
  const ids = (callId: string) => {
    const call = open.get(callId);
    return call === undefined ? traceIds(options.spanContext?.(callId)) : call.ids;
  };
  const line = (e: SidetoneEvent & { callId: string }, event: string, extra: object = {}) => ({
    event,
    call_ref: refField(e.callId),
    ...ids(e.callId),
    // ISO, not epoch ms: a 13-digit run reads as a number to the redactor.
    ...(e.ts !== undefined && { at: new Date(e.ts).toISOString() }),
    ...extra,
  });

  const offs = [
    bus.on('call.started', (e) => {
      if (open.size >= maxOpen) open.delete(open.firstKey() as string);
      open.set(e.callId, { ids: traceIds(options.spanContext?.(e.callId)), answered: false });
      if (!log.isLevelEnabled('debug')) return;
      log.debug(
        line(e, 'call.started', {
          direction: e.direction,
          channel: e.channel,
          ...(e.trunk !== undefined && { trunk: trunks.name(e.trunk) }),
          ...(e.from !== undefined && { from: masked(e.from) }),
          ...(e.to !== undefined && { to: masked(e.to) }),
        }),
        'call started',
      );
    }),
    bus.on('call.answered', (e) => {
      const call = open.get(e.callId);
      if (call !== undefined) call.answered = true;
      if (log.isLevelEnabled('debug')) log.debug(line(e, 'call.answered'), 'call answered');
    }),
    bus.on('call.ended', (e: EventOf<'call.ended'>) => {
      const c = classifyEnded(e, open.get(e.callId)?.answered === true);
      const failed = c.status !== 'completed';
      if (!log.isLevelEnabled('debug')) {
        open.delete(e.callId);
        return;
      }
      const fields = line(e, failed ? 'call.failed' : 'call.ended', {
        outcome: c.outcome,
        status: c.status,
        ...(c.reason !== null && { reason: c.reason }),
        ...(e.sipCode !== undefined && { sip_code: e.sipCode }),
        ...(e.q850 !== undefined && { q850: e.q850 }),
        ...(e.hangupBy !== undefined && { hangup_by: e.hangupBy }),
        ...(e.timeout === true && { timeout: true }),
        ...(e.durationSeconds !== undefined && { duration_seconds: e.durationSeconds }),
      });
      open.delete(e.callId);
      log.debug(fields, failed ? 'call failed' : 'call ended');
    }),
  ];
  if (options.allEvents === true) {
    const lifecycle = new Set(['call.started', 'call.answered', 'call.ended']);
    for (const type of EVENT_TYPES) {
      if (lifecycle.has(type)) continue;
      offs.push(
        bus.on(type, (e: SidetoneEvent) => {
          if (!log.isLevelEnabled('debug')) return;
          const callId = (e as { callId?: unknown }).callId;
          const corr = typeof callId === 'string' ? { call_ref: refField(callId), ...ids(callId) } : {};
          log.debug(
            {
              event: e.type,
              ...corr,
              ...(e.ts !== undefined && { at: new Date(e.ts).toISOString() }),
              // The id as a reference and a trunk as configured, like every other line.
              detail: {
                ...e,
                ts: undefined,
                ...(typeof callId === 'string' && { callId: callIds(callId) }),
                ...(typeof (e as { trunk?: unknown }).trunk === 'string' && {
                  trunk: trunks.name((e as { trunk: string }).trunk),
                }),
              },
            },
            'event',
          );
        }),
      );
    }
  }
  return () => {
    for (const off of offs) off();
    open.clear();
  };
}
