export type { HepCaptureOptions } from './capture.js';
export type { HepDropReason, HepPacket, HepResult } from './decode.js';
export type { MediaReport, RtcpBlock, RtcpPacket } from './rtcp.js';
export type { SipMessage } from './sip.js';
export { type HepListener, HepSource, type HepSourceOptions } from './source.js';
export type { HepTrackerOptions } from './tracker.js';
export type { TrunkMatch, TrunkRule, Trunks } from './trunks.js';
