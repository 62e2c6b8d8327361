/**
 * One call's dialog as the capture sees it, as data: a phase, a few facts kept as bits, an input per
 * captured message or fired deadline, and a transition table read by one pure step function, as
 * transaction.ts does for each leg. The call is the initial INVITE's attempt (RFC 3261 13): its
 * retries with credentials (22.2) and to a 3xx's target (8.1.3.4) are steps of the same attempt, and
 * RFC 6076 counts the call by its last final answer.
 *
 * The tracker (tracker.ts) reads each message into an input ({@link dialogInput}), asks
 * {@link dialogStep} for the row, and does the row's effects (the events, the deadline from
 * {@link dialogDue}); the table decides nothing by I/O and keeps nothing but the state it is given.
 * docs/sources/hep.md lists the table; test/sources/hep/dialog-table.test.ts tests each row.
 */

/**
 * `calling`: the INVITE only, nothing heard (timer B ends the call). `proceeding`: a provisional
 * heard. `waiting`: a 3xx, 401 or 407 waiting for the next INVITE of the attempt. `answered`: a 2xx.
 * `held`: answered, put on hold by an in-dialog offer (sendonly/inactive). `ended`: over.
 */
export const DIALOG_PHASES = ['calling', 'proceeding', 'waiting', 'answered', 'held', 'ended'] as const;
export type DialogPhaseName = (typeof DIALOG_PHASES)[number];
export const DIALOG = {
  calling: 0,
  proceeding: 1,
  waiting: 2,
  answered: 3,
  held: 4,
  ended: 5,
} as const satisfies Record<DialogPhaseName, number>;
export type DialogPhase = (typeof DIALOG)[DialogPhaseName];

/**
 * What happened to the call: a response to its current INVITE by kind (`success`: a 2xx, RFC 3261
 * 21.2; `challenge`: 401/407; `redirect`: 3xx; `failure`: any other 4xx-6xx), a request, or a deadline.
 * `retry`: an INVITE without To tag and a higher CSeq while a 3xx/401/407 waits for it. `hold` and
 * `resume`: an in-dialog INVITE or UPDATE whose SDP puts the call on hold or takes it off.
 * `timer B`: timer B fired on one of its INVITE legs. `follow-up`: the wait for the retry is over.
 * `media`: the media verdict is due (`media_timeout_ms` after the answer).
 */
export const DIALOG_INPUTS = [
  'provisional',
  'ringing',
  'success',
  'challenge',
  'redirect',
  'failure',
  'CANCEL',
  'BYE',
  'retry',
  'hold',
  'resume',
  'timer B',
  'follow-up',
  'media',
] as const;
export type DialogInputName = (typeof DIALOG_INPUTS)[number];
export const DIALOG_IN = {
  provisional: 0,
  ringing: 1,
  success: 2,
  challenge: 3,
  redirect: 4,
  failure: 5,
  CANCEL: 6,
  BYE: 7,
  retry: 8,
  hold: 9,
  resume: 10,
  'timer B': 11,
  'follow-up': 12,
  media: 13,
} as const satisfies Record<DialogInputName, number>;
export type DialogInput = (typeof DIALOG_IN)[DialogInputName];

/**
 * Facts of the call that are not its phase, as bits of {@link DialogState.flags}: `rung` (its one
 * `call.ringing` was emitted), `answered` (a 2xx was: stays once ended), `cancelled` (a CANCEL was
 * seen), `challenged` (the next final says whether the credentials were taken), `timedOut` (timer B
 * fired on one of its INVITE legs: its end says `timeout`).
 */
export const DIALOG_FLAG = { rung: 1, answered: 2, cancelled: 4, challenged: 8, timedOut: 16 } as const;

/** What the step reads: the phase and the facts. */
export interface DialogState {
  readonly phase: DialogPhase;
  readonly flags: number;
}

/** A row applies only when its guard holds on the call's facts; `-` always. */
export const DIALOG_GUARDS = ['-', 'not rung', 'not rung, answered', 'cancelled', 'not cancelled'] as const;
export type DialogGuard = (typeof DIALOG_GUARDS)[number];

/**
 * What a row does, in this order: the flag effects first (`cancel`, `time out`, `challenge`), then
 * the events (`auth result` reads the `challenged` bit before it is cleared).
 * - `ring`: `call.ringing` (ends the PDD, RFC 6076 4.4); sets `rung`.
 * - `auth result`: after a challenge, `sip.auth` success (403: failure); clears `challenged`.
 * - `answer`: `call.answered`, `sip.dialog_created`; sets `answered`; the media verdict is due.
 * - `challenge`: `sip.auth` challenge; sets `challenged`.
 * - `wait`: the call waits for the retry until {@link dialogDue}.
 * - `end`: `call.ended`, then the linger. `terminate`: `sip.dialog_terminated` (a BYE).
 * - `renumber`: the retry's CSeq is the attempt's INVITE from now on; the wait is over.
 * - `hold` / `resume`: `call.held` / `call.resumed`. `cancel`: sets `cancelled`.
 * - `time out`: sets `timedOut`. `judge media`: one-way audio or no media, while RTCP is captured.
 */
export const DIALOG_EFFECTS = [
  'cancel',
  'time out',
  'challenge',
  'auth result',
  'ring',
  'answer',
  'wait',
  'renumber',
  'hold',
  'resume',
  'judge media',
  'end',
  'terminate',
] as const;
export type DialogEffect = (typeof DIALOG_EFFECTS)[number];
/** Each effect's bit in {@link DialogRow.effects}. */
export const FX = Object.fromEntries(DIALOG_EFFECTS.map((e, i) => [e, 1 << i])) as Record<
  DialogEffect,
  number
>;

/** The deadline a row starts: the retry's wait (by the code waited on) or the media verdict. */
export type DialogDeadline = 'none' | 'challenge' | 'redirect' | 'media';

export interface DialogRow {
  readonly from: DialogPhase;
  readonly input: DialogInput;
  readonly guard: DialogGuard;
  readonly to: DialogPhase;
  /** The effects' names, in the order they are done. */
  readonly names: readonly DialogEffect[];
  /** The same as bits of {@link FX}: what the tracker tests on the hot path. */
  readonly effects: number;
  /** Bits of {@link DIALOG_FLAG} the row sets, then clears. */
  readonly set: number;
  readonly clear: number;
  readonly deadline: DialogDeadline;
  /** Why, with the clause. */
  readonly why: string;
}

/**
 * How long a challenged INVITE waits for its retry with credentials: the UA may have to ask its user
 * (a captured Grandstream phone took 32.5 s after a 407, research/sip aaa-sipps-cybercity). A 3xx
 * is followed by the UA itself, within timer B.
 */
export const CHALLENGE_WAIT_MS = 180_000;

const { calling, proceeding, waiting, answered, held, ended } = DIALOG;
const F = DIALOG_FLAG;

function row(
  from: DialogPhase,
  input: DialogInputName,
  guard: DialogGuard,
  to: DialogPhase,
  names: readonly DialogEffect[],
  why: string,
): DialogRow {
  let effects = 0;
  for (const n of names) effects |= FX[n];
  const has = (n: DialogEffect) => names.includes(n);
  const set =
    (has('ring') ? F.rung : 0) |
    (has('answer') ? F.answered : 0) |
    (has('cancel') ? F.cancelled : 0) |
    (has('challenge') ? F.challenged : 0) |
    (has('time out') ? F.timedOut : 0);
  const clear = has('auth result') ? F.challenged : 0;
  const deadline: DialogDeadline = has('answer')
    ? 'media'
    : has('wait')
      ? input === 'challenge'
        ? 'challenge'
        : 'redirect'
      : 'none';
  return { from, input: DIALOG_IN[input], guard, to, names, effects, set, clear, deadline, why };
}

/** The phases a call goes through before its answer, where a final decides its attempt. */
const OPEN = [calling, proceeding, waiting] as const;

/**
 * The table, first matching row wins within a (phase, input). A (phase, input) no row lists, or
 * whose guards all fail, keeps the phase and does nothing ({@link DIALOG_STAY}): a response after
 * the end, a second answer (another fork's 2xx), a final after the answer.
 */
// biome-ignore format: a table reads one row a line
export const DIALOG_TABLE: readonly DialogRow[] = [
  row(calling, 'provisional', '-', proceeding, [], '17.1.1.2: a provisional is heard; the call is no longer ended by timer B'),
  row(calling, 'ringing', 'not rung', proceeding, ['ring'], 'RFC 6076 4.4: the first 180/183 ends the PDD'),
  row(calling, 'ringing', '-', proceeding, [], 'the retried attempt rings again: one call.ringing a call'),
  row(proceeding, 'ringing', 'not rung', proceeding, ['ring'], 'RFC 6076 4.4: the first 180/183 ends the PDD'),
  row(waiting, 'ringing', 'not rung', waiting, ['ring'], '17.2.1: no provisional after a final: it was sent before (stamped late)'),
  row(answered, 'ringing', 'not rung', answered, ['ring'], '17.2.1: a 180 handed on after the 200 was sent before it; it rings no later than the answer'),
  row(held, 'ringing', 'not rung', held, ['ring'], '17.2.1: as answered'),
  row(ended, 'ringing', 'not rung, answered', ended, ['ring'], '17.2.1: an answered call rang before its answer, even when its 180 comes after the BYE'),
  ...OPEN.map((p) => row(p, 'success', '-', answered, ['auth result', 'answer'], '13.2.2.4: a 2xx answers the INVITE (after a 3xx of another fork too)')),
  ...OPEN.flatMap((p) => [
    row(p, 'challenge', 'not cancelled', waiting, ['challenge', 'wait'], '22.2: a 401/407 is a step of the attempt: wait for the retry with credentials'),
    row(p, 'challenge', 'cancelled', ended, ['auth result', 'end'], '9.1: a cancelled INVITE is not retried: its final ends it'),
    row(p, 'redirect', 'not cancelled', waiting, ['wait'], '8.1.3.4: a 3xx is a step of the attempt: wait for the INVITE to its new target'),
    row(p, 'redirect', 'cancelled', ended, ['auth result', 'end'], '9.1: a cancelled INVITE is not redirected: its final ends it'),
    row(p, 'failure', '-', ended, ['auth result', 'end'], '13.2.2.3: a 4xx-6xx ends the attempt (487 after a CANCEL: the caller ended it, 9.2)'),
  ]),
  ...[calling, proceeding, waiting, answered, held, ended].map((p) =>
    row(p, 'CANCEL', '-', p, ['cancel'], '9.1: a CANCEL changes no phase; the INVITE\'s final (487) says what it did')),
  ...[calling, proceeding, waiting, answered, held].map((p) =>
    row(p, 'BYE', '-', ended, ['end', 'terminate'], '15.1.1: a BYE ends the dialog (before the answer too: a lost 2xx)')),
  row(waiting, 'retry', '-', calling, ['renumber'], '22.2, 8.1.3.4: the retry is the same attempt, nothing heard of it yet'),
  row(ended, 'retry', '-', ended, ['renumber'], 'a retry after its wait ended the call: its responses are the attempt\'s, not refreshes'),
  row(answered, 'hold', '-', held, ['hold'], 'RFC 3264 8.4: sendonly/inactive puts the call on hold'),
  row(held, 'resume', '-', answered, ['resume'], 'RFC 3264 8.4: sendrecv again takes it off hold'),
  row(calling, 'timer B', '-', ended, ['time out', 'end'], '17.1.1.2: timer B fired and no leg heard anything: only the timer ends the call'),
  ...[proceeding, waiting, answered, held, ended].map((p) =>
    row(p, 'timer B', '-', p, ['time out'], '17.1.1.2: a leg timed out, another was heard: the call\'s end says timeout')),
  row(waiting, 'follow-up', '-', ended, ['end'], '8.1.3.4, 22.2: nobody followed the 3xx or the challenge: it was the final answer'),
  row(answered, 'media', '-', answered, ['judge media'], 'RFC 3550 6.2: three RTCP intervals after the answer, both streams should be reported'),
  row(held, 'media', '-', held, ['judge media'], 'RFC 3550 6.2: as answered (RTCP flows on hold, RFC 3264 8.4)'),
];

/** Why a (phase, input) the table does not list keeps the phase. */
export const DIALOG_STAY =
  'unlisted: nothing to do (after the end, a second answer, a final after the answer)';

/** Whether `guard` holds on `flags`. */
export function guardHolds(guard: DialogGuard, flags: number): boolean {
  switch (guard) {
    case '-':
      return true;
    case 'not rung':
      return (flags & F.rung) === 0;
    case 'not rung, answered':
      return (flags & (F.rung | F.answered)) === F.answered;
    case 'cancelled':
      return (flags & F.cancelled) !== 0;
    case 'not cancelled':
      return (flags & F.cancelled) === 0;
  }
}

const key = (phase: DialogPhase, input: DialogInput) => phase * DIALOG_INPUTS.length + input;

/** Every (phase, input) to its rows in table order, then the row that stays. */
const LOOKUP: readonly (readonly DialogRow[])[] = (() => {
  const all: DialogRow[][] = [];
  for (let p = 0; p < DIALOG_PHASES.length; p++) for (let i = 0; i < DIALOG_INPUTS.length; i++) all.push([]);
  for (const r of DIALOG_TABLE) (all[key(r.from, r.input)] as DialogRow[]).push(r);
  for (let p = 0; p < DIALOG_PHASES.length; p++)
    for (let i = 0; i < DIALOG_INPUTS.length; i++) {
      const phase = p as DialogPhase;
      (all[key(phase, i as DialogInput)] as DialogRow[]).push(
        row(phase, DIALOG_INPUTS[i] as DialogInputName, '-', phase, [], DIALOG_STAY),
      );
    }
  return all;
})();

/**
 * The transition: the row `input` takes in a call in `state`. Pure, allocates nothing (the rows
 * are built once). The next state is `{ phase: r.to, flags: dialogFlags(r, state.flags) }`.
 * @example dialogStep({ phase: DIALOG.calling, flags: 0 }, DIALOG_IN.success).to === DIALOG.answered
 */
export function dialogStep(state: DialogState, input: DialogInput): DialogRow {
  const rows = LOOKUP[key(state.phase, input)] as readonly DialogRow[];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as DialogRow;
    if (guardHolds(r.guard, state.flags)) return r;
  }
  return rows[rows.length - 1] as DialogRow; // unreachable: the last row's guard is '-'
}

/** The facts after `r`. */
export function dialogFlags(r: DialogRow, flags: number): number {
  return (flags | r.set) & ~r.clear;
}

/** The deadline `r` starts at `now`: the retry's wait, or the media verdict (0: off); -1 none. */
export function dialogDue(r: DialogRow, now: number, timerBMs: number, mediaTimeoutMs: number): number {
  switch (r.deadline) {
    case 'challenge':
      return now + CHALLENGE_WAIT_MS;
    case 'redirect':
      return now + timerBMs;
    case 'media':
      return mediaTimeoutMs > 0 ? now + mediaTimeoutMs : -1;
    default:
      return -1;
  }
}

/** The input a response to the call's current INVITE is, by its code (RFC 3261 21). */
export function responseInput(code: number): DialogInput {
  if (code < 200) return code === 180 || code === 183 ? DIALOG_IN.ringing : DIALOG_IN.provisional;
  if (code < 300) return DIALOG_IN.success;
  if (code < 400) return DIALOG_IN.redirect;
  return code === 401 || code === 407 ? DIALOG_IN.challenge : DIALOG_IN.failure;
}
