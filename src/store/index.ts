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

// The record vocabularies live in domain/ (one list per concept); their types are published here
// under the store's names.
export type { SmsOutcome } from '../domain/labels.js';
export type {
  CallStatus,
  EndStatus,
  FailureReason,
  HangupParty as HangupBy,
  SmsStatus,
  StoredChannel as Channel,
} from '../domain/records.js';
export type { Direction, SmsFailureReason } from '../domain/vocab.js';
export {
  type MaintenanceOptions,
  type MaintenanceResult,
  runMaintenance,
  type StopMaintenance,
  startMaintenance,
} from './maintenance.js';
export type { PrivacyConfig, ProtectedNumber, RecordKind } from './privacy.js';
export { openSqliteCallStore, type SqliteCallStore, type SqliteCallStoreOptions } from './sqlite/store.js';
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
