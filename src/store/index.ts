/**
 * Call- and SMS-record store: one record per call built from lifecycle updates, numbers kept as a
 * keyed hash plus a masked form, SQL aggregates for analytics, zombie cleanup and retention.
 *
 * @example
 * ```ts
 * import { openSqliteCallStore, startMaintenance } from 'sidetone/store';
 * const store = await openSqliteCallStore({ path: 'data/calls.db', privacy: { hashKey: process.env.HASH_KEY!, storeRaw: false } });
 * await store.apply({ kind: 'started', callId: 'c1', at: Date.now(), direction: 'outbound', channel: 'sip', to: '+15551234567' });
 * const stop = startMaintenance(store, { intervalMs: 60_000, maxActiveSeconds: 14_400, retentionDays: 90 });
 * ```
 */

// The record vocabularies live in domain/ (one list per concept); published here under the
// store's names.
export { SMS_OUTCOMES, type SmsOutcome } from '../domain/labels.js';
export {
  CALL_STATUSES,
  type CallStatus,
  type EndStatus,
  FAILURE_REASONS,
  type FailureReason,
  type HangupParty as HangupBy,
  SMS_STATUSES,
  type SmsStatus,
  STORED_CALL_CHANNELS as CALL_CHANNELS,
  type StoredChannel as Channel,
} from '../domain/records.js';
export {
  DIRECTIONS as CALL_DIRECTIONS,
  type Direction,
  HANGUP_PARTIES,
  SMS_FAILURE_REASONS,
  type SmsFailureReason,
} from '../domain/vocab.js';
export {
  deriveStatus,
  type EndFacts,
  effectiveReason,
  ISA_CODES,
  KPI_FLAG,
  type KpiFacts,
  kpiFlags,
  NER_CAUSES,
  outcomeOfBits,
  Q850_REASON,
  SEER_CODES,
  SIP_Q850_FOR_NER,
  SIP_ROWS,
} from './derive.js';
export {
  foldBreakdown,
  foldCallStats,
  foldOverview,
  foldSeries,
  type OverviewGroup,
  type SeriesGroup,
  type StatsGroup,
} from './fold.js';
export {
  type MaintenanceOptions,
  type MaintenanceResult,
  runMaintenance,
  type StopMaintenance,
  startMaintenance,
} from './maintenance.js';
export { LATEST_VERSION, MIGRATIONS, type Migration, migrate } from './migrations.js';
export {
  checkPrivacyConfig,
  hashNumber,
  isRecordRef,
  maskNumber,
  mayReveal,
  normaliseNumber,
  numberProtector,
  type PrivacyConfig,
  type ProtectedNumber,
  protectNumber,
  type RecordKind,
  recordIds,
} from './privacy.js';
export { openSqliteCallStore, SqliteCallStore, type SqliteCallStoreOptions } from './sqlite.js';
export type {
  Bucket,
  CallBreakdown,
  CallOverview,
  CallQuery,
  CallRecord,
  CallStats,
  CallStore,
  CallUpdate,
  CallUpdateKind,
  DeleteResult,
  KpiCounts,
  ModemHistoryQuery,
  ModemSample,
  ReadOptions,
  SeriesRow,
  SmsMatch,
  SmsRecord,
  SmsStats,
  SmsUpdate,
} from './types.js';
export { checkCallUpdate, checkRange, checkSmsUpdate } from './validate.js';
