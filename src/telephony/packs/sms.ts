import { SMS_OUTCOMES, type SmsOutcome } from '../../domain/labels.js';
import { providerStatus, referenceKey, tpStatusClass } from '../../domain/standards/sms.js';
import { SMS_FAILURE_REASONS, type SmsFailureReason } from '../../domain/vocab.js';
import type { EventBus } from '../../events/bus.js';
import type { EventOf } from '../../events/types.js';
import type { Registry } from '../../metrics/index.js';
import { smsFailureReason } from '../classify.js';
import { eventTime, type PackBase, PackMetrics, type PackOptions, resolveOptions, wire } from '../pack.js';
import { Enum } from '../table.js';
import { Tracker } from '../tracker.js';

export interface SmsPack extends PackBase {
  /** An SMS arrived. Hot path: no allocation. */
  received(segments?: number): void;
  /** An SMS was accepted by the SMSC or provider. */
  sent(segments?: number): void;
  /** An SMS could not be submitted. */
  sendFailed(reason: SmsFailureReason): void;
  /** A delivery report, already classified; `latencySeconds` when known (delivered only). */
  delivery(outcome: SmsOutcome, latencySeconds?: number): void;
}

/**
 * SMS gateway metrics: received, sent, failures by class, segments, delivery reports by outcome
 * (TS 23.040 TP-Status class or provider status) and submit -> delivered latency, matched by
 * reference. Bodies, numbers and error texts are never read into a label.
 * @example
 * const sms = smsPack(registry);
 * sms.subscribe(bus);
 * sms.received(); // same series as bus.emit({ type: 'sms.received', from: '...' })
 */
export function smsPack(registry: Registry, options: PackOptions = {}): SmsPack {
  const o = resolveOptions(options);
  const m = new PackMetrics(registry, o, 'sms');
  const received = m.counter('sms_received_total').at();
  const sent = m.counter('sms_sent_total').at();
  const failures = m.counter('sms_send_failures_total');
  const segments = m.counter('sms_segments_total');
  const segIn = segments.at(0);
  const segOut = segments.at(1);
  const reports = m.counter('sms_delivery_reports_total');
  const latency = m.histogram('sms_delivery_seconds').at();
  const reasons = new Enum(SMS_FAILURE_REASONS);
  const outcomes = new Enum(SMS_OUTCOMES);
  // Modem + reference -> submit time, to time the delivered report. Reports can take a day (the
  // validity period). The same rule as the store's (store/types.ts SmsMatch): a report takes the
  // submission on its modem, else one sent without a modem; a report without a modem takes one
  // sent without, else the newest with its reference on any (`latest`). A TP-MR wraps per modem.
  const awaiting = new Tracker<{ at: number; sentAt: number; key: string; ref: string }>(
    o.maxTracked,
    86_400_000,
    (v) => {
      if (latest.get(v.ref) === v.key) latest.delete(v.ref);
    },
  );
  const latest = new Map<string, string>();
  const keyOf = (modem: string | undefined, ref: string) => `${modem ?? ''}\u0000${ref}`;
  function take(modem: string | undefined, ref: string) {
    let v = awaiting.take(keyOf(modem, ref));
    if (v === undefined) {
      const k = modem === undefined ? latest.get(ref) : keyOf(undefined, ref);
      if (k !== undefined) v = awaiting.take(k);
    }
    if (v !== undefined && latest.get(ref) === v.key) latest.delete(ref);
    return v;
  }
  // Both gauges are read at scrape time: a stalled SMSC shows as an ageing oldest entry even
  // though no event arrives to move anything.
  const pending = m
    .gauge('sms_delivery_pending', () => {
      awaiting.sweep(o.now());
      pending.set(awaiting.size);
    })
    .at();
  pending.set(0);
  const oldest = m
    .gauge('sms_delivery_pending_oldest_seconds', () => {
      awaiting.sweep(o.now());
      const first = awaiting.oldest();
      oldest.set(first === undefined ? 0 : Math.max(0, o.now() - first.at) / 1000);
    })
    .at();
  oldest.set(0);

  const pack: SmsPack = {
    name: 'sms',
    received(n = 1) {
      received.inc();
      segIn.inc(n);
    },
    sent(n = 1) {
      sent.inc();
      segOut.inc(n);
    },
    sendFailed(reason) {
      failures.at(reasons.of(reason)).inc();
    },
    delivery(outcome, latencySeconds) {
      reports.at(outcomes.of(outcome)).inc();
      if (latencySeconds !== undefined && outcome === 'delivered' && latencySeconds >= 0)
        latency.observe(latencySeconds);
    },
    subscribe: (bus: EventBus) =>
      wire([
        bus.on('sms.received', (e) => pack.received(e.segments)),
        bus.on('sms.sent', (e) => {
          pack.sent(e.segments);
          if (e.reference !== undefined) {
            const now = o.now();
            const ref = referenceKey(e.reference);
            const key = keyOf(e.modem, ref);
            awaiting.replace(key, { at: now, sentAt: e.ts ?? now, key, ref }, now);
            latest.set(ref, key);
          }
        }),
        bus.on('sms.send_failed', (e) => pack.sendFailed(smsFailureReason(e))),
        bus.on('sms.delivery_report', (e) => onReport(e)),
      ]),
  };

  function onReport(e: EventOf<'sms.delivery_report'>): void {
    // A TP-Status octet is authoritative (it comes from the SMSC); a provider status otherwise.
    const outcome: SmsOutcome =
      e.tpStatus !== undefined
        ? tpStatusClass(e.tpStatus)
        : e.providerStatus !== undefined
          ? providerStatus(e.providerStatus, e.errorCode)
          : 'unknown';
    let latencySeconds: number | undefined;
    // Pending reports keep waiting for the final one; final ones stop tracking the reference.
    if (e.reference !== undefined && outcome !== 'pending' && outcome !== 'unknown') {
      const submitted = take(e.modem, referenceKey(e.reference));
      if (submitted !== undefined) latencySeconds = (eventTime(e.ts, o.now) - submitted.sentAt) / 1000;
    }
    pack.delivery(outcome, latencySeconds);
  }

  return pack;
}
