export { HEP_MAX_CLOCK_SKEW_MS, HEP_REORDER_WINDOW_MS } from '../../config/source-defaults.js';
export { HepCapture, type HepCaptureOptions } from './capture.js';
export { decodeHep, type HepDropReason, HepFramer, type HepPacket, type HepResult } from './decode.js';
export { HepForwarder } from './forward.js';
export {
  jsonRtcp,
  type MediaReport,
  ntpMiddle32,
  parseRtcp,
  type RtcpBlock,
  type RtcpPacket,
  rtcpRttMs,
  vqRtcpXr,
} from './rtcp.js';
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
