import { FLOW_SAMPLE } from '../../config/source-defaults.js';
import type { Trunks } from './trunks.js';

export interface HepTrackerOptions {
  /** Trunk rules (compiled); no rules: calls carry no trunk. */
  trunks?: Trunks | undefined;
  /** Timer B, F and H: 64*T1 = 32 s by default (RFC 3261 17.1.1.2, 17.1.2.2, 17.2.1). */
  timerBMs?: number;
  /** Most calls/transactions tracked at once (the oldest goes first, counted as `calls` overflow). */
  maxCalls?: number;
  /** Most registered addresses of record remembered (the oldest goes first, counted as `registrations`). */
  maxRegistrations?: number;
  /** How long an ended call is remembered to absorb retransmissions and late legs. */
  lingerMs?: number;
  /** A call older than this is forgotten even without an end (a lost BYE); default 4 h. */
  maxAgeMs?: number;
  /**
   * An answered call whose receivers reported no stream (or one direction only) this long after the
   * answer is flagged `no_media` (`one_way`) on its `call.ended`, while the capture carries RTCP.
   * Default 15 000 ms (three RTCP intervals, RFC 3550 6.2); 0 turns it off.
   */
  mediaTimeoutMs?: number;
  /**
   * Share of answered calls whose SIP flow (`sip.flow`, the ladder) is kept, 0..1; calls not
   * answered, timed out or with media missing are always kept. Default {@link FLOW_SAMPLE}.
   */
  flowSample?: number;
  /** Flow messages held at once over all tracked calls; past it messages are counted (`flow`), not kept. */
  maxFlowMessages?: number;
  /**
   * Headers that link a B2BUA's legs into one end-to-end call (`hep.leg_correlation`, legs.ts):
   * each call's `call.started` carries the key as `endToEndId`. Empty or unset: no key, each leg
   * is a call of its own.
   */
  legCorrelation?: readonly string[];
  /** Name put in `source` of every event. */
  source?: string;
}

/** The tracker's fixed capacities: the `limit` label of `<prefix>_hep_tracker_overflow_total`. */
export const HEP_TRACKER_LIMITS = [
  'calls',
  'legs',
  'refreshes',
  'reorder',
  'registrations',
  'flow',
  'keepalives',
  'route',
] as const;
export type HepTrackerLimit = (typeof HEP_TRACKER_LIMITS)[number];
