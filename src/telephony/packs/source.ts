import type { EventBus } from '../../events/bus.js';
import type { Registry } from '../../metrics/index.js';
import { eventTime, type PackBase, PackMetrics, type PackOptions, resolveOptions, wire } from '../pack.js';

export interface SourcePack extends PackBase {
  /** A heartbeat arrived (at `ts`, default now). */
  heartbeat(ts?: number): void;
}

/**
 * Heartbeats from event sources: a count and the age of the last one, so an alert can tell a
 * quiet gateway from a dead one. Always enabled by `instrument`.
 * @example const source = sourcePack(registry); source.subscribe(bus);
 */
export function sourcePack(registry: Registry, options: PackOptions = {}): SourcePack {
  const o = resolveOptions(options);
  const m = new PackMetrics(registry, o, 'source');
  const beats = m.counter('source_heartbeats_total').at();
  let last = Number.NaN;
  const ageSeries = m
    .gauge('source_heartbeat_age_seconds', () => {
      if (!Number.isNaN(last)) ageSeries.set(Math.max(0, o.now() - last) / 1000);
    })
    .at();
  const pack: SourcePack = {
    name: 'source',
    heartbeat(ts) {
      beats.inc();
      const t = ts ?? o.now();
      if (!(t < last)) last = t;
      ageSeries.set(Math.max(0, o.now() - last) / 1000);
    },
    subscribe: (bus: EventBus) => wire([bus.on('heartbeat', (e) => pack.heartbeat(eventTime(e.ts, o.now)))]),
  };
  return pack;
}
