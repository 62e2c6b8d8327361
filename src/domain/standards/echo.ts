/**
 * Command echo (ITU-T V.250 6.2.4, the E parameter) as an AT host sees it, as a state machine:
 * echo is a setting, on (E1) after every reset. What tells a restart is a *change*: replies that
 * came without the echo after ATE0, then one with it. A modem that accepted ATE0 and kept echoing
 * (Wavecom firmwares, ports behind a multiplexer) echoes from its first reply to its last; that
 * steady trait is no sign of anything (issue 47: taken for a restart at every poll, the source
 * re-initialised it in a loop).
 *
 * The table is data; `echoStep` only reads it (no allocation, never throws).
 */

/**
 * - `unknown`: nothing asked yet on this session (after an open or a restart: E1 presumed).
 * - `asked`: ATE0 was accepted; no reply since.
 * - `off`: a reply came without the echo after ATE0: echo is off.
 * - `kept`: a reply came with the echo after ATE0: the modem keeps its echo (for this session).
 */
export const ECHO_STATES = ['unknown', 'asked', 'off', 'kept'] as const;
export type EchoState = (typeof ECHO_STATES)[number];

/**
 * - `reset`: the host starts (re-)initialising the modem.
 * - `e0`: ATE0 answered OK (its own reply is echoed: E takes effect after the command line).
 * - `echoed` / `plain`: any other reply, with or without the echo of its command line.
 */
export const ECHO_INPUTS = ['reset', 'e0', 'echoed', 'plain'] as const;
export type EchoInput = (typeof ECHO_INPUTS)[number];

/** The next state, and whether this input is evidence that the modem restarted. */
export type EchoTransition = readonly [next: EchoState, restarted: boolean];

/** Every state by every input. The one row that says "restarted" is `off` + `echoed`. */
export const ECHO_TRANSITIONS: Readonly<Record<EchoState, Readonly<Record<EchoInput, EchoTransition>>>> = {
  unknown: {
    reset: ['unknown', false],
    e0: ['asked', false],
    echoed: ['unknown', false],
    plain: ['unknown', false],
  },
  asked: { reset: ['unknown', false], e0: ['asked', false], echoed: ['kept', false], plain: ['off', false] },
  // Echo back after it was off: the modem lost its settings (E1 is the default a reset restores).
  off: { reset: ['unknown', false], e0: ['off', false], echoed: ['unknown', true], plain: ['off', false] },
  // Kept through ATE0: echo tells nothing on this session, whatever comes (a reply that happens to
  // lose its echo, then one with it again, is no restart either).
  kept: { reset: ['unknown', false], e0: ['kept', false], echoed: ['kept', false], plain: ['kept', false] },
};

/**
 * @example echoStep('off', 'echoed') // ['unknown', true]
 * @example echoStep('kept', 'echoed') // ['kept', false]
 */
export function echoStep(state: EchoState, input: EchoInput): EchoTransition {
  return ECHO_TRANSITIONS[state][input];
}
