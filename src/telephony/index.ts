export type { CallOutcome, SmsOutcome } from '../domain/labels.js';
export {
  APDU_DIRECTIONS,
  APDU_INS,
  APDU_INS_NAMES,
  BIP_DIRECTIONS,
  BIP_EVENTS,
  CALL_ANOMALIES,
  CALL_OUTCOMES,
  CLCC_STATES,
  CUSD_STATUSES,
  DIALOG_EVENTS,
  HOLD_STATES,
  MOS_CODECS,
  MOS_UNAVAILABLE,
  Q850_CLASSES,
  QUEUE_OUTCOMES,
  RATS,
  REGISTRATION_STATES,
  ROUTING_RESULTS,
  SIP_CLASSES,
  SIP_CODES,
  SIP_METHODS,
  SMS_OUTCOMES,
  STIR_ATTESTATION_LABELS,
  SW_CLASSES,
  TRANSCRIPT_STATES,
  TRUNK_FAILURE_CLASSES,
  UP_DOWN,
} from '../domain/labels.js';
export {
  type CallClass,
  type CallFacts,
  classifyCall,
  hangupCause,
  isNetworkEffective,
} from '../domain/outcome/classify.js';
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
export type { PackBase, PackOptions, Readiness } from './pack.js';
export { type CallsPack, callsPack } from './packs/calls.js';
export { type MediaPack, type MediaSample, mediaPack } from './packs/media.js';
export { type ModemPack, modemPack, SIGNALS, type SignalName } from './packs/modem.js';
export { type PbxPack, pbxPack } from './packs/pbx.js';
export { parseSw, type SimPack, simPack, swClassIndex } from './packs/sim.js';
export { registrationResult, type SipPack, sipPack } from './packs/sip.js';
export { type SmsPack, smsPack } from './packs/sms.js';
export { type SourcePack, sourcePack } from './packs/source.js';
export { type TrunksPack, trunksPack } from './packs/trunks.js';
export { type UssdPack, ussdPack } from './packs/ussd.js';
export { type VoiceAiPack, voiceAiPack } from './packs/voiceai.js';
