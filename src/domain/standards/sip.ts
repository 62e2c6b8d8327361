/**
 * SIP label bounds (RFC 3261), SIP <-> Q.850 cause mapping (RFC 3398 7.2.4.1 and 8.2.6.1) and
 * network effectiveness (ITU-T E.425).
 */

export type SipClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | '6xx' | 'other';
const CLASSES: readonly SipClass[] = ['other', '1xx', '2xx', '3xx', '4xx', '5xx', '6xx'];

/**
 * Response code -> class label. Only integers in 100..699 have a class (RFC 3261 7.2); anything
 * else (99, 700, 486.5, NaN, a string) is `other`, so a label never takes an unbounded value.
 * Hot path: no allocation.
 *
 * @example sipClass(486) // '4xx' ; sipClass(700) // 'other'
 */
export function sipClass(code: number): SipClass {
  if (typeof code !== 'number' || !Number.isInteger(code) || code < 100 || code > 699) return 'other';
  return CLASSES[(code / 100) | 0] ?? 'other';
}

export type SipMethod =
  | 'INVITE'
  | 'ACK'
  | 'BYE'
  | 'CANCEL'
  | 'REGISTER'
  | 'OPTIONS'
  | 'PRACK'
  | 'SUBSCRIBE'
  | 'NOTIFY'
  | 'PUBLISH'
  | 'INFO'
  | 'REFER'
  | 'MESSAGE'
  | 'UPDATE'
  | 'other';

/**
 * Method -> bounded label: the 14 methods of RFC 3261 and its extensions (3262 PRACK, 6665
 * SUBSCRIBE/NOTIFY, 3903 PUBLISH, 6086 INFO, 3515 REFER, 3428 MESSAGE, 3311 UPDATE).
 * Case-sensitive, because RFC 3261 makes the method token case-sensitive: `invite` is a different
 * (unknown) method, so it is `other`. Hot path: the returned strings are literals.
 *
 * @example sipMethod('INVITE') // 'INVITE' ; sipMethod('invite') // 'other'
 */
export function sipMethod(method: string): SipMethod {
  switch (method) {
    case 'INVITE':
      return 'INVITE';
    case 'ACK':
      return 'ACK';
    case 'BYE':
      return 'BYE';
    case 'CANCEL':
      return 'CANCEL';
    case 'REGISTER':
      return 'REGISTER';
    case 'OPTIONS':
      return 'OPTIONS';
    case 'PRACK':
      return 'PRACK';
    case 'SUBSCRIBE':
      return 'SUBSCRIBE';
    case 'NOTIFY':
      return 'NOTIFY';
    case 'PUBLISH':
      return 'PUBLISH';
    case 'INFO':
      return 'INFO';
    case 'REFER':
      return 'REFER';
    case 'MESSAGE':
      return 'MESSAGE';
    case 'UPDATE':
      return 'UPDATE';
    default:
      return 'other';
  }
}

// RFC 3398 7.2.4.1, ISUP cause (REL) -> SIP response. Cause 16 has no entry: normal clearing
// becomes a BYE or CANCEL, not a response. Two corrections to the RFC text:
// - 29 "facility rejected" is printed as "510 Not implemented"; 510 is not a SIP code and the
//   reason phrase is that of 501, so 501 is used.
// - 22 "number changed" is 410 without a diagnostic; the 301 variant needs the new number from
//   the diagnostic field, which a cause value alone does not carry, so 410 is used.
// biome-ignore format: a table reads better in rows
const Q850_TO_SIP: ReadonlyMap<number, number> = new Map([
  [1, 404], [2, 404], [3, 404], [17, 486], [18, 408], [19, 480], [20, 480], [21, 403],
  [22, 410], [23, 410], [26, 404], [27, 502], [28, 484], [29, 501], [31, 480], [34, 503],
  [38, 503], [41, 503], [42, 503], [47, 503], [55, 403], [57, 403], [58, 503], [65, 488],
  [70, 488], [79, 501], [87, 403], [88, 503], [102, 504], [111, 500], [127, 500],
]);

/**
 * Q.850 cause -> SIP response per RFC 3398 7.2.4.1. Cause 21 gives 403, or 603 when the cause
 * location is the user (the table's "+" note). Causes the table does not list (and 16, which
 * maps to BYE/CANCEL) give undefined; gateways commonly fall back to 500 or 480, but that is
 * their policy, not the RFC's.
 *
 * @example q850ToSip(17) // 486 ; q850ToSip(21, { locationUser: true }) // 603
 */
export function q850ToSip(cause: number, options: { locationUser?: boolean } = {}): number | undefined {
  if (cause === 21 && options.locationUser === true) return 603;
  return Q850_TO_SIP.get(cause);
}

// RFC 3398 8.2.6.1, SIP response -> ISUP cause (REL). 487 has "no mapping" and 488/606 map "by
// Warning header", so they are absent. The RFC prints the 505 row as "504 Version Not
// Supported" (504 already appears as Server time-out); it is read as 505.
// biome-ignore format: a table reads better in rows
const SIP_TO_Q850: ReadonlyMap<number, number> = new Map([
  [400, 41], [401, 21], [402, 21], [403, 21], [404, 1], [405, 63], [406, 79], [407, 21],
  [408, 102], [410, 22], [413, 127], [414, 127], [415, 79], [416, 127], [420, 127], [421, 127],
  [423, 127], [480, 18], [481, 41], [482, 25], [483, 25], [484, 28], [485, 1], [486, 17],
  [500, 41], [501, 79], [502, 38], [503, 41], [504, 102], [505, 127], [513, 127], [600, 17],
  [603, 21], [604, 1],
]);

/**
 * SIP final response -> Q.850 cause per RFC 3398 8.2.6.1; undefined for codes the table does
 * not map (2xx/3xx, 487, 488, 606 and unlisted codes).
 *
 * @example sipToQ850(486) // 17 ; sipToQ850(404) // 1 ; sipToQ850(487) // undefined
 */
export function sipToQ850(code: number): number | undefined {
  return SIP_TO_Q850.get(code);
}

export type Q850Class =
  | 'normal'
  | 'busy'
  | 'no_answer'
  | 'unavailable'
  | 'rejected'
  | 'unallocated'
  | 'network'
  | 'other';

/**
 * Q.850 cause -> bounded label for dashboards, grouping by who ended the call and why:
 * - normal: 16 normal clearing, 31 normal unspecified
 * - busy: 17 user busy
 * - no_answer: 18 no user responding, 19 no answer (user alerted)
 * - unavailable: 20 subscriber absent (phone off / out of coverage)
 * - rejected: 21 call rejected, 24 rejected by a feature at the destination, 55/87 closed user
 *   group barring, 57 bearer capability not authorized
 * - unallocated: 1 unallocated number, 22 number changed, 28 invalid number format
 * - network: 2/3 no route, 25 exchange routing error, 27 destination out of order, 32..47 the
 *   Q.850 "resource unavailable" class (34 no circuit, 38 network out of order, 41 temporary
 *   failure, 42 congestion, 47 ...), 102 recovery on timer expiry
 * - other: everything else (service/option, protocol errors, 127 interworking, out of range)
 *
 * @example q850Class(17) // 'busy' ; q850Class(34) // 'network' ; q850Class(127) // 'other'
 */
export function q850Class(cause: number): Q850Class {
  switch (cause) {
    case 16:
    case 31:
      return 'normal';
    case 17:
      return 'busy';
    case 18:
    case 19:
      return 'no_answer';
    case 20:
      return 'unavailable';
    case 21:
    case 24:
    case 55:
    case 57:
    case 87:
      return 'rejected';
    case 1:
    case 22:
    case 28:
      return 'unallocated';
    case 2:
    case 3:
    case 25:
    case 27:
    case 102:
      return 'network';
    default:
      return Number.isInteger(cause) && cause >= 32 && cause <= 47 ? 'network' : 'other';
  }
}

/**
 * ITU-T E.425 network effectiveness for a Q.850 cause: the network did its job when the call
 * was answered or stopped at the user (16 normal clearing, 17 busy, 18 no user responding,
 * 19 no answer, 21 rejected).
 *
 * @example isNetworkEffective(17) // true ; isNetworkEffective(34) // false
 */
export function isNetworkEffective(cause: number): boolean {
  return cause === 16 || cause === 17 || cause === 18 || cause === 19 || cause === 21;
}

/**
 * E.425 network effectiveness for a SIP final response: 200 (answered), 486/600 (busy -> 17),
 * 480 (no answer -> 18), 603 (decline -> 21). This is deliberately not `isNetworkEffective(
 * sipToQ850(code))`: RFC 3398 maps 401/407 to cause 21, but an authentication challenge says
 * nothing about the called user, so it must not count as effective.
 *
 * @example isSipNetworkEffective(486) // true ; isSipNetworkEffective(407) // false
 */
export function isSipNetworkEffective(code: number): boolean {
  return code === 200 || code === 486 || code === 600 || code === 480 || code === 603;
}
