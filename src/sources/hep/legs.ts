import { STORE_LIMITS } from '../../domain/limits.js';
import { own } from './call-state.js';
import { header, type SipMessage } from './sip.js';

/**
 * Which calls are legs of one end-to-end call (issue 53): a B2BUA (an SBC, a PBX) answers the
 * caller's INVITE with a dialog of its own and sends a new INVITE, with a new Call-ID, to the
 * callee. Nothing in RFC 3261 links the two; deployments add a header that does, and the operator
 * names it in `hep.leg_correlation`, a list as heplify-server's `AlegIDs`
 * (sipcapture/heplify-server sipparser/parser.go at e359c9e8: the value of the first listed header
 * a message carries becomes its `XCallID`, the A leg's Call-ID Homer joins on):
 * - `X-CID` (Kamailio's `uac_replace`/dialog recipes, FreeSWITCH `sip_h_X-CID`): the A leg's Call-ID
 *   on the B leg's INVITE; the A leg itself carries none, so its key is its own Call-ID;
 * - `X-Leg-ID` or any header both legs carry with one value;
 * - `P-Charging-Vector`: its `icid-value` (RFC 7315 4.6; 3GPP TS 24.229 7.2A.5), the IMS charging
 *   id every leg of a session keeps;
 * - a list of Call-IDs (`a@h1, b@h2`): the first. A Call-ID has no comma (RFC 3261 25.1 `word`).
 *
 * The key is a Call-ID or a value as sensitive as one: it goes on `call.started` as `endToEndId`,
 * which the store keeps only as the keyed hash it keeps Call-IDs as (store/privacy.ts recordIds),
 * never in a label or a log line.
 */

/** The header whose value is a parameter list with the charging id (RFC 7315 4.6). */
const CHARGING_VECTOR = 'p-charging-vector';
const ICID = /(?:^|;)\s*icid-value\s*=\s*("([^"]*)"|[^;\s]+)/i;

/**
 * The end-to-end key of a call's first INVITE: the value of the first of `names` it carries (the
 * `icid-value` of a P-Charging-Vector; the first of a list), else its own Call-ID. Bounded to the
 * store's id length; a copy, never a view of the packet (call-state.ts `own`).
 * @example legKey(invite, ['X-CID']) // the A leg's Call-ID on a B leg, its own on the A leg
 */
export function legKey(msg: SipMessage, names: readonly string[]): string {
  for (const name of names) {
    const v = header(msg, name);
    if (v === undefined) continue;
    const key = name.toLowerCase() === CHARGING_VECTOR ? icid(v) : (v.split(',', 1)[0] ?? '').trim();
    if (key !== '') return own(key.slice(0, STORE_LIMITS.idMax));
  }
  return msg.callId;
}

/** The `icid-value` of a P-Charging-Vector value, '' when it has none. */
function icid(value: string): string {
  const m = ICID.exec(value);
  if (m === null) return '';
  return (m[2] ?? m[1] ?? '').trim();
}
