/** An SMS's row as both backends select it (a tuple, in SMS_COLUMN_LIST order), its record and the SMS stats. */
import { SMS_STATUSES, type SmsStatus } from '../../domain/records.js';
import type { Direction, SmsFailureReason } from '../../domain/vocab.js';
import type { SmsRecord, SmsStats } from '../types.js';
import type { N, S } from './call-rows.js';

export const SMS_COLUMN_LIST = [
  'id',
  'message_id',
  'first_at',
  'direction',
  'gateway',
  'segments',
  'from_hash',
  'from_masked',
  'from_raw',
  'to_hash',
  'to_masked',
  'to_raw',
  'received_at',
  'sent_at',
  'delivered_at',
  'failed_at',
  'status',
  'status_code',
  'failure_reason',
  'latency_ms',
] as const;

export type SmsTuple = [
  id: number,
  messageId: string,
  firstAt: number,
  direction: Direction | null,
  gateway: S,
  segments: N,
  fromHash: S,
  fromMasked: S,
  fromRaw: S,
  toHash: S,
  toMasked: S,
  toRaw: S,
  receivedAt: N,
  sentAt: N,
  deliveredAt: N,
  failedAt: N,
  status: SmsStatus,
  statusCode: N,
  failureReason: SmsFailureReason | null,
  latencyMs: N,
];

/** A message's record from its row; `ids` as {@link toCallRecord}'s, for its message id. */
export function toSmsRecord(row: SmsTuple, reveal: boolean, ids?: (id: string) => string): SmsRecord {
  const [
    ,
    messageId,
    firstAt,
    direction,
    gateway,
    segments,
    fromHash,
    fromMasked,
    fromRaw,
    toHash,
    toMasked,
    toRaw,
    receivedAt,
    sentAt,
    deliveredAt,
    failedAt,
    status,
    statusCode,
    failureReason,
    latencyMs,
  ] = row;
  const rec: SmsRecord = {
    messageId: ids === undefined ? messageId : ids(messageId),
    direction,
    gateway,
    fromMasked,
    toMasked,
    fromHash,
    toHash,
    firstAt,
    receivedAt,
    sentAt,
    deliveredAt,
    failedAt,
    status,
    statusCode,
    failureReason,
    segments,
    latencyMs,
  };
  if (reveal) {
    if (fromRaw !== null) rec.from = fromRaw;
    if (toRaw !== null) rec.to = toRaw;
  }
  return rec;
}

type Num = N;

function statusCounts<S extends string>(statuses: readonly S[], r: Record<string, Num>): Record<S, number> {
  const out = {} as Record<S, number>;
  for (const s of statuses) out[s] = Number(r[`s_${s}`] ?? 0);
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
    awaiting: Number(r.awaiting ?? 0),
    oldestAwaitingAt: nul('oldest_awaiting'),
  };
}
