/**
 * The modem's life as one state machine (issue 49): an enum of states, a transition table whose
 * guards are data, and a pure step function `(modem, input, now, timing) -> (modem, effects)`.
 * The source (source.ts) only feeds it inputs (the port opened or went away, replies and their echo,
 * start-up and power-down announcements, +CPIN and the registrations, timers that fired) and carries
 * out the effects it returns (open, initialise, poll, schedule, emit, log). ModemManager keeps the
 * same idea (mm-base-modem's MMModemState with guarded transitions); this one is written for what
 * sidetone observes.
 *
 * Restart evidence is a transition, never a flag: the echo back after it was off (V.250 6.2.4,
 * domain/standards/echo.ts), a start-up banner (RDY, ^SYSSTART, +QIND: SMS DONE...) or an
 * unsolicited `+CPIN: SIM PIN` after READY (27.007 8.3: a PIN is asked at power-on only) while the
 * modem is up. A re-initialisation after a restart in a row waits longer (pace.ts `reinitAt`), and
 * every command leaves through the rate ceiling (pace.ts `take`, in the AT channel): no state sends
 * commands unboundedly fast.
 */

import { type SimState, simBlocks } from '../../domain/standards/cpin.js';
import { type EchoState, echoStep } from '../../domain/standards/echo.js';
import { isRegistered } from '../../domain/standards/registration.js';
import type { ModemDisconnectReason } from '../../domain/vocab.js';
import { reinitAt } from './pace.js';

/**
 * - `closed`: not started, or closed by the host: nothing is sent, nothing scheduled.
 * - `absent`: no port (it did not open, or it went away): a reopen is scheduled.
 * - `opening`: the port is being opened.
 * - `initialising`: the port is open and the set-up commands run (first open or after a restart).
 * - `locked`: up, the SIM asks for a PIN/PUK or is missing (27.007 8.3 +CPIN, `simBlocks`).
 * - `searching`: up, SIM usable, not registered (27.007 7.2 <stat> 0, 2, 4, 8, 11 or none yet).
 * - `registered` / `roaming`: <stat> 1, 6, 9 (home) / 5, 7, 10 (roaming) on the consolidated domain.
 * - `denied`: <stat> 3.
 * - `restarting`: the modem restarted in place; its re-initialisation waits for its backoff slot.
 * - `powered_down`: the modem announced it is losing power; asked again after a pause.
 */
export const MODEM_STATES = [
  'closed',
  'absent',
  'opening',
  'initialising',
  'locked',
  'searching',
  'registered',
  'roaming',
  'denied',
  'restarting',
  'powered_down',
] as const;
export type ModemState = (typeof MODEM_STATES)[number];

/** The states in which the modem is set up and polled (`modem_connected` 1). */
export const UP_STATES: readonly ModemState[] = ['locked', 'searching', 'registered', 'roaming', 'denied'];
/** The states in which a port is open. */
export const PORT_STATES: readonly ModemState[] = [
  ...UP_STATES,
  'initialising',
  'restarting',
  'powered_down',
];

export const isUp = (s: ModemState): boolean => UP_STATES.includes(s);

export type ModemInput =
  | { kind: 'start' }
  | { kind: 'close' }
  | { kind: 'opened' }
  | { kind: 'open_failed'; reason: 'usb' | 'other' }
  /** The port closed (`usb`) or the modem stopped answering (`at_timeout`). */
  | { kind: 'lost'; reason: 'usb' | 'at_timeout' }
  /** ATE0 answered OK. */
  | { kind: 'e0' }
  /** Any other reply, with or without the echo of its command line. */
  | { kind: 'reply'; echoed: boolean }
  /** The set-up commands finished. */
  | { kind: 'ready' }
  /** A start-up announcement (unsolicited.ts STARTUP). */
  | { kind: 'boot'; why: string }
  /** A power-down announcement (unsolicited.ts POWER_DOWN). */
  | { kind: 'power_down'; why: string }
  /** The SIM state (+CPIN, or an error that tells it), polled or unsolicited. */
  | { kind: 'sim'; sim: SimState; unsolicited: boolean }
  /** The consolidated registration <stat> (-1: no domain reported). */
  | { kind: 'registration'; stat: number }
  | { kind: 'timer'; timer: 'retry' | 'reinit' };
export type ModemInputKind = ModemInput['kind'];

export type ModemEffect =
  | { do: 'open' }
  | { do: 'close_port' }
  /** Run the set-up commands (a new session). */
  | { do: 'initialise' }
  | { do: 'poll_start' }
  | { do: 'poll_stop' }
  /** Stop everything (the host closed the source). */
  | { do: 'stop' }
  | { do: 'schedule'; timer: 'retry' | 'reinit'; ms: number }
  | { do: 'disconnected'; reason: ModemDisconnectReason }
  /** Up: `modem.connected`, and `modem.reconnected` after a loss (`reason`, the reopen `attempt`). */
  | { do: 'connected'; reconnected: boolean; reason: ModemDisconnectReason | undefined; attempt: number }
  /** The ladder's last step: wait for the registration (after a loss). */
  | { do: 'await_registration' }
  | { do: 'log'; message: 'modem restarted' | 'modem powering down' | 'modem lost'; why: string }
  /** A re-initialisation held back because restarts kept coming (`modem_backoff_total{reason="restart"}`). */
  | { do: 'backoff' };

/** Everything the machine knows: plain data, replaced at each step. */
export interface Modem {
  readonly state: ModemState;
  /** V.250 echo as seen on this session. */
  readonly echo: EchoState;
  readonly sim: SimState | undefined;
  /** Consolidated registration <stat>, -1 none yet. */
  readonly stat: number;
  /** Each initialisation or loss starts the next: work of an older one is stale. */
  readonly session: number;
  /** Initialisations that finished: 0 means never up (its failures are no recovery). */
  readonly connects: number;
  /** Reopens since the modem was last up. */
  readonly attempt: number;
  /** Restarts in a row, when the last initialisation started and when the modem was last up. */
  readonly streak: number;
  readonly lastInitStart: number;
  readonly upSince: number;
  /** Why it went away (the first cause of this outage), until it is up again. */
  readonly down: ModemDisconnectReason | undefined;
  /** The port was lost for this outage: its reopen is a recovery step. */
  readonly loss: 'usb' | 'at_timeout' | undefined;
}

export interface ModemTiming {
  /** Reopen and re-initialisation backoff: first delay and cap, ms. */
  backoffMs: number;
  maxBackoffMs: number;
}

export const newModem = (): Modem => ({
  state: 'closed',
  echo: 'unknown',
  sim: undefined,
  stat: -1,
  session: 0,
  connects: 0,
  attempt: 0,
  streak: 0,
  lastInitStart: Number.NEGATIVE_INFINITY,
  upSince: 0,
  down: undefined,
  loss: undefined,
});

export interface Step {
  modem: Modem;
  effects: ModemEffect[];
}

/** Which up state the SIM and the registration make: the SIM first (a locked SIM registers nowhere). */
export function upState(sim: SimState | undefined, stat: number): ModemState {
  if (sim !== undefined && simBlocks(sim)) return 'locked';
  if (isRegistered(stat)) return stat === 5 || stat === 7 || stat === 10 ? 'roaming' : 'registered';
  return stat === 3 ? 'denied' : 'searching';
}

/** A transition: its guard (true when it applies; rows of one state and input are tried in order). */
type Guard = (m: Modem, i: ModemInput, now: number, t: ModemTiming) => boolean;
type Apply = (m: Modem, i: ModemInput, now: number, t: ModemTiming) => Step;

export interface Row {
  from: readonly ModemState[];
  input: ModemInputKind;
  /** What the guard checks, for the docs; `guard` is the check. */
  when: string;
  guard: Guard;
  to: string;
  /** The effects, for the docs; `apply` returns them. */
  does: string;
  apply: Apply;
}

const always: Guard = () => true;
const LIVE = MODEM_STATES.filter((s) => s !== 'closed');

/** Loss of the modem (port or answers): a disconnect reported once per outage, then stop polling. */
function goDown(m: Modem, reason: ModemDisconnectReason, state: ModemState, fx: ModemEffect[]): Modem {
  const was = isUp(m.state);
  if (was) fx.push({ do: 'disconnected', reason });
  fx.push({ do: 'poll_stop' });
  return {
    ...m,
    state,
    session: m.session + 1,
    down: was || m.down === undefined ? reason : m.down,
  };
}

/** Start the set-up commands: a new session, echo presumed on (V.250: E1 after every reset). */
function initialise(m: Modem, now: number, fx: ModemEffect[]): Modem {
  fx.push({ do: 'poll_stop' }, { do: 'initialise' });
  return {
    ...m,
    state: 'initialising',
    session: m.session + 1,
    echo: echoStep(m.echo, 'reset')[0],
    sim: undefined,
    stat: -1,
    lastInitStart: now,
  };
}

/** The rows that initialise at once: port opened, or the re-initialisation timer fired. */
const initialiseNow: Apply = (m, _i, now) => {
  const fx: ModemEffect[] = [];
  return { modem: initialise(m, now, fx), effects: fx };
};

/** Schedule a reopen: `backoffMs` doubling to `maxBackoffMs` with each attempt since last up. */
function reopenLater(m: Modem, t: ModemTiming, fx: ModemEffect[]): Modem {
  fx.push({
    do: 'schedule',
    timer: 'retry',
    ms: Math.min(t.maxBackoffMs, t.backoffMs * 2 ** Math.min(m.attempt, 16)),
  });
  return { ...m, attempt: m.attempt + 1 };
}

/**
 * The modem restarted in place (or started again after a power-down): re-initialise it at once if
 * its slot has come (pace.ts `reinitAt`), else wait in `restarting`. A modem up for `maxBackoffMs`
 * ends the streak.
 */
function restart(m: Modem, why: string, now: number, t: ModemTiming): Step {
  const fx: ModemEffect[] = [];
  let streak = m.streak;
  if (isUp(m.state)) {
    fx.push({ do: 'log', message: 'modem restarted', why: why.slice(0, 24) });
    if (now - m.upSince >= t.maxBackoffMs) streak = 0;
  }
  const at = reinitAt(m.lastInitStart, streak, t.backoffMs, t.maxBackoffMs);
  const down = goDown({ ...m, streak: streak + 1 }, 'power', 'restarting', fx);
  if (at <= now) return { modem: initialise(down, now, fx), effects: fx };
  fx.push({ do: 'backoff' }, { do: 'schedule', timer: 'reinit', ms: at - now });
  return { modem: down, effects: fx };
}

const same = (m: Modem): Step => ({ modem: m, effects: [] });
const restartWhy = (i: ModemInput): string =>
  i.kind === 'boot' ? i.why : i.kind === 'sim' ? '+CPIN' : i.kind === 'reply' ? 'echo' : i.kind;

/**
 * Every transition. A (state, input) pair with no row leaves the modem as it is, with no effect:
 * a late reply of a stale session, a timer of a state already left, an announcement while closed.
 */
export const MODEM_TRANSITIONS: readonly Row[] = [
  {
    from: ['closed'],
    input: 'start',
    when: '',
    guard: always,
    to: 'opening',
    does: 'open',
    apply: (m) => ({ modem: { ...m, state: 'opening' }, effects: [{ do: 'open' }] }),
  },
  {
    from: LIVE,
    input: 'close',
    when: '',
    guard: always,
    to: 'closed',
    does: 'stop (port closed, timers cleared)',
    apply: (m) => ({ modem: { ...m, state: 'closed', session: m.session + 1 }, effects: [{ do: 'stop' }] }),
  },
  {
    from: ['absent'],
    input: 'timer',
    when: 'the reopen timer',
    guard: (_m, i) => i.kind === 'timer' && i.timer === 'retry',
    to: 'opening',
    does: 'open',
    apply: (m) => ({ modem: { ...m, state: 'opening' }, effects: [{ do: 'open' }] }),
  },
  {
    from: ['opening'],
    input: 'opened',
    when: '',
    guard: always,
    to: 'initialising',
    does: 'initialise',
    apply: initialiseNow,
  },
  {
    from: ['opening'],
    input: 'open_failed',
    when: 'first failure of this outage',
    guard: (m) => m.down === undefined,
    to: 'absent',
    does: 'disconnected (`usb` for a missing device, else `other`); schedule reopen',
    apply: (m, i, _now, t) => {
      const reason = i.kind === 'open_failed' ? i.reason : 'other';
      const fx: ModemEffect[] = [{ do: 'disconnected', reason }];
      return { modem: reopenLater({ ...m, state: 'absent', down: reason }, t, fx), effects: fx };
    },
  },
  {
    from: ['opening'],
    input: 'open_failed',
    when: 'already reported',
    guard: always,
    to: 'absent',
    does: 'schedule reopen',
    apply: (m, _i, _now, t) => {
      const fx: ModemEffect[] = [];
      return { modem: reopenLater({ ...m, state: 'absent' }, t, fx), effects: fx };
    },
  },
  {
    from: PORT_STATES,
    input: 'lost',
    when: '',
    guard: always,
    to: 'absent',
    does: 'close port; disconnected and logged if it was up; schedule reopen',
    apply: (m, i, _now, t) => {
      const reason = i.kind === 'lost' ? i.reason : 'usb';
      const fx: ModemEffect[] = [{ do: 'close_port' }];
      if (isUp(m.state)) fx.push({ do: 'log', message: 'modem lost', why: reason });
      const down = goDown({ ...m, loss: reason }, reason, 'absent', fx);
      return { modem: reopenLater(down, t, fx), effects: fx };
    },
  },
  {
    from: ['initialising'],
    input: 'e0',
    when: '',
    guard: always,
    to: 'initialising',
    does: 'echo `asked`',
    apply: (m) => same({ ...m, echo: echoStep(m.echo, 'e0')[0] }),
  },
  {
    from: UP_STATES,
    input: 'reply',
    when: 'echoed after it was off (echo.ts `off` + `echoed`)',
    guard: (m, i) => i.kind === 'reply' && echoStep(m.echo, i.echoed ? 'echoed' : 'plain')[1],
    to: 'initialising or restarting',
    does: 'restart: log, disconnected `power`, re-initialise in its backoff slot',
    apply: (m, i, now, t) => restart({ ...m, echo: 'unknown' }, restartWhy(i), now, t),
  },
  {
    from: [...UP_STATES, 'initialising'],
    input: 'reply',
    when: 'any other',
    guard: always,
    to: '(same)',
    does: 'echo state follows (echo.ts)',
    apply: (m, i) =>
      same({ ...m, echo: echoStep(m.echo, i.kind === 'reply' && i.echoed ? 'echoed' : 'plain')[0] }),
  },
  {
    from: ['initialising'],
    input: 'ready',
    when: '',
    guard: always,
    to: 'locked, searching, registered, roaming or denied',
    does: 'connected (reconnected after a loss); poll; await registration after a loss',
    apply: (m, _i, now) => {
      const fx: ModemEffect[] = [
        { do: 'connected', reconnected: m.connects > 0, reason: m.down, attempt: m.attempt },
        { do: 'poll_start' },
      ];
      if (m.down !== undefined) fx.push({ do: 'await_registration' });
      return {
        modem: {
          ...m,
          state: upState(m.sim, m.stat),
          connects: m.connects + 1,
          attempt: 0,
          upSince: now,
          down: undefined,
          loss: undefined,
        },
        effects: fx,
      };
    },
  },
  {
    from: UP_STATES,
    input: 'boot',
    when: '',
    guard: always,
    to: 'initialising or restarting',
    does: 'restart: log, disconnected `power`, re-initialise in its backoff slot',
    apply: (m, i, now, t) => restart(m, restartWhy(i), now, t),
  },
  {
    from: ['initialising', 'powered_down'],
    input: 'boot',
    when: 'after a restart or power-down (announcements follow each other while it comes up)',
    guard: (m) => m.down === 'power',
    to: 'initialising or restarting',
    does: 're-initialise in its backoff slot',
    apply: (m, i, now, t) => restart(m, restartWhy(i), now, t),
  },
  {
    from: ['restarting'],
    input: 'timer',
    when: 'the re-initialisation timer',
    guard: (_m, i) => i.kind === 'timer' && i.timer === 'reinit',
    to: 'initialising',
    does: 'initialise',
    apply: initialiseNow,
  },
  {
    from: ['powered_down'],
    input: 'timer',
    when: 'the re-initialisation timer',
    guard: (_m, i) => i.kind === 'timer' && i.timer === 'reinit',
    to: 'initialising',
    does: 'initialise',
    apply: initialiseNow,
  },
  {
    from: UP_STATES,
    input: 'power_down',
    when: '',
    guard: always,
    to: 'powered_down',
    does: 'log, disconnected `power`, re-initialise after `backoffMs`',
    apply: (m, i, _now, t) => {
      const fx: ModemEffect[] = [
        { do: 'log', message: 'modem powering down', why: i.kind === 'power_down' ? i.why.slice(0, 32) : '' },
      ];
      const down = goDown(m, 'power', 'powered_down', fx);
      fx.push({ do: 'schedule', timer: 'reinit', ms: t.backoffMs });
      return { modem: down, effects: fx };
    },
  },
  {
    from: ['searching', 'registered', 'roaming', 'denied'],
    input: 'sim',
    when: 'unsolicited, locked after READY (a PIN is asked at power-on: 27.007 8.3)',
    guard: (m, i) => i.kind === 'sim' && i.unsolicited && m.sim === 'ready' && simBlocks(i.sim),
    to: 'initialising or restarting',
    does: 'restart: log, disconnected `power`, re-initialise in its backoff slot',
    apply: (m, i, now, t) => restart(m, restartWhy(i), now, t),
  },
  {
    from: UP_STATES,
    input: 'sim',
    when: 'any other',
    guard: always,
    to: 'by SIM and registration',
    does: '',
    apply: (m, i) => {
      const sim = i.kind === 'sim' ? i.sim : m.sim;
      return same({ ...m, sim, state: upState(sim, m.stat) });
    },
  },
  {
    from: ['initialising'],
    input: 'sim',
    when: '',
    guard: always,
    to: 'initialising',
    does: 'SIM state kept for `ready`',
    apply: (m, i) => same({ ...m, sim: i.kind === 'sim' ? i.sim : m.sim }),
  },
  {
    from: UP_STATES,
    input: 'registration',
    when: '',
    guard: always,
    to: 'by SIM and registration',
    does: '',
    apply: (m, i) => {
      const stat = i.kind === 'registration' ? i.stat : m.stat;
      return same({ ...m, stat, state: upState(m.sim, stat) });
    },
  },
  {
    from: ['initialising'],
    input: 'registration',
    when: '',
    guard: always,
    to: 'initialising',
    does: 'registration kept for `ready`',
    apply: (m, i) => same({ ...m, stat: i.kind === 'registration' ? i.stat : m.stat }),
  },
];

/** The rows of each (state, input), in table order: built once, read by `step`. */
const INDEX: ReadonlyMap<string, readonly Row[]> = (() => {
  const map = new Map<string, Row[]>();
  for (const r of MODEM_TRANSITIONS)
    for (const s of r.from) {
      const k = `${s} ${r.input}`;
      map.set(k, [...(map.get(k) ?? []), r]);
    }
  return map;
})();

/** The row that applies to (modem, input): the first of its state and input whose guard holds. */
export function rowOf(m: Modem, input: ModemInput, now: number, t: ModemTiming): Row | undefined {
  const rows = INDEX.get(`${m.state} ${input.kind}`);
  if (rows !== undefined) for (const r of rows) if (r.guard(m, input, now, t)) return r;
  return undefined;
}

/**
 * The next modem and what to do, by the row that applies; none: unchanged, nothing to do.
 * Pure: `m` is not changed, nothing is read but the arguments, it never throws.
 * @example step(newModem(), { kind: 'start' }, 0, timing).modem.state // 'opening'
 */
export function step(m: Modem, input: ModemInput, now: number, t: ModemTiming): Step {
  return rowOf(m, input, now, t)?.apply(m, input, now, t) ?? same(m);
}
