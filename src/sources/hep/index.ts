export { decodeHep, type HepDropReason, HepFramer, type HepPacket, type HepResult } from './decode.js';
export { binaryRtcp, jsonRtcp, type MediaReport, ntpMiddle32, vqRtcpXr } from './rtcp.js';
export { header, parseSip, type SipMessage, uriUser } from './sip.js';
export {
  HEP_RESULTS,
  type HepListener,
  HepSource,
  type HepSourceOptions,
  parseHepUrl,
} from './source.js';
export { HepTracker, type HepTrackerOptions } from './tracker.js';
export { compileTrunks, type TrunkMatch, type TrunkRule, type Trunks } from './trunks.js';
