import { CONFIG_PACKS } from '../config/checks.js';
import { withPrices } from '../config/prices.js';
import type { SidetoneConfig } from '../config/schema.js';
import type { EventBus } from '../events/bus.js';
import type { Registry } from '../metrics/index.js';
import { DEMO_AGENTS, DEMO_MODELS } from '../sources/simulator/voice.js';
import type { ConfigList } from '../telephony/catalogue.js';
import { instrument } from '../telephony/index.js';

/**
 * Every pack the operator did not turn off (`packs.<name> = false`): `POST /events` accepts
 * every event type, and the modem's RING/+CLCC and HEP's calls need packs beyond their own.
 * Counted by the sidecar's label sets; `exemplar` links latency buckets to a call's trace.
 */
export function sidecarPacks(
  bus: EventBus,
  registry: Registry,
  config: SidetoneConfig,
  labels: SidetoneConfig['labels'],
  exemplar: (callId: string) => Record<string, string> | undefined,
  more: {
    /** The packs' clock; virtual in the simulated-time alert tests (test/rules/simulated.ts). */
    now?: () => number;
    /** A name outside `labels.agents` / `labels.models`, the first of each list (logged once). */
    onUnconfiguredName?: (list: ConfigList, name: string) => void;
  } = {},
) {
  const packs = Object.fromEntries(CONFIG_PACKS.map((p) => [p, config.packs[p] !== false]));
  return instrument(bus, registry, {
    prefix: config.metrics.prefix,
    packs,
    ...labels,
    flapping: {
      reconnects: config.modem.flapping_reconnects,
      windowSeconds: config.modem.flapping_window_seconds,
    },
    deadAirSeconds: config.voiceai.dead_air_seconds,
    ...withPrices(config),
    exemplar,
    ...(more.now && { now: more.now }),
    ...(more.onUnconfiguredName && { onUnconfiguredName: more.onUnconfiguredName }),
  });
}

/** Trunk names from HEP trunk rules become labels too: a rule is a declaration of the trunk. */
export function withSourceTrunks(
  labels: SidetoneConfig['labels'],
  config: SidetoneConfig,
): SidetoneConfig['labels'] {
  const extra = config.hep.trunks.map((t) => t.name).filter((n) => !labels.trunks.includes(n));
  return extra.length === 0 ? labels : { ...labels, trunks: [...labels.trunks, ...extra] };
}

/** The demo runs every pack; give it the names its simulator uses, unless configured. */
export function demoLabels(config: SidetoneConfig): SidetoneConfig['labels'] {
  const l = config.labels;
  return {
    ...l,
    trunks: l.trunks.length > 0 ? l.trunks : ['trunk-a', 'trunk-b'],
    queues: l.queues.length > 0 ? l.queues : ['support', 'sales'],
    operators: l.operators.length > 0 ? l.operators : ['Demo Mobile'],
    agents: l.agents.length > 0 ? l.agents : [...DEMO_AGENTS],
    models: l.models.length > 0 ? l.models : [...DEMO_MODELS],
  };
}
