import type { EventBus } from '../../events/bus.js';
import type { Registry } from '../../metrics/index.js';
import { eventTime, type PackBase, PackMetrics, type PackOptions, resolveOptions, wire } from '../pack.js';

export interface SourcePack extends PackBase {
  /** A heartbeat arrived (at `ts`, default now). */
  heartbeat(ts?: number): void;
}

/** How far ahead of its arrival a heartbeat may be stamped before it is counted: NTP-synced hosts stay within ms. */
const FUTURE_SKEW_MS = 5000;

/**
 * Heartbeats from event sources: a count and the age of the last one, so an alert can tell a
 * quiet gateway from a dead one. Always enabled by `instrument`.
 * @example const source = sourcePack(registry); source.subscribe(bus);
 */
export function sourcePack(registry: Registry, options: PackOptions = {}): SourcePack {
  const o = resolveOptions(options);
  const m = new PackMetrics(registry, o, 'source');
  const beats = m.counter('source_heartbeats_total').at();
  const future = m.counter('source_heartbeats_future_total').at();
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
      const now = o.now();
      // The age is measured on arrival: a stamp ahead of it is taken as the arrival, or one
      // heartbeat stamped an hour ahead would hold the age at 0 (SidetoneSourceSilent silent) for
      // that hour (issue 47). Past the skew allowance it is counted, so a fast clock shows.
      if (ts !== undefined && ts - now > FUTURE_SKEW_MS) future.inc();
      const t = ts === undefined || ts > now ? now : ts;
      if (!(t < last)) last = t;
      ageSeries.set(Math.max(0, now - last) / 1000);
    },
    subscribe: (bus: EventBus) => wire([bus.on('heartbeat', (e) => pack.heartbeat(eventTime(e.ts, o.now)))]),
  };
  return pack;
}
