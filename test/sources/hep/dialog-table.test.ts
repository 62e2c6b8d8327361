// The dialog table of the HEP tracker (src/sources/hep/dialog.ts), row by row against RFC 3261 (the
// INVITE's attempt, 8.1.3.4, 9, 13, 15, 22.2), RFC 3264 8.4 (hold) and RFC 6076 4.4 (PDD), and
// against its copy in docs/sources/hep.md. What each row makes of real ladders is tested through the
// source in tracker.test.ts, order.test.ts and captures.test.ts.
import { describe, expect, it } from 'vitest';
import {
  CHALLENGE_WAIT_MS,
  DIALOG,
  DIALOG_FLAG,
  DIALOG_GUARDS,
  DIALOG_IN,
  DIALOG_INPUTS,
  DIALOG_PHASES,
  DIALOG_STAY,
  DIALOG_TABLE,
  type DialogEffect,
  type DialogGuard,
  type DialogInputName,
  type DialogPhaseName,
  type DialogRow,
  dialogDue,
  dialogFlags,
  dialogStep,
  FX,
  guardHolds,
  responseInput,
} from '../../../src/sources/hep/dialog.js';
import { hepDocRows } from './helpers.js';

type Spec = [
  from: DialogPhaseName,
  input: DialogInputName,
  guard: DialogGuard,
  to: DialogPhaseName,
  effects: DialogEffect[],
];

const OPEN: DialogPhaseName[] = ['calling', 'proceeding', 'waiting'];

/**
 * Written out here from the RFCs, not from the source, so a row changed in one place fails here.
 * Within a (phase, input) the first row whose guard holds is taken.
 */
const SPEC: Spec[] = [
  // 17.1.1.2: any response moves the INVITE out of Calling; only there does timer B end the call.
  ['calling', 'provisional', '-', 'proceeding', []],
  // RFC 6076 4.4: the first 180/183 ends the PDD; once a call, however many forks and retries.
  ['calling', 'ringing', 'not rung', 'proceeding', ['ring']],
  ['calling', 'ringing', '-', 'proceeding', []],
  ['proceeding', 'ringing', 'not rung', 'proceeding', ['ring']],
  // 17.2.1: no provisional after a final, so one handed on after it was sent before it.
  ['waiting', 'ringing', 'not rung', 'waiting', ['ring']],
  ['answered', 'ringing', 'not rung', 'answered', ['ring']],
  ['held', 'ringing', 'not rung', 'held', ['ring']],
  ['ended', 'ringing', 'not rung, answered', 'ended', ['ring']],
  // 13.2.2.4: a 2xx answers; a challenge answered tells whether the credentials were taken.
  ...OPEN.map((p): Spec => [p, 'success', '-', 'answered', ['auth result', 'answer']]),
  // 22.2 and 8.1.3.4: a challenge or a redirect is a step of the attempt, unless it was cancelled
  // (9.1); any other final ends the attempt (13.2.2.3).
  ...OPEN.flatMap((p): Spec[] => [
    [p, 'challenge', 'not cancelled', 'waiting', ['challenge', 'wait']],
    [p, 'challenge', 'cancelled', 'ended', ['auth result', 'end']],
    [p, 'redirect', 'not cancelled', 'waiting', ['wait']],
    [p, 'redirect', 'cancelled', 'ended', ['auth result', 'end']],
    [p, 'failure', '-', 'ended', ['auth result', 'end']],
  ]),
  // 9.1: CANCEL only asks; its effect is the INVITE's 487.
  ...DIALOG_PHASES.map((p): Spec => [p, 'CANCEL', '-', p, ['cancel']]),
  // 15.1.1: BYE ends the dialog.
  ...(['calling', 'proceeding', 'waiting', 'answered', 'held'] as const).map(
    (p): Spec => [p, 'BYE', '-', 'ended', ['end', 'terminate']],
  ),
  ['waiting', 'retry', '-', 'calling', ['renumber']],
  ['ended', 'retry', '-', 'ended', ['renumber']],
  // RFC 3264 8.4.
  ['answered', 'hold', '-', 'held', ['hold']],
  ['held', 'resume', '-', 'answered', ['resume']],
  // 17.1.1.2: timer B ends a call nobody answered anything; otherwise its end says timeout.
  ['calling', 'timer B', '-', 'ended', ['time out', 'end']],
  ...(['proceeding', 'waiting', 'answered', 'held', 'ended'] as const).map(
    (p): Spec => [p, 'timer B', '-', p, ['time out']],
  ),
  ['waiting', 'follow-up', '-', 'ended', ['end']],
  // RFC 3550 6.2: the media verdict, while the call is up.
  ['answered', 'media', '-', 'answered', ['judge media']],
  ['held', 'media', '-', 'held', ['judge media']],
];

const F = DIALOG_FLAG;
const line = (from: string, input: string, guard: string, to: string, effects: readonly string[]) =>
  [from, input, guard, to, effects.length === 0 ? '-' : effects.join(', ')].join(' | ');
const rowLine = (r: DialogRow) =>
  line(
    DIALOG_PHASES[r.from] as string,
    DIALOG_INPUTS[r.input] as string,
    r.guard,
    DIALOG_PHASES[r.to] as string,
    r.names,
  );

/**
 * The fewest facts a call in `r`'s phase can have for which `r` is the row taken: its guard holds and
 * the guard of every row before it in its (phase, input) fails. An answered or held call was answered.
 */
function factsFor(r: DialogRow): number | undefined {
  const base = r.from === DIALOG.answered || r.from === DIALOG.held ? F.answered : 0;
  const before = DIALOG_TABLE.slice(0, DIALOG_TABLE.indexOf(r)).filter(
    (o) => o.from === r.from && o.input === r.input,
  );
  for (let f = 0; f < 32; f++) {
    const flags = f | base;
    if (guardHolds(r.guard, flags) && before.every((o) => !guardHolds(o.guard, flags))) return flags;
  }
  return undefined;
}

describe('the dialog table, row by row (RFC 3261 8.1.3.4, 9, 13, 15, 17.1.1.2, 22.2; RFC 3264 8.4)', () => {
  it('lists exactly the specified rows, once each, in order', () => {
    expect(DIALOG_TABLE.map(rowLine)).toEqual(SPEC.map((s) => line(...s)));
  });

  it.each(DIALOG_TABLE.map((r) => [rowLine(r), r] as const))('%s', (_name, r) => {
    const facts = factsFor(r);
    expect(facts, 'the row can be reached').toBeDefined();
    const flags = facts as number;
    // The step takes this very row for a call whose facts meet its guard.
    const got = dialogStep({ phase: r.from, flags }, r.input);
    expect(got).toBe(r);
    // The facts after it: what its effects set, less what they clear.
    const after = dialogFlags(r, flags | F.challenged);
    const has = (e: DialogEffect) => r.names.includes(e);
    expect((after & F.rung) !== 0).toBe(has('ring') || (flags & F.rung) !== 0);
    expect((after & F.answered) !== 0).toBe(has('answer') || (flags & F.answered) !== 0);
    expect((after & F.cancelled) !== 0).toBe(has('cancel') || (flags & F.cancelled) !== 0);
    expect((after & F.timedOut) !== 0).toBe(has('time out'));
    expect((after & F.challenged) !== 0).toBe(!has('auth result'));
    // The bits are the names.
    expect(r.effects).toBe(r.names.reduce((m, e) => m | FX[e], 0));
    // The deadline it starts from now (1 s): the challenge's wait (180 s: a user may be asked), a
    // redirect's (timer B: the UA follows it itself), the media verdict, or none.
    const due = dialogDue(r, 1_000, 32_000, 15_000);
    const expected = has('answer')
      ? 16_000
      : has('wait')
        ? DIALOG_INPUTS[r.input] === 'challenge'
          ? 1_000 + CHALLENGE_WAIT_MS
          : 33_000
        : -1;
    expect(due).toBe(expected);
    if (has('answer')) expect(dialogDue(r, 1_000, 32_000, 0)).toBe(-1); // media_timeout_ms 0: off
    // An end is final: nothing but the table's absorbing rows leaves `ended`.
    if (has('end')) expect(DIALOG_PHASES[r.to]).toBe('ended');
  });

  it('a guarded row whose guard fails gives way to the next row, or to staying', () => {
    for (const r of DIALOG_TABLE) {
      if (r.guard === '-') continue;
      // Facts that break the guard: rung, or not cancelled, or cancelled, or not answered.
      const broken =
        r.guard === 'cancelled'
          ? 0
          : r.guard === 'not cancelled'
            ? F.cancelled
            : r.guard === 'not rung'
              ? F.rung
              : 0;
      expect(guardHolds(r.guard, broken)).toBe(false);
      const got = dialogStep({ phase: r.from, flags: broken }, r.input);
      expect(got).not.toBe(r);
      expect(guardHolds(got.guard, broken)).toBe(true);
    }
    expect(DIALOG_GUARDS.every((g) => DIALOG_TABLE.some((r) => r.guard === g))).toBe(true);
  });

  it('every (phase, input) the table does not list keeps the phase and does nothing', () => {
    const listed = new Set(SPEC.map((s) => `${s[0]} ${s[1]}`));
    let unlisted = 0;
    for (const phase of DIALOG_PHASES)
      for (const input of DIALOG_INPUTS) {
        if (listed.has(`${phase} ${input}`)) continue;
        unlisted++;
        for (const flags of [0, F.rung | F.answered | F.cancelled | F.challenged | F.timedOut]) {
          const r = dialogStep({ phase: DIALOG[phase], flags }, DIALOG_IN[input]);
          expect([DIALOG_PHASES[r.to], r.effects, r.why]).toEqual([phase, 0, DIALOG_STAY]);
        }
      }
    expect(unlisted).toBe(DIALOG_PHASES.length * DIALOG_INPUTS.length - listed.size);
    // After the end only a late 180 (of an answered call), a CANCEL, a late retry and timer B do anything.
    for (const input of DIALOG_INPUTS)
      expect(dialogStep({ phase: DIALOG.ended, flags: F.answered }, DIALOG_IN[input]).to).toBe(DIALOG.ended);
  });

  it('a response to the INVITE is its input by code (RFC 3261 21)', () => {
    expect(
      [100, 180, 181, 183, 200, 202, 302, 380, 401, 407, 403, 486, 487, 603].map(
        (c) => DIALOG_INPUTS[responseInput(c)],
      ),
    ).toEqual([
      'provisional',
      'ringing',
      'provisional',
      'ringing',
      'success',
      'success',
      'redirect',
      'redirect',
      'challenge',
      'challenge',
      'failure',
      'failure',
      'failure',
      'failure',
    ]);
  });

  it('docs/sources/hep.md lists the same rows', () => {
    const rows = hepDocRows()
      .filter(
        (c) =>
          DIALOG_PHASES.includes(c[1] as DialogPhaseName) && DIALOG_INPUTS.includes(c[2] as DialogInputName),
      )
      .map((c) => [c[1], c[2], c[3], c[4], c[5]].join(' | '));
    expect(rows).toEqual(SPEC.map((s) => line(...s)));
  });
});
