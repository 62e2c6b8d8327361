export type { CallOutcome, SmsOutcome } from '../domain/labels.js';
export {
  CATALOGUE,
  type ConfigList,
  type FamilyPack,
  type MetricSpec,
  PACK_NAMES,
  type PackName,
} from './catalogue.js';
export { type Instrumentation, type InstrumentOptions, instrument } from './instrument.js';
export type { PackBase, PackOptions, Readiness } from './pack.js';
export type { CallsPack } from './packs/calls.js';
export type { MediaPack, MediaSample } from './packs/media.js';
export type { ModemPack, SignalName } from './packs/modem.js';
export type { PbxPack } from './packs/pbx.js';
export type { SimPack } from './packs/sim.js';
export type { SipPack } from './packs/sip.js';
export type { SmsPack } from './packs/sms.js';
export type { SourcePack } from './packs/source.js';
export type { TrunksPack } from './packs/trunks.js';
export type { UssdPack } from './packs/ussd.js';
export type { VoiceAiPack } from './packs/voiceai.js';
