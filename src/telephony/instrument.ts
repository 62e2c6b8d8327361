import type { EventBus } from '../events/bus.js';
import type { Registry } from '../metrics/index.js';
import type { FamilyPack } from './catalogue.js';
import { type PackOptions, type Readiness, resolveOptions } from './pack.js';
import { type CallsPack, callsPack } from './packs/calls.js';
import { type MediaPack, mediaPack } from './packs/media.js';
import { type ModemPack, modemPack } from './packs/modem.js';
import { type PbxPack, pbxPack } from './packs/pbx.js';
import { type SimPack, simPack } from './packs/sim.js';
import { type SipPack, sipPack } from './packs/sip.js';
import { type SmsPack, smsPack } from './packs/sms.js';
import { type SourcePack, sourcePack } from './packs/source.js';
import { type TrunksPack, trunksPack } from './packs/trunks.js';
import { type UssdPack, ussdPack } from './packs/ussd.js';
import { type VoiceAiPack, voiceAiPack } from './packs/voiceai.js';

export interface InstrumentOptions extends PackOptions {
  /**
   * Packs to enable, opt-in as in the config file (`[packs]`, all false by default): only those
   * set to true, or `'all'`. The `source` pack (heartbeats, ingest self-metrics) is always on.
   */
  packs?: Partial<Record<FamilyPack, boolean>> | 'all';
}

/** The enabled packs (undefined when disabled), their readiness, and a way to unwire them. */
export interface Instrumentation {
  readonly source: SourcePack;
  readonly sms: SmsPack | undefined;
  readonly ussd: UssdPack | undefined;
  readonly modem: ModemPack | undefined;
  readonly calls: CallsPack | undefined;
  readonly trunks: TrunksPack | undefined;
  readonly sip: SipPack | undefined;
  readonly media: MediaPack | undefined;
  readonly voiceai: VoiceAiPack | undefined;
  readonly pbx: PbxPack | undefined;
  readonly sim: SimPack | undefined;
  /** Readiness of the packs that have one (modem, trunks), for the health module. */
  readiness(): Partial<Record<'modem' | 'trunks', Readiness>>;
  /** Unsubscribe every pack from the bus (metrics stay registered). */
  close(): void;
}

/**
 * Register the chosen packs' metrics on `registry` and wire them to `bus`.
 * @example
 * const bus = new EventBus({ registry });
 * const telephony = instrument(bus, registry, {
 *   prefix: 'sidetone',
 *   packs: { calls: true, sip: true, trunks: true, modem: true, sms: true },
 *   trunks: ['carrier-a'],
 *   operators: ['Vodafone UK'],
 *   staleAfterSeconds: 120,
 *   flapping: { reconnects: 3, windowSeconds: 600 },
 * });
 * telephony.sip?.inviteResult('inbound', 486);
 */
export function instrument(
  bus: EventBus,
  registry: Registry,
  options: InstrumentOptions = {},
): Instrumentation {
  resolveOptions(options); // fail fast, before anything is registered
  const chosen = options.packs;
  const on = (p: FamilyPack) => chosen === 'all' || chosen?.[p] === true;
  const make = <T>(p: FamilyPack, f: (r: Registry, o: PackOptions) => T): T | undefined =>
    on(p) ? f(registry, options) : undefined;
  const packs = {
    source: sourcePack(registry, options),
    sms: make('sms', smsPack),
    ussd: make('ussd', ussdPack),
    modem: make('modem', modemPack),
    calls: make('calls', callsPack),
    trunks: make('trunks', trunksPack),
    sip: make('sip', sipPack),
    media: make('media', mediaPack),
    voiceai: make('voiceai', voiceAiPack),
    pbx: make('pbx', pbxPack),
    sim: make('sim', simPack),
  };
  const offs = Object.values(packs).flatMap((p) => (p === undefined ? [] : [p.subscribe(bus)]));
  return {
    ...packs,
    readiness() {
      const out: Partial<Record<'modem' | 'trunks', Readiness>> = {};
      if (packs.modem !== undefined) out.modem = packs.modem.readiness();
      if (packs.trunks !== undefined) out.trunks = packs.trunks.readiness();
      return out;
    },
    close() {
      for (const off of offs.splice(0)) off();
    },
  };
}
