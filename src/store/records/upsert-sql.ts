/**
 * The write statements every SQL backend runs, in SQL that SQLite and PostgreSQL both accept:
 * positional `?` parameters (the PostgreSQL backend numbers them), the stored row aliased `o`
 * (PostgreSQL rejects a bare column in `DO UPDATE SET` as ambiguous with `excluded`), and CASE
 * where SQLite would use its two-argument MIN. Upserts are written so that updates commute: times
 * take the earliest report, descriptive fields come from the earliest event that carries them
 * (`pick`), media keeps the worst value seen.
 */

/** `col` := the earlier of old and new, either may be null. */
const minOf = (c: string) =>
  `${c} = CASE WHEN excluded.${c} IS NOT NULL AND (o.${c} IS NULL OR excluded.${c} < o.${c}) THEN excluded.${c} ELSE o.${c} END`;
const maxOf = (c: string) =>
  `${c} = CASE WHEN excluded.${c} IS NOT NULL AND (o.${c} IS NULL OR excluded.${c} > o.${c}) THEN excluded.${c} ELSE o.${c} END`;
/** `col` := the new value if the new event is earlier (`earlier`), else keep; never overwrite with null. */
const pick = (c: string, earlier: string) =>
  `${c} = CASE WHEN ${earlier} THEN COALESCE(excluded.${c}, o.${c}) ELSE COALESCE(o.${c}, excluded.${c}) END`;
/** The three columns of a number move together, so hash, mask and raw always describe one number. */
const pickNumber = (p: string, earlier: string) =>
  ['hash', 'masked', 'raw'].map(
    (s) =>
      `${p}_${s} = CASE WHEN o.${p}_hash IS NULL OR (${earlier} AND excluded.${p}_hash IS NOT NULL) ` +
      `THEN excluded.${p}_${s} ELSE o.${p}_${s} END`,
  );
const firstAt =
  'first_at = CASE WHEN excluded.first_at < o.first_at THEN excluded.first_at ELSE o.first_at END';
const NUMBER_COLUMNS = ['from', 'to'].flatMap((p) => ['hash', 'masked', 'raw'].map((s) => `${p}_${s}`));

/**
 * One call update kind: the columns it inserts after `call_id, first_at` (each a `?` unless given
 * in `values`), and how it merges into a stored row. `present`, where set, is the condition on
 * `excluded` under which the update is in a row: a combined row (a batch puts several kinds in one
 * row) runs those rules only then, as they would not hold for a missing update.
 */
export interface CallUpsert {
  columns: readonly string[];
  values?: readonly string[];
  sets: readonly string[];
  present?: string;
}

const STARTED_EARLIER = '(o.started_at IS NULL OR excluded.started_at < o.started_at)';
// A real `ended` replaces what zombie cleanup guessed; otherwise the earliest end wins.
const ENDED_EARLIER = '(o.ended_at IS NULL OR o.closed_by_cleanup = 1 OR excluded.ended_at < o.ended_at)';
const endField = (c: string) =>
  `${c} = CASE WHEN o.closed_by_cleanup = 1 THEN excluded.${c} WHEN ${ENDED_EARLIER} ` +
  `THEN COALESCE(excluded.${c}, o.${c}) ELSE COALESCE(o.${c}, excluded.${c}) END`;

/** A call's voice-agent summary, in TurnSummary order. */
export const AGENT_COLUMNS = [
  'agent_turns',
  'agent_silence_p50_ms',
  'agent_silence_p95_ms',
  'agent_interruptions',
  'agent_dead_air',
  'agent_talk_ms',
  'agent_listen_ms',
] as const;
/**
 * Media per direction: the stream's column prefix (c2e = caller to callee, e2c = callee to caller,
 * MEDIA_STREAMS order) and its columns, each the worst value of that stream's reports.
 */
export const STREAM_PREFIXES = ['c2e', 'e2c'] as const;
const STREAM_FIELDS = ['mos', 'jitter_ms', 'loss_percent', 'rtt_ms', 'codec'] as const;
export const STREAM_COLUMNS = STREAM_PREFIXES.flatMap((p) => STREAM_FIELDS.map((f) => `${p}_${f}`));
const AGENT_NEWER =
  '(o.agent_turns IS NULL OR excluded.agent_turns > o.agent_turns OR (excluded.agent_turns = o.agent_turns ' +
  'AND excluded.agent_interruptions >= o.agent_interruptions))';

export const CALL_UPSERTS = {
  started: {
    columns: ['started_at', 'direction', 'channel', 'trunk', ...NUMBER_COLUMNS],
    sets: [
      minOf('started_at'),
      ...['direction', 'channel', 'trunk'].map((c) => pick(c, STARTED_EARLIER)),
      ...pickNumber('from', STARTED_EARLIER),
      ...pickNumber('to', STARTED_EARLIER),
    ],
  },
  ringing: { columns: ['ringing_at'], sets: [minOf('ringing_at')] },
  answered: { columns: ['answered_at'], sets: [minOf('answered_at')] },
  ended: {
    columns: ['ended_at', 'end_status', 'sip_code', 'q850', 'reason', 'hangup_by'],
    sets: [
      `ended_at = CASE WHEN ${ENDED_EARLIER} THEN excluded.ended_at ELSE o.ended_at END`,
      ...['end_status', 'sip_code', 'q850', 'reason', 'hangup_by'].map(endField),
      'closed_by_cleanup = 0',
    ],
    present: 'excluded.ended_at IS NOT NULL',
  },
  transcript: {
    columns: ['transcript'],
    values: ['1'],
    sets: ['transcript = 1'],
    present: 'excluded.transcript = 1',
  },
  media: {
    columns: ['mos', 'jitter_ms', 'loss_percent', 'rtt_ms'],
    sets: [
      'mos = CASE WHEN o.mos IS NULL OR excluded.mos < o.mos THEN excluded.mos ELSE o.mos END',
      maxOf('jitter_ms'),
      maxOf('loss_percent'),
      maxOf('rtt_ms'),
    ],
  },
  // A media report with a stream also fills that stream's columns (in the same row: `media`'s
  // fill writes them); not part of UPSERT_MEDIA, which schema-3 stores replay. Worst value kept
  // per column (the lowest MOS, highest jitter, loss and RTT); the codec first stored is kept.
  streams: {
    columns: STREAM_COLUMNS,
    sets: STREAM_PREFIXES.flatMap((p) => [
      minOf(`${p}_mos`),
      maxOf(`${p}_jitter_ms`),
      maxOf(`${p}_loss_percent`),
      maxOf(`${p}_rtt_ms`),
      `${p}_codec = COALESCE(o.${p}_codec, excluded.${p}_codec)`,
    ]),
  },
  // The summary with more turns (or as many, and no fewer interruptions) replaces the stored one
  // whole: its percentiles belong with its counts. The sink sends a call's summary as it grows;
  // its turn list only when it changed (past the list's bound it does not), so a null keeps it.
  agent: {
    columns: [...AGENT_COLUMNS, 'agent_turn_list'],
    sets: [
      ...AGENT_COLUMNS.map((c) => `${c} = CASE WHEN ${AGENT_NEWER} THEN excluded.${c} ELSE o.${c} END`),
      `agent_turn_list = CASE WHEN ${AGENT_NEWER} AND excluded.agent_turn_list IS NOT NULL THEN excluded.agent_turn_list ELSE o.agent_turn_list END`,
    ],
    present: 'excluded.agent_turns IS NOT NULL',
  },
  // The longest flow given wins (a repeat or a second emission converges): length() in both SQL dialects.
  flow: {
    columns: ['sip_flow'],
    sets: [
      'sip_flow = CASE WHEN o.sip_flow IS NULL OR length(excluded.sip_flow) > length(o.sip_flow) THEN excluded.sip_flow ELSE o.sip_flow END',
    ],
    present: 'excluded.sip_flow IS NOT NULL',
  },
} as const satisfies Record<string, CallUpsert>;

/** `INSERT ... ON CONFLICT DO UPDATE` of one kind; the stored row's `first_at` keeps the earliest. */
function callUpsert(u: CallUpsert): string {
  const values = u.values ?? u.columns.map(() => '?');
  return `INSERT INTO calls AS o (call_id, first_at, ${u.columns.join(', ')})
  VALUES (?, ?, ${values.join(', ')})
  ON CONFLICT (call_id) DO UPDATE SET ${firstAt}, ${u.sets.join(', ')}`;
}

export const UPSERT_STARTED = callUpsert(CALL_UPSERTS.started);
export const UPSERT_RINGING = callUpsert(CALL_UPSERTS.ringing);
export const UPSERT_ANSWERED = callUpsert(CALL_UPSERTS.answered);
export const UPSERT_ENDED = callUpsert(CALL_UPSERTS.ended);
export const UPSERT_TRANSCRIPT = callUpsert(CALL_UPSERTS.transcript);
export const UPSERT_MEDIA = callUpsert(CALL_UPSERTS.media);

/**
 * Every kind in one statement, what batches run in both backends: one row per call carries up to
 * one update of each kind. A kind's rules run only where its update is present (`present`), or
 * tolerate its absence (null `excluded` values keep the stored ones). The kinds write disjoint
 * columns (and `first_at` takes the minimum), so one combined row gives what its updates one by
 * one give.
 */
function combinedCallUpsert(): { columns: string[]; sets: string[] } {
  const columns = ['call_id', 'first_at'];
  const sets = [firstAt];
  for (const u of Object.values(CALL_UPSERTS) as CallUpsert[]) {
    columns.push(...u.columns);
    for (const set of u.sets) {
      if (u.present === undefined) sets.push(set);
      else {
        const [column, rule] = [set.slice(0, set.indexOf(' = ')), set.slice(set.indexOf(' = ') + 3)];
        sets.push(`${column} = CASE WHEN ${u.present} THEN ${rule} ELSE o.${column} END`);
      }
    }
  }
  return { columns, sets };
}

export const COMBINED_CALL = combinedCallUpsert();
/** The combined upsert, one row of `?` (SQLite runs it once per row; PostgreSQL unnests arrays). */
export const UPSERT_CALL_COMBINED = `INSERT INTO calls AS o (${COMBINED_CALL.columns.join(', ')})
  VALUES (${COMBINED_CALL.columns.map(() => '?').join(', ')})
  ON CONFLICT (call_id) DO UPDATE SET ${COMBINED_CALL.sets.join(', ')}`;

// --- SMS -------------------------------------------------------------------------------------

/**
 * A submission a delivery report may still be matched to (by its reference on its gateway): outbound,
 * referenced, sent, and without a final outcome. SQLite's lookup (sqlite/sql.ts) and PostgreSQL's
 * `sms_pending` (postgres/partitions.ts) both take it from here; `r` is the row's alias.
 */
export const smsPending = (r: string) =>
  `${r}.direction = 'outbound' AND ${r}.reference IS NOT NULL AND ${r}.sent_at IS NOT NULL
    AND ${r}.delivered_at IS NULL AND ${r}.failed_at IS NULL`;

/**
 * A submission awaiting its delivery report (domain/standards/sms.ts `awaitsReport`, the one
 * definition the metric, the console and `sidetone sms` share): one a report may still be matched
 * to, sent after `since` (now - REPORT_WAIT_MS, a bound parameter). test/contract/sms-awaiting.test.ts
 * holds this to `awaitsReport`.
 */
export const smsAwaiting = (r: string, since: string) => `${smsPending(r)} AND ${r}.sent_at > ${since}`;

const smsOrigin = (c: string, direction: string) => {
  const earlier = `(o.${c} IS NULL OR excluded.${c} < o.${c})`;
  return `INSERT INTO sms AS o (message_id, first_at, ${c}, direction, gateway, segments,
    from_hash, from_masked, from_raw, to_hash, to_masked, to_raw, reference)
  VALUES (?, ?, ?, '${direction}', ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (message_id) DO UPDATE SET ${firstAt}, ${minOf(c)},
    direction = COALESCE(o.direction, excluded.direction),
    ${pick('gateway', earlier)}, ${pick('segments', earlier)}, reference = COALESCE(o.reference, excluded.reference),
    ${[...pickNumber('from', earlier), ...pickNumber('to', earlier)].join(', ')}`;
};
export const UPSERT_SMS_RECEIVED = smsOrigin('received_at', 'inbound');
export const UPSERT_SMS_SENT = smsOrigin('sent_at', 'outbound');

/** Rank of the outcome a row already holds: a report's code is kept from the most final outcome. */
const SMS_RANK = `(CASE WHEN o.delivered_at IS NOT NULL THEN 4 WHEN o.failed_at IS NOT NULL THEN 3
  WHEN o.pending_at IS NOT NULL THEN 2 WHEN o.unknown_at IS NOT NULL THEN 1 ELSE 0 END)`;
/** Last param: the rank of this report's outcome (delivered 4, failed 3, pending 2, unknown 1). */
export const UPSERT_SMS_REPORT = `INSERT INTO sms AS o (message_id, first_at, direction, delivered_at, failed_at,
    pending_at, unknown_at, status_code, failure_reason)
  VALUES (?, ?, 'outbound', ?, ?, ?, ?, ?, ?)
  ON CONFLICT (message_id) DO UPDATE SET ${firstAt}, direction = COALESCE(o.direction, excluded.direction),
    ${['delivered_at', 'failed_at', 'pending_at', 'unknown_at'].map(minOf).join(', ')},
    status_code = CASE WHEN ? > ${SMS_RANK} THEN COALESCE(excluded.status_code, o.status_code)
      ELSE COALESCE(o.status_code, excluded.status_code) END,
    failure_reason = COALESCE(o.failure_reason, excluded.failure_reason)`;
