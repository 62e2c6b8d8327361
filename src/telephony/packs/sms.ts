import { SMS_OUTCOMES, type SmsOutcome } from '../../domain/labels.js';
import {
  providerStatus,
  REPORT_WAIT_MS,
  referenceKey,
  submissionKey,
  tpStatusClass,
} from '../../domain/standards/sms.js';
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
  // Every submission awaiting its report (domain/standards/sms.ts awaitsReport: sent with a
  // reference, no final report, for at most REPORT_WAIT_MS), by its identity as the store files it
  // (its id, else submissionKey: the same event posted twice is one submission), with its submit
  // time to time the delivered report. A report is matched by the store's rule (store/types.ts
  // SmsMatch): the newest awaiting submission with its reference on its modem (`onModem`), else one
  // sent without a modem; a report without a modem takes one sent without, else the newest with its
  // reference on any (`anyModem`). A TP-MR wraps per modem (TS 23.040 9.2.3.6): two submissions can
  // share a reference, and both await until matched or their day is out, as in the store (keyed by
  // modem and reference, the older one was replaced: the metric read 37 where the store had 198).
  type Submission = { at: number; sentAt: number; id: string; key: string; ref: string };
  const awaiting = new Tracker<Submission>(
    o.maxTracked,
    // Memory only: a day after this process heard of it (the gauges count by submission time).
    REPORT_WAIT_MS,
    (v) => outlived(v),
  );
  // Submissions this process stopped tracking unreported (a day since receipt, or past maxTracked)
  // are no longer counted, but the store keeps them unmatched, and a report on their key still
  // takes the newest of them before any other modem's, however old (store/types.ts SmsMatch). So
  // they stay in the indexes until a report spends them, up to maxTracked more, the oldest going
  // first. Dropping them, a report with no modem took modem1's fresh submission here, the store the
  // one sent without a modem a day and 2 ms before: 0 awaiting against 1 (fast-check, issue 47
  // item 12e).
  const forgotten = new Map<string, Submission>();
  function outlived(v: Submission) {
    forgotten.set(v.id, v);
    if (forgotten.size <= o.maxTracked) return;
    const first = forgotten.values().next().value as Submission;
    forgotten.delete(first.id);
    forget(first);
  }
  // Ids awaiting, oldest first: almost always one (a second only after a wrap within the day).
  const onModem = new Map<string, string[]>();
  const anyModem = new Map<string, string[]>();
  const keyOf = (modem: string | undefined, ref: string) => `${modem ?? ''}\u0000${ref}`;
  const push = (m: Map<string, string[]>, k: string, id: string) => {
    const ids = m.get(k);
    if (ids === undefined) m.set(k, [id]);
    else ids.push(id);
  };
  const drop = (m: Map<string, string[]>, k: string, id: string) => {
    const ids = m.get(k);
    if (ids === undefined) return;
    const i = ids.indexOf(id);
    if (i >= 0) ids.splice(i, 1);
    if (ids.length === 0) m.delete(k);
  };
  function forget(v: { id: string; key: string; ref: string }) {
    drop(onModem, v.key, v.id);
    drop(anyModem, v.ref, v.id);
  }
  function take(modem: string | undefined, ref: string) {
    const ids =
      onModem.get(keyOf(modem, ref)) ??
      (modem === undefined ? anyModem.get(ref) : onModem.get(keyOf(undefined, ref)));
    if (ids === undefined) return undefined;
    const id = ids[ids.length - 1] as string;
    const v = awaiting.take(id);
    if (v !== undefined) {
      forget(v);
      return v;
    }
    // The newest is one no longer counted: the report is spent on it, as in the store.
    const old = forgotten.get(id);
    if (old !== undefined) {
      forgotten.delete(id);
      forget(old);
    }
    return undefined;
  }
  // Both gauges are read at scrape time: a stalled SMSC shows as an ageing oldest entry even
  // though no event arrives to move anything. Counted from the submission times (awaitsReport), as
  // the store counts: a backfilled or late-posted submission is as old as its ts says, not as old as
  // the moment this process heard of it (the demo's 6 h backfill read 234 s here, 21,830 s in the
  // store). The tracker ages entries from receipt, which bounds memory; one walk over at most
  // maxTracked entries per scrape (100,000 by default) gives both figures exactly, in any order.
  function scan(): { count: number; oldestAt: number } {
    const now = o.now();
    awaiting.sweep(now);
    let count = 0;
    let oldestAt = now;
    for (const v of awaiting.values()) {
      if (!(now - v.sentAt < REPORT_WAIT_MS)) continue;
      count++;
      if (v.sentAt < oldestAt) oldestAt = v.sentAt;
    }
    return { count, oldestAt: count === 0 ? now : oldestAt };
  }
  const pending = m.gauge('sms_delivery_pending', () => pending.set(scan().count)).at();
  pending.set(0);
  const oldest = m
    .gauge('sms_delivery_pending_oldest_seconds', () => {
      const s = scan();
      oldest.set(Math.max(0, o.now() - s.oldestAt) / 1000);
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
            const sentAt = e.ts ?? now;
            const id = e.id ?? submissionKey(e.modem, ref, sentAt);
            // The same submission posted again once forgotten is still the one the store holds.
            if (!forgotten.has(id) && awaiting.add(id, { at: now, sentAt, id, key, ref }, now)) {
              push(onModem, key, id);
              push(anyModem, ref, id);
            }
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
