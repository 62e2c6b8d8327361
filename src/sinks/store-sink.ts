import { randomUUID } from 'node:crypto';
import { ValidationError } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import type { EventOf, SidetoneEvent } from '../events/types.js';
import type { CallStore, CallUpdate, SmsFailureReason, SmsMatch, SmsUpdate } from '../store/types.js';
import { type ReportScore, reportScore } from '../telephony/outcome/media.js';
import { providerStatus, referenceKey, tpStatusClass } from '../telephony/standards/sms.js';

export interface StoreSinkOptions {
  /** Write queued updates at least this often. Default 50 ms. */
  flushIntervalMs?: number;
  /** Write as soon as this many updates are queued. Default 2000. */
  maxBatch?: number;
  /** Called when a write fails (the updates of that batch are counted in `failed`). */
  onError?: (err: unknown) => void;
  /**
   * Configured trunk names (the `trunks` label list). When given, a trunk not in it is stored as
   * `other`, as the metric packs label it: a free-form name never reaches the store or its views,
   * and the per-trunk dashboard matches the per-trunk PromQL. The sidecar always passes its list.
   */
  trunks?: readonly string[];
  /** Updates kept for a later flush after a failed write (then dropped and counted). Default 100 000. */
  maxRetained?: number;
}

/** The store sink: what it has written, and how to wait until everything queued is durable. */
export interface StoreSink {
  /** Write everything queued so far; resolves when it is durable (ingest acknowledges after it). */
  flush(): Promise<void>;
  /** Unsubscribe, flush and stop the timer. */
  close(): Promise<void>;
  readonly stats: { written: number; failed: number };
}

// Event vocabulary -> store vocabulary, where the two name the same thing differently.
const SMS_REASON: Record<string, SmsFailureReason> = {
  timeout: 'timeout',
  network: 'network_error',
  rejected: 'rejected',
  invalid_number: 'invalid_number',
  modem: 'modem_error',
  quota: 'no_credit',
  other: 'other',
};

/**
 * Feed the call store from the bus: call lifecycle, media reports and transcripts become one
 * record per call; SMS events one record per message. Updates are queued and written in one
 * transaction per batch, because a transaction per event would cap ingest at the disk's fsync rate.
 *
 * @example
 * const sink = storeSink(bus, store);
 * bus.emit({ type: 'call.started', callId: 'c1', direction: 'inbound', channel: 'sip' });
 * await sink.flush(); // the call is now durable
 */
export function storeSink(bus: EventBus, store: CallStore, options: StoreSinkOptions = {}): StoreSink {
  const maxBatch = options.maxBatch ?? 2000;
  const maxRetained = options.maxRetained ?? 100_000;
  let calls: CallUpdate[] = [];
  let sms: SmsUpdate[] = [];
  let writing: Promise<void> = Promise.resolve();
  const stats = { written: 0, failed: 0 };

  /** A write chained behind the one in flight and not started yet: it takes what is queued then. */
  let pending: Promise<void> | undefined;
  const write = (): Promise<void> => {
    // Group commit: flushes that arrive while a write is in flight share the next write, which
    // takes everything queued when it starts, so each resolves only after its own updates commit.
    // With 4 ingest clients that is one transaction for up to 3 requests instead of one each: in
    // the ingest bench, a message to the writer thread and a commit with its rollups per request
    // were ~20 % of that thread's time.
    if (pending !== undefined) return pending;
    // Batches are chained so that a later flush resolves only after every earlier write; each link
    // starts from the previous one settled, so one failed write does not stop all later ones.
    const next = writing
      .catch(() => {})
      .then(async () => {
        pending = undefined;
        const c = calls;
        const s = sms;
        calls = [];
        sms = [];
        try {
          if (c.length > 0) stats.written += await store.applyBatch(c);
          if (s.length > 0) stats.written += await store.applySmsBatch(s);
        } catch (err) {
          // Keep the batch for the next flush (the client's retry, or the timer): none of it was
          // acknowledged, and the retry's events are skipped by id, so this is their only copy. A
          // refused item would fail every later batch too, so a ValidationError is not kept, and
          // nothing is kept past `maxRetained` updates.
          const keep =
            !(err instanceof ValidationError) &&
            calls.length + sms.length + c.length + s.length <= maxRetained;
          if (keep) {
            calls = c.concat(calls);
            sms = s.concat(sms);
          } else stats.failed += c.length + s.length;
          options.onError?.(err);
          throw err;
        }
      });
    pending = next;
    writing = next;
    return next;
  };
  let inFlight = 0;
  const queued = () => {
    // One size-triggered write at a time: while the store is failing, the retained batch stays
    // over maxBatch, and a write per incoming event would only pile up failing writes.
    if (inFlight === 0 && calls.length + sms.length >= maxBatch) {
      inFlight++;
      write()
        .catch(() => {})
        .finally(() => inFlight--);
    }
  };
  const call = (u: CallUpdate) => {
    calls.push(u);
    queued();
  };
  const message = (u: SmsUpdate) => {
    sms.push(u);
    queued();
  };
  const at = (e: SidetoneEvent) => e.ts ?? Date.now();
  const known = options.trunks === undefined ? undefined : new Set(options.trunks);
  const trunkOf = (t: string) => (known === undefined || known.has(t) ? t : 'other');

  const offs = [
    // Call updates are built field by field, not with `...(cond && { x })`: each such spread
    // allocates a throwaway object and copies it, five per call here, at ingest rates of 100k+
    // events/s (the media and ended updates are most of a call's writes).
    bus.on('call.started', (e) => {
      const u: CallUpdate & { kind: 'started' } = {
        kind: 'started',
        callId: e.callId,
        at: at(e),
        direction: e.direction,
        channel: e.channel,
      };
      if (e.trunk !== undefined) u.trunk = trunkOf(e.trunk);
      if (e.from !== undefined) u.from = e.from;
      if (e.to !== undefined) u.to = e.to;
      call(u);
    }),
    bus.on('call.ringing', (e) => call({ kind: 'ringing', callId: e.callId, at: at(e) })),
    bus.on('call.answered', (e) => call({ kind: 'answered', callId: e.callId, at: at(e) })),
    bus.on('call.ended', (e) => {
      const u: CallUpdate & { kind: 'ended' } = { kind: 'ended', callId: e.callId, at: at(e) };
      // Timer B is stored as the stated reason `timeout`: the classifier reads the two alike, so
      // the store and the calls pack agree (status timeout, outcome ineffective, counted in ISA).
      if (e.timeout === true) u.reason = 'timeout';
      if (e.sipCode !== undefined) u.sipCode = e.sipCode;
      if (e.q850 !== undefined) u.q850 = e.q850;
      if (e.hangupBy !== undefined && e.hangupBy !== 'unknown') u.hangupBy = e.hangupBy;
      call(u);
    }),
    bus.on('voiceai.transcript', (e) => {
      if (e.callId !== undefined && e.present) call({ kind: 'transcript', callId: e.callId, at: at(e) });
    }),
    bus.on('media.report', (e) => {
      const m = e.callId === undefined ? undefined : mediaSummary(e);
      if (m === undefined) return;
      const u: CallUpdate & { kind: 'media' } = {
        kind: 'media',
        callId: e.callId as string,
        at: at(e),
        mos: m.mos,
        jitterMs: m.jitterMs,
        lossPercent: m.lossPercent,
      };
      if (m.rttMs !== undefined) u.rttMs = m.rttMs;
      call(u);
    }),
    bus.on('sms.received', (e) =>
      message({
        kind: 'received',
        // The event id, when given, so a retried event is the same message, not a second one.
        messageId: e.id ?? randomUUID(),
        at: at(e),
        from: e.from,
        ...(e.to !== undefined && { to: e.to }),
        ...(e.modem !== undefined && { gateway: e.modem }),
        ...(e.segments !== undefined && { segments: e.segments }),
      }),
    ),
    bus.on('sms.sent', (e) =>
      message({
        kind: 'sent',
        messageId: submissionId(e),
        at: at(e),
        to: e.to,
        ...(e.from !== undefined && { from: e.from }),
        ...(e.modem !== undefined && { gateway: e.modem }),
        ...(e.segments !== undefined && { segments: e.segments }),
        ...(e.reference !== undefined && { reference: referenceKey(e.reference) }),
      }),
    ),
    bus.on('sms.send_failed', (e) =>
      message({
        kind: 'send_failed',
        messageId: e.reference === undefined ? (e.id ?? randomUUID()) : reportId(e),
        at: at(e),
        ...(e.reason !== undefined && { reason: SMS_REASON[e.reason] ?? 'other' }),
        ...(e.cmsError !== undefined && { statusCode: e.cmsError }),
        ...(e.reference !== undefined && { match: matchOf(e) }),
      }),
    ),
    bus.on('sms.delivery_report', (e) => {
      // A report can only be filed against the message it names.
      if (e.reference === undefined) return;
      const outcome =
        e.tpStatus !== undefined
          ? tpStatusClass(e.tpStatus)
          : providerStatus(e.providerStatus ?? '', e.errorCode);
      const code = e.tpStatus ?? (typeof e.errorCode === 'number' ? e.errorCode : undefined);
      message({
        kind: 'delivery',
        // Used only when no pending submission matches (a report for a message sent elsewhere).
        messageId: reportId(e),
        at: at(e),
        outcome,
        ...(code !== undefined && { statusCode: code }),
        match: matchOf(e),
      });
    }),
  ];
  const timer = setInterval(() => {
    if (calls.length + sms.length > 0) write().catch(() => {});
  }, options.flushIntervalMs ?? 50);
  timer.unref();

  return {
    stats,
    flush: () => (calls.length + sms.length > 0 ? write() : writing),
    async close() {
      for (const off of offs) off();
      clearInterval(timer);
      await write();
    },
  };
}

/**
 * One record per submission: the event id, else modem + reference + time (so a repeated event is
 * the same record, while the same TP-MR on another modem, or after the 0-255 wrap, is another).
 */
function submissionId(e: {
  id?: string | undefined;
  modem?: string | undefined;
  reference?: string | number | undefined;
  ts?: number | undefined;
}): string {
  if (e.id !== undefined) return e.id;
  if (e.reference === undefined) return randomUUID();
  return `sub:${e.modem ?? ''}:${referenceKey(e.reference)}:${e.ts ?? Date.now()}`;
}

/** The id a report is filed under when it matches no pending submission. */
function reportId(e: {
  id?: string | undefined;
  modem?: string | undefined;
  reference?: string | number | undefined;
  ts?: number | undefined;
}): string {
  return (
    e.id ??
    `report:${e.modem ?? ''}:${e.reference === undefined ? '' : referenceKey(e.reference)}:${e.ts ?? Date.now()}`
  );
}

/**
 * What a report (or a failure) is matched on: its reference in the one form every surface uses
 * (referenceKey), on its modem. The store takes the newest pending submission with that reference
 * on that modem, else one sent without a modem; a report without a modem takes any (as the sms
 * pack's metrics do), so `modem` on one event and not the other never loses the match.
 */
function matchOf(e: { modem?: string | undefined; reference?: string | number | undefined }): SmsMatch {
  return {
    reference: e.reference === undefined ? '' : referenceKey(e.reference),
    ...(e.modem !== undefined && { gateway: e.modem }),
  };
}

/**
 * Loss, jitter, RTT and E-model MOS of one RTCP-derived report, as the store keeps them; undefined
 * when the report cannot be scored (unknown codec, no loss data), as the media pack decides. Shared
 * by every listener of the report (see telephony/outcome/media.ts), hence frozen.
 */
export function mediaSummary(e: EventOf<'media.report'>): ReportScore | undefined {
  return reportScore(e);
}
