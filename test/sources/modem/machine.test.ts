/**
 * Issue 49: the modem as an explicit state machine (src/sources/modem/machine.ts). Every row of the
 * transition table has a case here (a test checks none is left out), the table in
 * docs/sources/modem.md is the one the code runs, and over random input streams in simulated time
 * the machine never re-initialises the modem more than twice in any `backoffMs`.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SIM_STATES } from '../../../src/domain/standards/cpin.js';
import { EventBus } from '../../../src/events/bus.js';
import type { SidetoneEvent } from '../../../src/events/types.js';
import {
  MODEM_STATES,
  MODEM_TRANSITIONS,
  type Modem,
  type ModemInput,
  type ModemState,
  newModem,
  type Row,
  rowOf,
  step,
  upState,
} from '../../../src/sources/modem/machine.js';
import { ModemSource } from '../../../src/sources/modem/source.js';
import { fakeModemPort } from '../../helpers/fake-modem-port.js';

const T = { backoffMs: 1000, maxBackoffMs: 30_000 };
const at = (state: ModemState, o: Partial<Modem> = {}): Modem => ({ ...newModem(), state, ...o });
const up = (o: Partial<Modem> = {}): Modem =>
  at('registered', { sim: 'ready', stat: 1, connects: 1, upSince: 0, lastInitStart: 0, echo: 'off', ...o });

interface Case {
  name: string;
  m: Modem;
  i: ModemInput;
  now?: number;
  to: ModemState;
  effects: string[];
  more?: (next: Modem) => void;
}

// One case (or more) per row of MODEM_TRANSITIONS, in its order.
const CASES: Case[] = [
  { name: 'start opens the port', m: newModem(), i: { kind: 'start' }, to: 'opening', effects: ['open'] },
  { name: 'close from up stops everything', m: up(), i: { kind: 'close' }, to: 'closed', effects: ['stop'] },
  { name: 'close while absent', m: at('absent'), i: { kind: 'close' }, to: 'closed', effects: ['stop'] },
  {
    name: 'the reopen timer opens',
    m: at('absent'),
    i: { kind: 'timer', timer: 'retry' },
    to: 'opening',
    effects: ['open'],
  },
  {
    name: 'opened: initialise, a new session, echo presumed on',
    m: at('opening', { session: 4, echo: 'off' }),
    i: { kind: 'opened' },
    now: 7,
    to: 'initialising',
    effects: ['poll_stop', 'initialise'],
    more: (n) => expect(n).toMatchObject({ session: 5, echo: 'unknown', lastInitStart: 7, stat: -1 }),
  },
  {
    name: 'a first open that fails is reported once (usb for a missing device)',
    m: at('opening'),
    i: { kind: 'open_failed', reason: 'usb' },
    to: 'absent',
    effects: ['disconnected:usb', 'schedule:retry:1000'],
    more: (n) => expect(n).toMatchObject({ down: 'usb', attempt: 1 }),
  },
  {
    name: 'a further failed open is retried quietly, its backoff doubling',
    m: at('opening', { down: 'usb', attempt: 3 }),
    i: { kind: 'open_failed', reason: 'usb' },
    to: 'absent',
    effects: ['schedule:retry:8000'],
  },
  {
    name: 'an up modem whose port closes: closed, logged, disconnected usb, reopened',
    m: up({ session: 2 }),
    i: { kind: 'lost', reason: 'usb' },
    to: 'absent',
    effects: ['close_port', 'log:modem lost', 'disconnected:usb', 'poll_stop', 'schedule:retry:1000'],
    more: (n) => expect(n).toMatchObject({ loss: 'usb', down: 'usb', session: 3 }),
  },
  {
    name: 'a modem silent while initialising after a loss: no second disconnect',
    m: at('initialising', { connects: 1, down: 'usb', loss: 'usb' }),
    i: { kind: 'lost', reason: 'at_timeout' },
    to: 'absent',
    effects: ['close_port', 'poll_stop', 'schedule:retry:1000'],
    more: (n) => expect(n).toMatchObject({ loss: 'at_timeout', down: 'usb' }),
  },
  {
    name: 'ATE0 accepted: echo asked',
    m: at('initialising'),
    i: { kind: 'e0' },
    to: 'initialising',
    effects: [],
    more: (n) => expect(n.echo).toBe('asked'),
  },
  {
    name: 'echo back after it was off: a restart, re-initialised at once (first of a streak)',
    m: up({ echo: 'off', upSince: 0 }),
    i: { kind: 'reply', echoed: true },
    now: 60_000,
    to: 'initialising',
    effects: ['log:modem restarted', 'disconnected:power', 'poll_stop', 'poll_stop', 'initialise'],
    more: (n) => expect(n).toMatchObject({ streak: 1, down: 'power', echo: 'unknown' }),
  },
  {
    name: 'echo kept through ATE0 is no restart',
    m: up({ echo: 'kept' }),
    i: { kind: 'reply', echoed: true },
    to: 'registered',
    effects: [],
    more: (n) => expect(n.echo).toBe('kept'),
  },
  {
    name: 'a plain reply after ATE0: echo off',
    m: at('initialising', { echo: 'asked' }),
    i: { kind: 'reply', echoed: false },
    to: 'initialising',
    effects: [],
    more: (n) => expect(n.echo).toBe('off'),
  },
  {
    name: 'ready after a loss: reconnected with its cause and attempt, polled, registration awaited',
    m: at('initialising', { connects: 1, down: 'usb', loss: 'usb', attempt: 2, sim: 'ready', stat: 5 }),
    i: { kind: 'ready' },
    now: 99,
    to: 'roaming',
    effects: ['connected:reconnected', 'poll_start', 'await_registration'],
    more: (n) =>
      expect(n).toMatchObject({ connects: 2, attempt: 0, upSince: 99, down: undefined, loss: undefined }),
  },
  {
    name: 'ready the first time, SIM asking for its PIN: locked',
    m: at('initialising', { sim: 'sim_pin' }),
    i: { kind: 'ready' },
    to: 'locked',
    effects: ['connected', 'poll_start'],
  },
  {
    name: 'a start-up banner while up: a restart',
    m: up(),
    i: { kind: 'boot', why: 'RDY' },
    now: 60_000,
    to: 'initialising',
    effects: ['log:modem restarted', 'disconnected:power', 'poll_stop', 'poll_stop', 'initialise'],
  },
  {
    name: 'a banner while up again within the streak waits its slot in restarting',
    m: up({ streak: 3, lastInitStart: 10_000, upSince: 10_000 }),
    i: { kind: 'boot', why: '^SYSSTART' },
    now: 11_000,
    to: 'restarting',
    effects: ['log:modem restarted', 'disconnected:power', 'poll_stop', 'backoff', 'schedule:reinit:3000'],
    more: (n) => expect(n.streak).toBe(4),
  },
  {
    name: 'announcements while it comes up after a restart: re-initialised in the backoff slot',
    m: at('initialising', { connects: 1, down: 'power', streak: 1, lastInitStart: 5000 }),
    i: { kind: 'boot', why: 'SMS Ready' },
    now: 5200,
    to: 'restarting',
    effects: ['poll_stop', 'backoff', 'schedule:reinit:800'],
  },
  {
    name: 'a banner during the first initialisation is expected, no restart',
    m: at('initialising'),
    i: { kind: 'boot', why: 'RDY' },
    to: 'initialising',
    effects: [],
  },
  {
    name: 'a banner in restarting: the re-initialisation is already coming',
    m: at('restarting', { down: 'power' }),
    i: { kind: 'boot', why: 'RDY' },
    to: 'restarting',
    effects: [],
  },
  {
    name: 'the re-initialisation timer of a restart',
    m: at('restarting', { down: 'power' }),
    i: { kind: 'timer', timer: 'reinit' },
    to: 'initialising',
    effects: ['poll_stop', 'initialise'],
  },
  {
    name: 'the re-initialisation timer after a power-down',
    m: at('powered_down', { down: 'power' }),
    i: { kind: 'timer', timer: 'reinit' },
    to: 'initialising',
    effects: ['poll_stop', 'initialise'],
  },
  {
    name: 'a banner after a power-down: it started again',
    m: at('powered_down', { connects: 1, down: 'power', lastInitStart: 0 }),
    i: { kind: 'boot', why: 'RDY' },
    now: 60_000,
    to: 'initialising',
    effects: ['poll_stop', 'poll_stop', 'initialise'],
  },
  {
    name: 'a power-down announcement: logged, disconnected power, asked again after backoffMs',
    m: up(),
    i: { kind: 'power_down', why: 'NORMAL POWER DOWN' },
    to: 'powered_down',
    effects: ['log:modem powering down', 'disconnected:power', 'poll_stop', 'schedule:reinit:1000'],
  },
  {
    name: 'an unsolicited +CPIN: SIM PIN after READY: a restart',
    m: up({ sim: 'ready' }),
    i: { kind: 'sim', sim: 'sim_pin', unsolicited: true },
    now: 60_000,
    to: 'initialising',
    effects: ['log:modem restarted', 'disconnected:power', 'poll_stop', 'poll_stop', 'initialise'],
  },
  {
    name: 'a polled +CPIN: SIM PIN after READY is a state (locked), no restart',
    m: up({ sim: 'ready' }),
    i: { kind: 'sim', sim: 'sim_pin', unsolicited: false },
    to: 'locked',
    effects: [],
  },
  {
    name: 'PIN entered elsewhere: locked to registered',
    m: up({ state: 'locked', sim: 'sim_pin', stat: 1 }),
    i: { kind: 'sim', sim: 'ready', unsolicited: true },
    to: 'registered',
    effects: [],
  },
  {
    name: 'the SIM state while initialising is kept for ready',
    m: at('initialising'),
    i: { kind: 'sim', sim: 'sim_puk', unsolicited: false },
    to: 'initialising',
    effects: [],
    more: (n) => expect(n.sim).toBe('sim_puk'),
  },
  {
    name: 'registration denied',
    m: up(),
    i: { kind: 'registration', stat: 3 },
    to: 'denied',
    effects: [],
  },
  {
    name: 'registration lost: searching',
    m: up(),
    i: { kind: 'registration', stat: 2 },
    to: 'searching',
    effects: [],
  },
  {
    name: 'the registration while initialising is kept for ready',
    m: at('initialising'),
    i: { kind: 'registration', stat: 1 },
    to: 'initialising',
    effects: [],
    more: (n) => expect(n.stat).toBe(1),
  },
];

const show = (e: ReturnType<typeof step>['effects'][number]): string => {
  switch (e.do) {
    case 'disconnected':
      return `disconnected:${e.reason}`;
    case 'schedule':
      return `schedule:${e.timer}:${e.ms}`;
    case 'log':
      return `log:${e.message}`;
    case 'connected':
      return e.reconnected ? 'connected:reconnected' : 'connected';
    default:
      return e.do;
  }
};

describe('the modem transition table (src/sources/modem/machine.ts)', () => {
  it.each(CASES)('$name', (c) => {
    const before = structuredClone(c.m);
    const r = step(c.m, c.i, c.now ?? 0, T);
    expect(r.modem.state).toBe(c.to);
    expect(r.effects.map(show)).toEqual(c.effects);
    expect(c.m).toEqual(before); // pure: the modem it was given is unchanged
    c.more?.(r.modem);
  });

  it('every row has a case', () => {
    const hit = new Set<Row>();
    for (const c of CASES) {
      const row = rowOf(c.m, c.i, c.now ?? 0, T);
      if (row !== undefined) hit.add(row);
    }
    const missed = MODEM_TRANSITIONS.filter((r) => !hit.has(r)).map(
      (r) => `${r.from.join(',')} ${r.input} ${r.when}`,
    );
    expect(missed).toEqual([]);
  });

  it('a pair with no row changes nothing: a stale timer, a reply while closed, a banner while absent', () => {
    for (const [m, i] of [
      [up(), { kind: 'timer', timer: 'reinit' }],
      [newModem(), { kind: 'reply', echoed: true }],
      [at('absent', { down: 'power' }), { kind: 'boot', why: 'RDY' }],
      [newModem(), { kind: 'close' }],
    ] as Array<[Modem, ModemInput]>) {
      const r = step(m, i, 0, T);
      expect(r.modem).toBe(m);
      expect(r.effects).toEqual([]);
    }
  });

  it('the up state: the SIM first, then the consolidated <stat> (27.007 7.2)', () => {
    expect(upState('sim_pin', 1)).toBe('locked');
    expect(upState('sim_pin2', 1)).toBe('registered');
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, -1].map((s) => upState('ready', s))).toEqual([
      'searching',
      'registered',
      'searching',
      'denied',
      'searching',
      'roaming',
      'registered',
      'roaming',
      'searching',
      'registered',
      'roaming',
      'searching',
      'searching',
    ]);
  });

  it('docs/sources/modem.md prints the table the code runs', () => {
    const doc = readFileSync(new URL('../../../docs/sources/modem.md', import.meta.url), 'utf8');
    const missing = tableLines().filter((l) => !doc.includes(l));
    expect(missing).toEqual([]);
  });
});

/** The table as docs/sources/modem.md prints it, a line per row. */
function tableLines(): string[] {
  const cell = (s: string) => (s === '' ? '' : s.replace(/\|/g, '\\|'));
  return [
    '| From | Input | When | To | Does |',
    '|---|---|---|---|---|',
    ...MODEM_TRANSITIONS.map(
      (r) =>
        `| ${r.from.length === MODEM_STATES.length - 1 ? 'any but closed' : r.from.map((s) => `\`${s}\``).join(', ')} | \`${r.input}\` | ${cell(r.when)} | ${cell(r.to)} | ${cell(r.does)} |`,
    ),
  ];
}

describe('bounded by construction (property)', () => {
  const input: fc.Arbitrary<ModemInput> = fc.oneof(
    fc.constant<ModemInput>({ kind: 'start' }),
    fc.constant<ModemInput>({ kind: 'opened' }),
    fc.constantFrom<ModemInput>(
      { kind: 'open_failed', reason: 'usb' },
      { kind: 'open_failed', reason: 'other' },
    ),
    fc.constantFrom<ModemInput>({ kind: 'lost', reason: 'usb' }, { kind: 'lost', reason: 'at_timeout' }),
    fc.constant<ModemInput>({ kind: 'e0' }),
    fc.boolean().map<ModemInput>((echoed) => ({ kind: 'reply', echoed })),
    fc.constant<ModemInput>({ kind: 'ready' }),
    fc.constant<ModemInput>({ kind: 'boot', why: 'RDY' }),
    fc.constant<ModemInput>({ kind: 'power_down', why: 'POWER DOWN' }),
    fc
      .record({ sim: fc.constantFrom(...SIM_STATES), unsolicited: fc.boolean() })
      .map<ModemInput>((s) => ({ kind: 'sim', ...s })),
    fc.integer({ min: -1, max: 12 }).map<ModemInput>((stat) => ({ kind: 'registration', stat })),
  );

  it('whatever arrives, at most 2 initialisations in any backoffMs, and the timers it sets fire as inputs', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(input, fc.integer({ min: 0, max: 400 })), { maxLength: 400 }),
        (stream) => {
          let m = newModem();
          let now = 0;
          const timers = new Map<'retry' | 'reinit', number>();
          const inits: number[] = [];
          const feed = (i: ModemInput) => {
            const r = step(m, i, now, T);
            expect(MODEM_STATES).toContain(r.modem.state);
            expect(r.modem.session).toBeGreaterThanOrEqual(m.session);
            m = r.modem;
            for (const e of r.effects) {
              if (e.do === 'initialise') inits.push(now);
              if (e.do === 'schedule') timers.set(e.timer, now + e.ms);
              if (e.do === 'stop') timers.clear();
            }
          };
          for (const [i, dt] of stream) {
            const until = now + dt;
            for (;;) {
              const due = [...timers].filter(([, t]) => t <= until).sort((a, b) => a[1] - b[1])[0];
              if (due === undefined) break;
              timers.delete(due[0]);
              now = due[1];
              feed({ kind: 'timer', timer: due[0] });
            }
            now = until;
            // The shell feeds `opened` and `ready` only in the states that run them.
            if (i.kind === 'opened' && m.state !== 'opening') continue;
            if (i.kind === 'ready' && m.state !== 'initialising') continue;
            feed(i);
          }
          for (let k = 2; k < inits.length; k++)
            expect((inits[k] as number) - (inits[k - 2] as number)).toBeGreaterThanOrEqual(T.backoffMs);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('ModemSource driven by the machine (fake port, simulated time)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A modem with echo off after ATE0, its SIM `sim()`, registered home on CS. */
  function scripted(sim: () => string) {
    const port = fakeModemPort((cmd) => {
      const info = cmd === 'AT+CPIN?' ? `+CPIN: ${sim()}\r\n` : cmd === 'AT+CREG?' ? '+CREG: 0,1\r\n' : '';
      const final = /^AT\+C(G|E|5G)REG\?$/.test(cmd) ? 'ERROR' : 'OK';
      return `\r\n${info}\r\n${final}\r\n`;
    }, 20);
    return { ...port, urc: (line: string) => port.push(`\r\n${line}\r\n`) };
  }

  async function source(sim: () => string) {
    const modem = scripted(sim);
    const bus = new EventBus();
    const events: SidetoneEvent[] = [];
    bus.onAny((e) => events.push(e));
    const s = new ModemSource(bus, { path: '/dev/fake', mode: 'full', pollMs: 1000, open: modem.open });
    s.start();
    await vi.advanceTimersByTimeAsync(3000);
    return { s, modem, events };
  }

  it('is registered once up and polled; a polled +CPIN: SIM PIN is the state locked, no restart', async () => {
    let sim = 'READY';
    const { s, events } = await source(() => sim);
    expect(s.state).toBe('registered');
    sim = 'SIM PIN';
    await vi.advanceTimersByTimeAsync(2000);
    expect(s.state).toBe('locked');
    expect(s.connected).toBe(true);
    expect(events.filter((e) => e.type === 'modem.disconnected')).toEqual([]);
    await s.close();
    expect(s.state).toBe('closed');
  });

  it('an unsolicited +CPIN: SIM PIN after READY is a restart: disconnected (power), set up again', async () => {
    const { s, modem, events } = await source(() => 'READY');
    const setUps = modem.writes.filter((w) => w === 'ATE0').length;
    modem.urc('+CPIN: SIM PIN');
    await vi.advanceTimersByTimeAsync(3000);
    expect(events.filter((e) => e.type === 'modem.disconnected')).toEqual([
      expect.objectContaining({ reason: 'power' }),
    ]);
    expect(modem.writes.filter((w) => w === 'ATE0').length).toBe(setUps + 1);
    expect(events.filter((e) => e.type === 'modem.reconnected')).toHaveLength(1);
    expect(s.state).toBe('registered');
    await s.close();
  });
});
