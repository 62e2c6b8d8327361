export {
  BUCKETS,
  CATALOGUE,
  type ConfigList,
  catalogueEntry,
  type FamilyPack,
  type MetricSpec,
  metricName,
  PACK_NAMES,
  type PackName,
  renderCatalogueMarkdown,
} from './catalogue.js';
export { aiErrorReason, cmsErrorReason, modemDisconnectReason, smsFailureReason } from './classify.js';
export { type Instrumentation, type InstrumentOptions, instrument } from './instrument.js';
export * from './labels.js';
export {
  type CallClass,
  type CallFacts,
  classifyCall,
  hangupCause,
  isNetworkEffective,
} from './outcome/classify.js';
export type { PackBase, PackOptions, Readiness } from './pack.js';
export { type CallsPack, callsPack } from './packs/calls.js';
export { type MediaPack, type MediaSample, mediaPack } from './packs/media.js';
export { type ModemPack, modemPack, SIGNALS, type SignalName } from './packs/modem.js';
export { type PbxPack, pbxPack } from './packs/pbx.js';
export { parseSw, type SimPack, simPack, swClassIndex } from './packs/sim.js';
export { registrationResult, type SipPack, sipPack } from './packs/sip.js';
export { type SmsOutcome, type SmsPack, smsPack } from './packs/sms.js';
export { type SourcePack, sourcePack } from './packs/source.js';
export { type TrunksPack, trunksPack } from './packs/trunks.js';
export { type UssdPack, ussdPack } from './packs/ussd.js';
export { type VoiceAiPack, voiceAiPack } from './packs/voiceai.js';
