/**
 * The call record's columns, declared once (issue 49: they were listed in call-rows.ts,
 * upsert-sql.ts and analytics/export.ts, each kept equal to the others by hand). Each column says
 * its type (and so its SQL type in each backend and its array type in PostgreSQL's batch upsert),
 * what fills it (an update kind's upsert with its merge rule, the schema as a generated column,
 * or the store), whether the reads select it and how the row codec decodes it, and the export
 * columns it gives. Derived from it: the upserts (records/upsert-sql.ts), the column list the reads
 * select and the row codec's positions (records/call-rows.ts), PostgreSQL's array types
 * (postgres/statements.ts) and the export's columns (analytics/export.ts).
 *
 * The schemas themselves are the migrations' text, frozen once released (sqlite/migrations.ts,
 * postgres/sql.ts): test/store/call-columns.e2e.test.ts holds this table to the schema the
 * migrations build in both backends. A new column is a migration and a row here.
 */
import { InternalError } from '../../errors.js';
import { maxOf, minOf, pick, pickNumberColumn } from './merge-sql.js';

/** A column's type; {@link SQL_TYPES} gives its SQL type in each backend. */
export type ColumnType = 'text' | 'int' | 'bigint' | 'real';

/**
 * SQL types as each backend reports them (SQLite's declared type, PostgreSQL's
 * information_schema `data_type`), and the element type of PostgreSQL's array parameters.
 * DOUBLE PRECISION, not REAL, in PostgreSQL: its REAL is 4 bytes, SQLite's 8.
 */
export const SQL_TYPES: Record<ColumnType, { sqlite: string; pg: string; pgArray: string }> = {
  text: { sqlite: 'TEXT', pg: 'text', pgArray: 'text' },
  int: { sqlite: 'INTEGER', pg: 'integer', pgArray: 'int4' },
  bigint: { sqlite: 'INTEGER', pg: 'bigint', pgArray: 'int8' },
  real: { sqlite: 'REAL', pg: 'double precision', pgArray: 'float8' },
};

/**
 * The upserts, one per update kind, in the order of the combined upsert's columns (a `media`
 * update with a stream fills `streams` too, records/writes.ts). `present`: the condition on
 * `excluded` under which a combined row holds that kind (records/upsert-sql.ts); `also`: SETs
 * besides the kind's columns.
 */
export const UPSERT_KINDS = {
  started: {},
  ringing: {},
  answered: {},
  // A real `ended` replaces what zombie cleanup guessed.
  ended: { present: 'excluded.ended_at IS NOT NULL', also: ['closed_by_cleanup = 0'] },
  transcript: { present: 'excluded.transcript = 1' },
  media: {},
  streams: {},
  agent: { present: 'excluded.agent_turns IS NOT NULL' },
  flow: { present: 'excluded.sip_flow IS NOT NULL' },
  amd: { present: 'excluded.amd_at IS NOT NULL' },
  cost: { present: 'excluded.cost_reports IS NOT NULL' },
} as const satisfies Record<string, { present?: string; also?: readonly string[] }>;
export type UpsertKind = keyof typeof UPSERT_KINDS;

/** How the row codec (records/call-rows.ts) reads a selected value. */
export type Decode = 'value' | 'flag' | 'json' | 'turn-list' | 'kpi';

export interface CallColumn {
  name: string;
  type: ColumnType;
  /**
   * What fills it: an update kind's upsert, with its merge rule (`merge(name)` is the SET; `value`
   * a literal inserted instead of a parameter); `key` (call_id and first_at, every upsert);
   * `generated` (the schema computes it); `store` (the identity, zombie cleanup, PostgreSQL's
   * defaults and filing).
   */
  fill: { kind: UpsertKind; merge: (c: string) => string; value?: string } | 'key' | 'generated' | 'store';
  /** Selected by the reads (records/call-rows.ts), decoded so. */
  read?: Decode;
  /** The export columns it gives, in export order (analytics/export.ts). */
  export?: readonly string[];
  /** Only in PostgreSQL's schema. */
  pgOnly?: true;
}

const STARTED_EARLIER = '(o.started_at IS NULL OR excluded.started_at < o.started_at)';
// A real `ended` replaces what zombie cleanup guessed; otherwise the earliest end wins.
const ENDED_EARLIER = '(o.ended_at IS NULL OR o.closed_by_cleanup = 1 OR excluded.ended_at < o.ended_at)';
const endField = (c: string) =>
  `${c} = CASE WHEN o.closed_by_cleanup = 1 THEN excluded.${c} WHEN ${ENDED_EARLIER} ` +
  `THEN COALESCE(excluded.${c}, o.${c}) ELSE COALESCE(o.${c}, excluded.${c}) END`;
// The summary with more turns (or as many, and no fewer interruptions) replaces the stored one
// whole: its percentiles belong with its counts. The sink sends a call's summary as it grows; its
// turn list only when it changed (past the list's bound it does not), so a null keeps it.
const AGENT_NEWER =
  '(o.agent_turns IS NULL OR excluded.agent_turns > o.agent_turns OR (excluded.agent_turns = o.agent_turns ' +
  'AND excluded.agent_interruptions >= o.agent_interruptions))';
const agentField = (c: string) => `${c} = CASE WHEN ${AGENT_NEWER} THEN excluded.${c} ELSE o.${c} END`;

// The call's cost so far as the sink sums it (sinks/call-costs.ts): the total folding more usage
// reports replaces the stored one whole (its parts belong with it); a repeat changes nothing.
const COST_NEWER = '(o.cost_reports IS NULL OR excluded.cost_reports > o.cost_reports)';
const costField = (c: string) => `${c} = CASE WHEN ${COST_NEWER} THEN excluded.${c} ELSE o.${c} END`;
// One detection per call is the rule; were there two, the earliest verdict is the call's.
const AMD_EARLIER = '(o.amd_at IS NULL OR excluded.amd_at < o.amd_at)';

const started = { kind: 'started', merge: (c: string) => pick(c, STARTED_EARLIER) } as const;
const cost = { kind: 'cost', merge: costField } as const;
const amd = { kind: 'amd', merge: (c: string) => pick(c, AMD_EARLIER) } as const;
const number = { kind: 'started', merge: (c: string) => pickNumberColumn(c, STARTED_EARLIER) } as const;
const ended = { kind: 'ended', merge: endField } as const;
const media = { kind: 'media', merge: maxOf } as const;
const agent = { kind: 'agent', merge: agentField } as const;

/**
 * Media per direction: the stream's column prefix (c2e = caller to callee, e2c = callee to caller,
 * MEDIA_STREAMS order), each column the worst value of that stream's reports (the lowest MOS,
 * highest jitter, loss and RTT); the codec first stored is kept.
 */
export const STREAM_PREFIXES = ['c2e', 'e2c'] as const;
const streamColumns = (p: (typeof STREAM_PREFIXES)[number], k: number): CallColumn[] => [
  // The stream's first column gives the export's `media` (both streams, JSON).
  {
    name: `${p}_mos`,
    type: 'real',
    fill: { kind: 'streams', merge: minOf },
    read: 'value',
    ...(k === 0 && { export: ['media'] }),
  },
  { name: `${p}_jitter_ms`, type: 'real', fill: { kind: 'streams', merge: maxOf }, read: 'value' },
  { name: `${p}_loss_percent`, type: 'real', fill: { kind: 'streams', merge: maxOf }, read: 'value' },
  { name: `${p}_rtt_ms`, type: 'real', fill: { kind: 'streams', merge: maxOf }, read: 'value' },
  {
    name: `${p}_codec`,
    type: 'text',
    fill: { kind: 'streams', merge: (c) => `${c} = COALESCE(o.${c}, excluded.${c})` },
    read: 'value',
  },
];

/**
 * Every column of `calls`, in the order the reads select them and the export lists what they
 * give. Within an update kind, the order of its columns in its upsert.
 */
export const CALL_COLUMNS: readonly CallColumn[] = [
  { name: 'id', type: 'bigint', fill: 'store', read: 'value' },
  { name: 'call_id', type: 'text', fill: 'key', read: 'value', export: ['call_id'] },
  // Records carry the instance that first wrote them: the connection's `sidetone.instance`
  // setting is the column default, so the shared upserts need no extra parameter.
  { name: 'instance', type: 'text', fill: 'store', pgOnly: true },
  // The day a record is filed under (postgres/partitions.ts), bound before the upsert's columns.
  { name: 'filed_day', type: 'bigint', fill: 'store', pgOnly: true },
  { name: 'first_at', type: 'bigint', fill: 'key', read: 'value' },
  { name: 'direction', type: 'text', fill: started, read: 'value', export: ['direction'] },
  { name: 'channel', type: 'text', fill: started, read: 'value', export: ['channel'] },
  { name: 'trunk', type: 'text', fill: started, read: 'value', export: ['trunk'] },
  // The end-to-end call a B2BUA leg belongs to (issue 53), hashed like call_id: the reads join a
  // call's legs on it (records/end-to-end.ts). Not exported: each export row is one leg.
  { name: 'end_to_end_id', type: 'text', fill: started, read: 'value' },
  { name: 'from_hash', type: 'text', fill: number, read: 'value' },
  // Masked, or raw where revealed (records/call-rows.ts).
  { name: 'from_masked', type: 'text', fill: number, read: 'value', export: ['from'] },
  { name: 'from_raw', type: 'text', fill: number, read: 'value' },
  { name: 'to_hash', type: 'text', fill: number, read: 'value' },
  { name: 'to_masked', type: 'text', fill: number, read: 'value', export: ['to'] },
  { name: 'to_raw', type: 'text', fill: number, read: 'value' },
  {
    name: 'started_at',
    type: 'bigint',
    fill: { kind: 'started', merge: minOf },
    read: 'value',
    export: ['started_at'],
  },
  {
    name: 'ringing_at',
    type: 'bigint',
    fill: { kind: 'ringing', merge: minOf },
    read: 'value',
    export: ['ringing_at'],
  },
  {
    name: 'answered_at',
    type: 'bigint',
    fill: { kind: 'answered', merge: minOf },
    read: 'value',
    export: ['answered_at'],
  },
  {
    name: 'ended_at',
    type: 'bigint',
    fill: {
      kind: 'ended',
      merge: (c) => `${c} = CASE WHEN ${ENDED_EARLIER} THEN excluded.${c} ELSE o.${c} END`,
    },
    read: 'value',
    export: ['ended_at'],
  },
  // What the end reported; the reads take `status` and `reason_eff`, derived from it by the
  // classifier (records/classifier-r1.ts).
  { name: 'end_status', type: 'text', fill: ended },
  { name: 'status', type: 'text', fill: 'generated', read: 'value', export: ['status'] },
  { name: 'sip_code', type: 'int', fill: ended, read: 'value', export: ['sip_code'] },
  { name: 'q850', type: 'int', fill: ended, read: 'value', export: ['q850'] },
  { name: 'reason', type: 'text', fill: ended },
  { name: 'reason_eff', type: 'text', fill: 'generated', read: 'value', export: ['reason'] },
  { name: 'kpi', type: 'int', fill: 'generated', read: 'kpi', export: ['outcome', 'effective'] },
  { name: 'hangup_by', type: 'text', fill: ended, read: 'value', export: ['hangup_by'] },
  { name: 'duration_ms', type: 'bigint', fill: 'generated', read: 'value', export: ['duration_ms'] },
  { name: 'talk_ms', type: 'bigint', fill: 'generated', read: 'value', export: ['talk_ms'] },
  { name: 'pdd_ms', type: 'bigint', fill: 'generated', read: 'value', export: ['pdd_ms'] },
  {
    name: 'transcript',
    type: 'int',
    fill: { kind: 'transcript', merge: (c) => `${c} = 1`, value: '1' },
    read: 'flag',
    export: ['transcript'],
  },
  // The call's worst media (any stream): the lowest MOS, highest jitter, loss and RTT.
  {
    name: 'mos',
    type: 'real',
    fill: {
      kind: 'media',
      merge: (c) =>
        `${c} = CASE WHEN o.${c} IS NULL OR excluded.${c} < o.${c} THEN excluded.${c} ELSE o.${c} END`,
    },
    read: 'value',
    export: ['mos'],
  },
  { name: 'jitter_ms', type: 'real', fill: media, read: 'value', export: ['jitter_ms'] },
  { name: 'loss_percent', type: 'real', fill: media, read: 'value', export: ['loss_percent'] },
  { name: 'rtt_ms', type: 'real', fill: media, read: 'value', export: ['rtt_ms'] },
  // Set by zombie cleanup (CLOSE_ZOMBIES), cleared by a real `ended` (UPSERT_KINDS.ended).
  { name: 'closed_by_cleanup', type: 'int', fill: 'store', read: 'flag' },
  // The voice agent's summary, in TurnSummary order.
  { name: 'agent_turns', type: 'int', fill: agent, read: 'value', export: ['agent_turns'] },
  {
    name: 'agent_silence_p50_ms',
    type: 'real',
    fill: agent,
    read: 'value',
    export: ['agent_silence_p50_ms'],
  },
  {
    name: 'agent_silence_p95_ms',
    type: 'real',
    fill: agent,
    read: 'value',
    export: ['agent_silence_p95_ms'],
  },
  { name: 'agent_interruptions', type: 'int', fill: agent, read: 'value', export: ['agent_interruptions'] },
  { name: 'agent_dead_air', type: 'int', fill: agent, read: 'value', export: ['agent_dead_air'] },
  { name: 'agent_talk_ms', type: 'real', fill: agent, read: 'value', export: ['agent_talk_ms'] },
  {
    name: 'agent_listen_ms',
    type: 'real',
    fill: agent,
    read: 'value',
    export: ['agent_listen_ms', 'agent_talk_listen_ratio'],
  },
  // The longest flow given wins (a repeat or a second emission converges): length() in both SQL dialects.
  {
    name: 'sip_flow',
    type: 'text',
    fill: {
      kind: 'flow',
      merge: (c) =>
        `${c} = CASE WHEN o.${c} IS NULL OR length(excluded.${c}) > length(o.${c}) THEN excluded.${c} ELSE o.${c} END`,
    },
    read: 'json',
    export: ['sip_flow'],
  },
  ...STREAM_PREFIXES.flatMap(streamColumns),
  {
    name: 'agent_turn_list',
    type: 'text',
    fill: {
      kind: 'agent',
      merge: (c) =>
        `${c} = CASE WHEN ${AGENT_NEWER} AND excluded.${c} IS NOT NULL THEN excluded.${c} ELSE o.${c} END`,
    },
    read: 'turn-list',
    export: ['turns'],
  },
  // Issue 52: who answered (the answering-machine verdict) and what the call cost. The export's
  // `human_connect` and `cost_carrier` are derived on read (records/call-rows.ts).
  { name: 'amd_category', type: 'text', fill: amd, read: 'value', export: ['amd', 'human_connect'] },
  { name: 'amd_at', type: 'bigint', fill: amd },
  { name: 'cost_currency', type: 'text', fill: cost, read: 'value', export: ['cost_currency', 'cost_total'] },
  { name: 'cost_ai', type: 'real', fill: cost, read: 'value' },
  { name: 'cost_llm', type: 'real', fill: cost, read: 'value', export: ['cost_llm'] },
  { name: 'cost_stt', type: 'real', fill: cost, read: 'value', export: ['cost_stt'] },
  { name: 'cost_tts', type: 'real', fill: cost, read: 'value', export: ['cost_tts'] },
  // The carrier's price for the call's trunk, fixed when it started (the price file then).
  { name: 'carrier_currency', type: 'text', fill: started, read: 'value' },
  { name: 'carrier_per_minute', type: 'real', fill: started, read: 'value', export: ['cost_carrier'] },
  { name: 'carrier_increment_s', type: 'int', fill: started, read: 'value' },
  { name: 'cost_reports', type: 'int', fill: cost },
  { name: 'cost_unpriced', type: 'int', fill: cost, read: 'value', export: ['cost_unpriced'] },
];

/** The column named `name`; throws for a name the table lacks (a typo fails at load, not in SQL). */
export function callColumn(name: string): CallColumn {
  const c = CALL_COLUMNS.find((x) => x.name === name);
  if (c === undefined) throw new InternalError(`the call column table has no column ${name}`);
  return c;
}

/** The columns an update kind's upsert inserts (after `call_id, first_at`), in table order. */
export const upsertColumns = (kind: UpsertKind): CallColumn[] =>
  CALL_COLUMNS.filter((c) => typeof c.fill === 'object' && c.fill.kind === kind);

/** The columns the reads select, in the order of the row they give. */
export const CALL_READ_COLUMNS: readonly string[] = CALL_COLUMNS.filter((c) => c.read !== undefined).map(
  (c) => c.name,
);

/** The export columns the stored columns give, in export order (analytics/export.ts adds the rest). */
export const CALL_EXPORT_COLUMNS: readonly string[] = CALL_COLUMNS.flatMap((c) => c.export ?? []);

/** The voice agent's summary columns, in TurnSummary order. */
export const AGENT_COLUMNS: readonly string[] = upsertColumns('agent')
  .map((c) => c.name)
  .filter((c) => c !== 'agent_turn_list');
/** Every stream's columns, STREAM_PREFIXES order. */
export const STREAM_COLUMNS: readonly string[] = upsertColumns('streams').map((c) => c.name);
