/**
 * SIM readiness: +CPIN (3GPP TS 27.007 8.3) and the SIM-related +CME/+CMS ERROR codes that
 * reveal the same states when every command fails with them.
 */

/**
 * What the SIM is waiting for, as a bounded label. `personalisation` is any PH-NET / PH-NETSUB /
 * PH-SP / PH-CORP PIN or PUK (a device lock to a network or provider); `not_inserted` and
 * `not_ready` are SIMCom/Quectel extensions of the +CPIN list; `busy` and `failure` come from
 * +CME ERROR 14 / 13 (27.007 9.2.1); `unknown` when nothing says.
 */
// biome-ignore format: grouped by what unblocks them
export const SIM_STATES = [
  'ready',
  'sim_pin', 'sim_puk', 'sim_pin2', 'sim_puk2', 'ph_sim_pin', 'personalisation',
  'not_inserted', 'not_ready', 'busy', 'failure',
  'unknown',
] as const;
export type SimState = (typeof SIM_STATES)[number];

const CPIN_CODES: ReadonlyMap<string, SimState> = new Map<string, SimState>([
  ['READY', 'ready'],
  ['SIM PIN', 'sim_pin'],
  ['SIM PUK', 'sim_puk'],
  ['SIM PIN2', 'sim_pin2'],
  ['SIM PUK2', 'sim_puk2'],
  ['PH-SIM PIN', 'ph_sim_pin'],
  ['PH-FSIM PIN', 'ph_sim_pin'],
  ['PH-FSIM PUK', 'ph_sim_pin'],
  ['PH-NET PIN', 'personalisation'],
  ['PH-NET PUK', 'personalisation'],
  ['PH-NETSUB PIN', 'personalisation'],
  ['PH-NETSUB PUK', 'personalisation'],
  ['PH-SP PIN', 'personalisation'],
  ['PH-SP PUK', 'personalisation'],
  ['PH-CORP PIN', 'personalisation'],
  ['PH-CORP PUK', 'personalisation'],
  ['NOT INSERTED', 'not_inserted'],
  ['NOT READY', 'not_ready'],
]);

/**
 * `+CPIN: <code>` -> SIM state (quotes and case tolerated: some firmwares print `"SIM PIN"`);
 * undefined for a line that is not +CPIN, `unknown` for a code not in the list.
 * @example cpinState('+CPIN: SIM PIN') // 'sim_pin' ; cpinState('+CPIN: "READY"') // 'ready'
 */
export function cpinState(line: string): SimState | undefined {
  const m = /^\s*\+CPIN\s*:\s*"?([^"]*?)"?\s*$/i.exec(line);
  if (m === null) return undefined;
  return CPIN_CODES.get((m[1] ?? '').toUpperCase().replace(/\s+/g, ' ')) ?? 'unknown';
}

// +CME ERROR (27.007 9.2.1) and +CMS ERROR (27.005 3.2.5) codes that state what the SIM is doing.
const CME_SIM: ReadonlyMap<number, SimState> = new Map<number, SimState>([
  [5, 'ph_sim_pin'],
  [6, 'ph_sim_pin'],
  [7, 'ph_sim_pin'],
  [10, 'not_inserted'],
  [11, 'sim_pin'],
  [12, 'sim_puk'],
  [13, 'failure'],
  [14, 'busy'],
  [15, 'failure'], // SIM wrong
  [17, 'sim_pin2'],
  [18, 'sim_puk2'],
  ...[40, 41, 42, 43, 44, 45, 46, 47].map((c): [number, SimState] => [c, 'personalisation']),
]);
const CMS_SIM: ReadonlyMap<number, SimState> = new Map<number, SimState>([
  [310, 'not_inserted'],
  [311, 'sim_pin'],
  [312, 'ph_sim_pin'],
  [313, 'failure'],
  [314, 'busy'],
  [315, 'failure'],
  [316, 'sim_puk'],
  [317, 'sim_pin2'],
  [318, 'sim_puk2'],
]);

/**
 * The SIM state an error code reveals, if it is one of the SIM codes.
 * @example simStateOfError('cme', 11) // 'sim_pin' ; simStateOfError('cms', 314) // 'busy'
 */
export function simStateOfError(kind: 'cme' | 'cms', code: number): SimState | undefined {
  return (kind === 'cme' ? CME_SIM : CMS_SIM).get(code);
}

/**
 * True when the SIM state stops the modem from sending or receiving: every state but `ready`,
 * `unknown` (nothing said: the registration decides) and PIN2/PUK2, which guard only the
 * fixed-dialling and charging files and leave SMS and calls working.
 * @example simBlocks('sim_pin') // true ; simBlocks('sim_pin2') // false
 */
export function simBlocks(state: SimState): boolean {
  return state !== 'ready' && state !== 'unknown' && state !== 'sim_pin2' && state !== 'sim_puk2';
}
