/** Row shapes of the SQLite backend and their mapping to the public record types. */
import {
  type CallBreakdown,
  type CallRecord,
  type CallStatus,
  type Channel,
  type Direction,
  type FailureReason,
  type HangupBy,
  SMS_STATUSES,
  type SmsFailureReason,
  type SmsRecord,
  type SmsStats,
  type SmsStatus,
} from './types.js';

export interface CallRow {
  id: number;
  call_id: string;
  first_at: number;
  direction: Direction | null;
  channel: Channel | null;
  trunk: string | null;
  from_hash: string | null;
  from_masked: string | null;
  from_raw: string | null;
  to_hash: string | null;
  to_masked: string | null;
  to_raw: string | null;
  started_at: number | null;
  ringing_at: number | null;
  answered_at: number | null;
  ended_at: number | null;
  status: CallStatus;
  sip_code: number | null;
  q850: number | null;
  reason_eff: FailureReason | null;
  hangup_by: HangupBy | null;
  duration_ms: number | null;
  talk_ms: number | null;
  pdd_ms: number | null;
  transcript: number;
  mos: number | null;
  jitter_ms: number | null;
  loss_percent: number | null;
  rtt_ms: number | null;
  closed_by_cleanup: number;
}

export function toCallRecord(r: CallRow, reveal: boolean): CallRecord {
  const rec: CallRecord = {
    callId: r.call_id,
    direction: r.direction,
    channel: r.channel,
    trunk: r.trunk,
    fromMasked: r.from_masked,
    toMasked: r.to_masked,
    fromHash: r.from_hash,
    toHash: r.to_hash,
    firstAt: r.first_at,
    startedAt: r.started_at,
    ringingAt: r.ringing_at,
    answeredAt: r.answered_at,
    endedAt: r.ended_at,
    status: r.status,
    sipCode: r.sip_code,
    q850: r.q850,
    reason: r.reason_eff,
    hangupBy: r.hangup_by,
    durationMs: r.duration_ms,
    talkMs: r.talk_ms,
    pddMs: r.pdd_ms,
    transcript: r.transcript === 1,
    mos: r.mos,
    jitterMs: r.jitter_ms,
    lossPercent: r.loss_percent,
    rttMs: r.rtt_ms,
    closedByCleanup: r.closed_by_cleanup === 1,
  };
  // Raw numbers only leave the store when the caller asked and the operator stores them.
  if (reveal) {
    if (r.from_raw !== null) rec.from = r.from_raw;
    if (r.to_raw !== null) rec.to = r.to_raw;
  }
  return rec;
}

export interface SmsRow {
  id: number;
  message_id: string;
  first_at: number;
  direction: Direction | null;
  gateway: string | null;
  segments: number | null;
  from_hash: string | null;
  from_masked: string | null;
  from_raw: string | null;
  to_hash: string | null;
  to_masked: string | null;
  to_raw: string | null;
  received_at: number | null;
  sent_at: number | null;
  delivered_at: number | null;
  failed_at: number | null;
  status: SmsStatus;
  status_code: number | null;
  failure_reason: SmsFailureReason | null;
  latency_ms: number | null;
}

export function toSmsRecord(r: SmsRow, reveal: boolean): SmsRecord {
  const rec: SmsRecord = {
    messageId: r.message_id,
    direction: r.direction,
    gateway: r.gateway,
    fromMasked: r.from_masked,
    toMasked: r.to_masked,
    fromHash: r.from_hash,
    toHash: r.to_hash,
    firstAt: r.first_at,
    receivedAt: r.received_at,
    sentAt: r.sent_at,
    deliveredAt: r.delivered_at,
    failedAt: r.failed_at,
    status: r.status,
    statusCode: r.status_code,
    failureReason: r.failure_reason,
    segments: r.segments,
    latencyMs: r.latency_ms,
  };
  if (reveal) {
    if (r.from_raw !== null) rec.from = r.from_raw;
    if (r.to_raw !== null) rec.to = r.to_raw;
  }
  return rec;
}

type Num = number | null;

function statusCounts<S extends string>(statuses: readonly S[], r: Record<string, Num>): Record<S, number> {
  const out = {} as Record<S, number>;
  for (const s of statuses) out[s] = Number(r[`s_${s}`] ?? 0);
  return out;
}

export function toBreakdown(
  rows: ReadonlyArray<{
    direction: string | null;
    channel: string | null;
    trunk: string | null;
    failure: string | null;
    n: number;
  }>,
): CallBreakdown {
  const out: CallBreakdown = { byDirection: {}, byChannel: {}, byTrunk: {}, byFailureReason: {} };
  const add = (m: Record<string, number>, k: string, n: number) => {
    m[k] = (m[k] ?? 0) + n;
  };
  for (const r of rows) {
    add(out.byDirection, r.direction ?? 'unknown', r.n);
    add(out.byChannel, r.channel ?? 'unknown', r.n);
    add(out.byTrunk, r.trunk ?? 'unknown', r.n);
    if (r.failure !== null) add(out.byFailureReason, r.failure, r.n);
  }
  return out;
}

export function toSmsStats(r: Record<string, Num>): SmsStats {
  const nul = (k: string) => (r[k] === null || r[k] === undefined ? null : Number(r[k]));
  return {
    total: Number(r.total ?? 0),
    inbound: Number(r.inbound ?? 0),
    outbound: Number(r.outbound ?? 0),
    byStatus: statusCounts(SMS_STATUSES, r),
    latencyCount: Number(r.lat_count ?? 0),
    latencyMsAvg: nul('lat_avg'),
    latencyMsP50: nul('lat_p50'),
    latencyMsP95: nul('lat_p95'),
    latencyMsMax: nul('lat_max'),
  };
}
