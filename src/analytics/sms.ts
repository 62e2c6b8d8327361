/** SMS delivery analytics: delivery rate and sent → delivered latency. */

import type { SmsStatus } from '../domain/records.js';
import type { CallStore } from '../store/types.js';
import { checkRange } from '../store/validate.js';
import { percent, round } from './kpi.js';

export interface SmsSummary {
  period: { from: number; to: number };
  total: number;
  inbound: number;
  outbound: number;
  byStatus: Record<SmsStatus, number>;
  /**
   * Outbound messages of the period awaiting their delivery report now: the metric's
   * `sms_delivery_pending` and the console's figure, one definition (domain/standards/sms.ts
   * `awaitsReport`). Not `byStatus.pending`, which counts only those with a "still trying" report.
   */
  awaitingReport: number;
  /** When the oldest of them was sent, ms; null when none awaits. */
  oldestAwaitingAt: number | null;
  /** Delivered / (delivered + failed) outbound messages, %: of messages with a final outcome. */
  deliveryRate: number | null;
  /** Sent → delivered, seconds; percentiles interpolate. */
  latency: {
    count: number;
    avg: number | null;
    p50: number | null;
    p95: number | null;
    max: number | null;
  };
}

const seconds = (ms: number | null) => (ms === null ? null : round(ms / 1000, 3));

/**
 * SMS totals, delivery rate, latency and those awaiting their report (as of `now`, default `to`)
 * for `[from, to)`.
 *
 * @example
 * ```ts
 * const s = await smsSummary(store, { from: Date.now() - 86_400_000, to: Date.now() });
 * s.deliveryRate; // 97.5
 * ```
 */
export async function smsSummary(
  store: CallStore,
  q: { from: number; to: number; now?: number },
): Promise<SmsSummary> {
  checkRange(q, 'ST_ANALYTICS_INVALID_RANGE');
  // Awaiting as of the period's end unless told: every caller's period ends now.
  const st = await store.smsStats({ from: q.from, to: q.to, now: q.now ?? q.to });
  return {
    period: { from: q.from, to: q.to },
    total: st.total,
    inbound: st.inbound,
    outbound: st.outbound,
    byStatus: st.byStatus,
    awaitingReport: st.awaiting,
    oldestAwaitingAt: st.oldestAwaitingAt,
    deliveryRate: percent(st.byStatus.delivered, st.byStatus.delivered + st.byStatus.failed),
    latency: {
      count: st.latencyCount,
      avg: seconds(st.latencyMsAvg),
      p50: seconds(st.latencyMsP50),
      p95: seconds(st.latencyMsP95),
      max: seconds(st.latencyMsMax),
    },
  };
}
