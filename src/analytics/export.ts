/**
 * Streamed export of a period's calls as CSV (RFC 4180) or a JSON array. Memory stays constant:
 * the store pages rows out, and rows are batched into string chunks of ~64 KiB.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { CallOutcome } from '../domain/labels.js';
import { showValue, ValidationError } from '../errors.js';
import { CALL_EXPORT_COLUMNS } from '../store/records/call-columns.js';
import type { CallRecord, CallStore } from '../store/types.js';
import { checkRange } from '../store/validate.js';
import { voiceSkillKeys } from './failures.js';
import { type MediaDirectionRow, mediaRows, type TurnRowOut, turnRows } from './media-turns.js';
import { type SipFlowStep, sipFlowSteps } from './sip-flow.js';

export type ExportFormat = 'csv' | 'json';

/**
 * What an export gives when asked for nothing else: the openai-voice-skill's defaults (a JSON
 * array of the last 30 days), for `GET /metrics/export` and `sidetone export` alike.
 */
export const EXPORT_DEFAULTS: { readonly format: ExportFormat; readonly days: number } = {
  format: 'json',
  days: 30,
};

export interface ExportOptions {
  from: number;
  to: number;
  format: ExportFormat;
  /** Raw numbers instead of masked ones; honoured only when the store keeps raw numbers. */
  reveal?: boolean;
  /** Target chunk size in characters (default 65536). */
  chunkChars?: number;
}

/**
 * Rows read from the store at a time, and the longest stretch of rows turned into text without
 * letting the event loop turn. A page of 1000 rows (the store's default) was one uninterrupted
 * run, ~40-60 ms here; 20 exports each ran one in the same loop turn and held /healthz 3.6 s
 * (issue 47). 200 rows and a 5 ms slice keep an export's share of a turn under ~10 ms.
 */
const EXPORT_PAGE_ROWS = 100;
const EXPORT_SLICE_MS = 3;

/** Exported row, in column order. Times are ISO 8601 UTC; `from`/`to` are masked unless revealed. */
export interface ExportRow {
  call_id: string;
  direction: string | null;
  channel: string | null;
  trunk: string | null;
  from: string | null;
  to: string | null;
  started_at: string | null;
  ringing_at: string | null;
  answered_at: string | null;
  ended_at: string | null;
  status: string;
  sip_code: number | null;
  q850: number | null;
  reason: string | null;
  outcome: string | null;
  effective: boolean;
  hangup_by: string | null;
  duration_ms: number | null;
  talk_ms: number | null;
  pdd_ms: number | null;
  transcript: boolean;
  mos: number | null;
  jitter_ms: number | null;
  loss_percent: number | null;
  rtt_ms: number | null;
  /** The voice agent's half of the call (null without agent turns): turns, heard silence, interruptions. */
  agent_turns: number | null;
  agent_silence_p50_ms: number | null;
  agent_silence_p95_ms: number | null;
  agent_interruptions: number | null;
  /** Turns whose caller waited past `voiceai.dead_air_seconds`. */
  agent_dead_air: number | null;
  /** Agent speech and caller speech (the agent listening), and their ratio. */
  agent_talk_ms: number | null;
  agent_listen_ms: number | null;
  agent_talk_listen_ratio: number | null;
  /** The SIP ladder captured for the call (failed calls and a sample of others); null when none. In CSV, JSON text. */
  sip_flow: SipFlowStep[] | null;
  /** Media per direction (the worst of each stream's reports); null when no report named a stream. In CSV, JSON text. */
  media: MediaDirectionRow[] | null;
  /** The voice agent's first 64 turns with their heard-silence segments; null without. In CSV, JSON text. */
  turns: TurnRowOut[] | null;
  /** The answering-machine verdict (human, machine-ivr, machine-vm, machine-unavailable, uncertain); null without one. */
  amd: string | null;
  /** Answered and a person on it: the numerator of an outbound campaign's human-connect rate. */
  human_connect: boolean;
  /** What the call cost (`voiceai.prices`), in this ISO 4217 currency; null when nothing was priced. */
  cost_currency: string | null;
  cost_total: number | null;
  /** The agent's providers by stage, and the carrier's minutes. */
  cost_llm: number | null;
  cost_stt: number | null;
  cost_tts: number | null;
  cost_carrier: number | null;
  /** Usage reports the price file had no price for (the total lacks them). */
  cost_unpriced: number | null;
  // The openai-voice-skill guide's keys of a call record, after sidetone's so the columns before
  // them keep their place (docs/compat/voice-skill.md).
  /** `direction`. */
  call_type: string | null;
  /** `from`, `to` as shown. */
  caller_number: string | null;
  callee_number: string | null;
  /** Start to end, s. */
  duration_seconds: number | null;
  /** A failed call's reason (`unknown` when none); null when the call did not fail. */
  failure_reason: string | null;
}

/**
 * The keys of the openai-voice-skill guide (docs/compat/voice-skill.md), after sidetone's own so the
 * columns before them keep their place.
 */
const VOICE_SKILL_COLUMNS = [
  'call_type',
  'caller_number',
  'callee_number',
  'duration_seconds',
  'failure_reason',
] as const satisfies readonly (keyof ExportRow)[];

/**
 * The export's columns, in order: those the call column table gives (records/call-columns.ts,
 * each stored column's export names in table order), then the guide's. test/analytics/export.test.ts
 * holds them to the keys of ExportRow as toExportRow builds it.
 */
export const EXPORT_COLUMNS: readonly (keyof ExportRow)[] = [
  ...(CALL_EXPORT_COLUMNS as readonly (keyof ExportRow)[]),
  ...VOICE_SKILL_COLUMNS,
];

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

export function toExportRow(c: CallRecord): ExportRow {
  const from = c.from ?? c.fromMasked;
  const to = c.to ?? c.toMasked;
  const a = c.agent;
  return {
    // The stored id: its keyed hash, unless the operator set store.reveal_call_ids.
    call_id: c.callId,
    direction: c.direction,
    channel: c.channel,
    trunk: c.trunk,
    from,
    to,
    started_at: iso(c.startedAt),
    ringing_at: iso(c.ringingAt),
    answered_at: iso(c.answeredAt),
    ended_at: iso(c.endedAt),
    status: c.status,
    sip_code: c.sipCode,
    q850: c.q850,
    reason: c.reason,
    outcome: c.outcome,
    effective: c.networkEffective,
    hangup_by: c.hangupBy,
    duration_ms: c.durationMs,
    talk_ms: c.talkMs,
    pdd_ms: c.pddMs,
    transcript: c.transcript,
    mos: c.mos,
    jitter_ms: c.jitterMs,
    loss_percent: c.lossPercent,
    rtt_ms: c.rttMs,
    agent_turns: a?.turns ?? null,
    agent_silence_p50_ms: a?.silenceP50Ms ?? null,
    agent_silence_p95_ms: a?.silenceP95Ms ?? null,
    agent_interruptions: a?.interruptions ?? null,
    agent_dead_air: a?.deadAir ?? null,
    agent_talk_ms: a?.agentTalkMs ?? null,
    agent_listen_ms: a?.callerTalkMs ?? null,
    agent_talk_listen_ratio: a?.talkListenRatio ?? null,
    sip_flow: sipFlowSteps(c),
    media: mediaRows(c),
    turns: turnRows(c),
    amd: c.amd,
    human_connect: c.humanConnect,
    cost_currency: c.cost?.currency ?? null,
    cost_total: c.cost?.total ?? null,
    cost_llm: c.cost?.llm ?? null,
    cost_stt: c.cost?.stt ?? null,
    cost_tts: c.cost?.tts ?? null,
    cost_carrier: c.cost?.carrier ?? null,
    cost_unpriced: c.cost?.unpricedReports ?? null,
    ...voiceSkillKeys(c, from, to),
  };
}

/** One leg of an end-to-end call on the API: its export row and which leg it is. */
export type LegRow = ExportRow & { leg: 'a' | 'b' };

/** An end-to-end call (a B2BUA's legs, store/records/end-to-end.ts) as the API and CLI give it. */
export interface EndToEndRow {
  /** As stored: the keyed hash of the correlation (the A leg's `call_id` when it is its Call-ID). */
  id: string;
  /** RFC 6076 outcome as the caller experienced it (src/domain/outcome/end-to-end.ts); null while active. */
  outcome: CallOutcome | null;
  failed_leg: 'a' | 'b' | null;
  /** The caller's PDD: the A leg's INVITE to its first 18x (RFC 6076 4.2). */
  pdd_ms: number | null;
  /** A first, then the B legs by start, each with its own outcome, PDD, media per direction and ladder. */
  legs: LegRow[];
}

/** One call as `GET /metrics/calls/:id` and `sidetone call` give it: its row, and its end-to-end call. */
export interface CallView {
  call: ExportRow;
  /** Only when other legs of the call are stored (`hep.leg_correlation`). */
  end_to_end?: EndToEndRow;
}

/**
 * The view of one call read by id.
 * @example toCallView(await store.getCall(id)).end_to_end?.failed_leg // 'b'
 */
export function toCallView(c: CallRecord): CallView {
  const view: CallView = { call: toExportRow(c) };
  const e = c.endToEnd;
  if (e !== undefined)
    view.end_to_end = {
      id: e.id,
      outcome: e.outcome,
      failed_leg: e.failedLeg,
      pdd_ms: e.pddMs,
      legs: e.legs.map((l) => ({ leg: l.leg, ...toExportRow(l) })),
    };
  return view;
}

/**
 * One CSV field: quoted when it holds a comma, quote, CR or LF (quotes doubled, RFC 4180).
 * Text a spreadsheet would run as a formula (`=`, `@`, tab, CR, or `+`/`-` not followed by a digit
 * or `*`) gets a leading `'`; masked numbers like `+1555***4567` pass unchanged.
 */
export function csvField(v: string | number | boolean | null): string {
  if (v === null) return '';
  if (typeof v !== 'string') return String(v);
  let s = v;
  if (/^[=@\t\r]|^[+-](?![\d*])/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvHeader = (): string => `${EXPORT_COLUMNS.join(',')}\r\n`;
export const csvLine = (r: ExportRow): string =>
  `${EXPORT_COLUMNS.map((k) => {
    const v = r[k];
    return csvField(Array.isArray(v) ? JSON.stringify(v) : v);
  }).join(',')}\r\n`;

/**
 * Stream the calls filed in `[from, to)` as CSV (header row, CRLF line ends) or a JSON array.
 *
 * @example
 * ```ts
 * import { Readable } from 'node:stream';
 * Readable.from(exportCalls(store, { from, to, format: 'csv' })).pipe(res); // back-pressure respected
 * ```
 */
export async function* exportCalls(store: CallStore, opts: ExportOptions): AsyncIterable<string> {
  checkRange(opts, 'ST_ANALYTICS_INVALID_RANGE');
  if (opts.format !== 'csv' && opts.format !== 'json') {
    throw new ValidationError(
      'ST_ANALYTICS_INVALID_FORMAT',
      `export format must be "csv" or "json", got ${showValue(opts.format)}`,
      [{ path: 'format', message: 'csv or json' }],
    );
  }
  const target = opts.chunkChars ?? 65_536;
  const csv = opts.format === 'csv';
  let buf = csv ? csvHeader() : '[';
  let first = true;
  let slice = performance.now();
  for await (const call of store.iterateCalls(
    { from: opts.from, to: opts.to, chunkSize: EXPORT_PAGE_ROWS },
    { reveal: opts.reveal === true },
  )) {
    if (performance.now() - slice > EXPORT_SLICE_MS) {
      await yieldToLoop();
      slice = performance.now();
    }
    const row = toExportRow(call);
    buf += csv ? csvLine(row) : `${first ? '\n' : ',\n'}${JSON.stringify(row)}`;
    first = false;
    if (buf.length >= target) {
      yield buf;
      buf = '';
    }
  }
  yield buf + (csv ? '' : '\n]\n');
}
