import { randomBytes } from 'node:crypto';
import type { SpanContext } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { CallClass } from '../domain/outcome/classify.js';
import type { EventBus } from '../events/bus.js';
import { EVENT_TYPES } from '../events/predicates.generated.js';
import type { EventOf, SidetoneEvent } from '../events/types.js';
import { maskNumber, recordIds } from '../store/privacy.js';
import { type CallClose, callStates } from '../telephony/call-states.js';
import { Enum } from '../telephony/table.js';
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
  /**
   * The call id as lines show it (`call_ref`): pass the store's `recordIds(privacy, 'cid')` so a
   * line, a span and a stored call carry the same `cid:…` reference. Default: the keyed hash under
   * a key made for this process (lines correlate with each other only).
   */
  callIds?: (callId: string) => string;
  /** Configured trunk names: any other trunk is logged as `other`, as the metrics label it. */
  trunks?: readonly string[];
  /**
   * The level of the call lines. Default `debug` (see below); `sidetone serve` writes them at
   * `info`, as docs/deploy.md describes them, and `log.level = "warn"` turns them off there.
   */
  level?: 'debug' | 'info';
}

const masked = (n: string | undefined) => (n === undefined || n.trim() === '' ? undefined : maskNumber(n));

/**
 * The call-event log: one JSON line per call started, answered, ended or failed, with masked
 * numbers, a `call_ref` (the keyed `cid:…` reference) instead of the Call-ID, the trunk as
 * configured (else `other`), and the call span's `trace_id`/`span_id`. A call
 * the call classifier does not find `completed` is logged as `call.failed`, with its outcome,
 * status and reason: the same verdict the metrics, the store and the span status use, read from
 * the bus's one per-call state (telephony/call-states.ts). A call that state evicts is logged then,
 * as `call.failed` with `evicted: true` and the verdict every surface gives it; its late end is a
 * `call.ended` with `unknown_call: true` and no outcome, as `/metrics` counts it.
 *
 * Lines are at `debug` unless `level` says `info`: a call is traffic, not news. At `info` a demo's
 * 24 h backfill wrote 99,810 of them (23 MB) to the terminal before the URLs, and a PBX at 100
 * calls a second would write 300 a second; `sidetone serve` writes them at `info` all the same,
 * as docs/deploy.md promises an operator (issue 47: it wrote none at its default level).
 *
 * @example
 * const traces = traceSink(bus, { tracer });
 * callEventLog(bus, createLogger(), { spanContext: (id) => traces.spanContext(id) });
 */
export function callEventLog(bus: EventBus, log: Logger, options: CallEventLogOptions = {}): () => void {
  const callIds =
    options.callIds ?? recordIds({ hashKey: randomBytes(32).toString('hex'), storeRaw: false }, 'cid');
  // The reference is a digest (or an id the operator chose to reveal), not data from the event, so
  // the redactor must leave it: one hex reference in ten holds seven digits in a row, which the
  // detector reads as a phone number (10,675 of 99,844 demo lines lost their correlation).
  const refField = (callId: string): Trusted => trusted(callIds(callId));
  const trunks = new Enum(options.trunks ?? []);
  const level = options.level ?? 'debug';
  const on = () => log.isLevelEnabled(level);
  const write = (fields: object, msg: string) => log[level](fields, msg);
  // The span context is taken at start (the trace sink forgets the call when it ends) and kept in
  // this log's slot on the call's one state: no map of its own, no cap of its own.
  const calls = callStates(bus);
  const slot = calls.slot();
  const ids = (callId: string) => {
    const call = calls.get(callId);
    return call === undefined
      ? traceIds(options.spanContext?.(callId))
      : (call.slots[slot] as TraceIds | undefined);
  };
  const verdict = (c: Readonly<CallClass>) => ({
    outcome: c.outcome,
    status: c.status,
    ...(c.reason !== null && { reason: c.reason }),
  });
  const line = (e: SidetoneEvent & { callId: string }, event: string, extra: object = {}) => ({
    event,
    call_ref: refField(e.callId),
    ...ids(e.callId),
    // ISO, not epoch ms: a 13-digit run reads as a number to the redactor.
    ...(e.ts !== undefined && { at: new Date(e.ts).toISOString() }),
    ...extra,
  });

  const offs = [
    calls.onEvict((end: CallClose) => {
      if (!on()) return;
      const callId = end.state.callId;
      const fields = {
        event: 'call.failed',
        call_ref: refField(callId),
        ...(end.state.slots[slot] as TraceIds | undefined),
        at: new Date(end.at).toISOString(),
        ...verdict(end.verdict),
        evicted: true,
      };
      write(fields, 'call evicted');
    }),
    bus.on('call.started', (e) => {
      const s = calls.started(e);
      if (s !== undefined) s.slots[slot] = traceIds(options.spanContext?.(e.callId));
      if (!on()) return;
      write(
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
      if (on()) write(line(e, 'call.answered'), 'call answered');
    }),
    bus.on('call.ended', (e: EventOf<'call.ended'>) => {
      if (!on()) return;
      const end = calls.ended(e);
      const failed = end !== undefined && end.verdict.status !== 'completed';
      const fields = line(e, failed ? 'call.failed' : 'call.ended', {
        ...(end === undefined ? { unknown_call: true } : verdict(end.verdict)),
        // The call's state has left the map by now: its ids are read from the end.
        ...(end?.state.slots[slot] as TraceIds | undefined),
        ...(e.sipCode !== undefined && { sip_code: e.sipCode }),
        ...(e.q850 !== undefined && { q850: e.q850 }),
        ...(e.hangupBy !== undefined && { hangup_by: e.hangupBy }),
        ...(e.timeout === true && { timeout: true }),
        ...(e.durationSeconds !== undefined && { duration_seconds: e.durationSeconds }),
      });
      write(fields, failed ? 'call failed' : 'call ended');
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
  };
}
