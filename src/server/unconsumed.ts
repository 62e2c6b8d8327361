import type { Logger } from 'pino';
import type { EventBus } from '../events/bus.js';
import { EVENT_TYPES } from '../events/predicates.generated.js';
import type { EventType } from '../events/types.js';
import { trusted } from '../logs/index.js';
import type { Registry } from '../metrics/index.js';
import { packsReading } from '../telephony/catalogue.js';

/** The event types something on `bus` listens to now. */
export function listenedTypes(bus: EventBus): ReadonlySet<EventType> {
  return new Set(EVENT_TYPES.filter((t) => bus.listenerCount(t) > 0));
}

/**
 * Count the accepted events nothing turns into data (`<prefix>_events_unconsumed_total{type}`,
 * the registry's prefix, bounded by the event catalogue) and log each such type once, at warn,
 * with the setting that makes it count: a sidecar that answers `200 {"accepted":12}` and then shows nothing must say so.
 * `consumed` is every type a pack, the store or an exporter reads; the other types get a counting
 * listener. Returns a function that removes those listeners.
 *
 * @example
 * const stop = countUnconsumed(bus, registry, { consumed: listenedTypes(bus), log });
 */
export function countUnconsumed(
  bus: EventBus,
  registry: Registry,
  options: { consumed: ReadonlySet<EventType>; log: Logger },
): () => void {
  const counter = registry.counter({
    name: `${registry.prefix}_events_unconsumed_total`,
    help: 'Accepted events that no metric pack, store or exporter reads (their pack is turned off), by type',
    labels: ['type'],
    enums: { type: EVENT_TYPES },
  });
  const offs: Array<() => void> = [];
  for (const type of EVENT_TYPES) {
    if (options.consumed.has(type)) continue;
    const series = counter.labels({ type });
    let logged = false;
    offs.push(
      bus.on(type, () => {
        series.inc();
        if (logged) return;
        logged = true;
        const packs = packsReading(type);
        options.log.warn(
          {
            type: trusted(type),
            packs: trusted(packs.join(',')),
            enable: trusted(packs.map((p) => `--packs.${p} (or [packs] ${p} = true)`).join(', ') || 'none'),
          },
          `accepted ${type} events count nowhere: ${packs.length === 0 ? 'no pack reads them' : `the ${packs.join(', ')} pack is off`}; counted in ${registry.prefix}_events_unconsumed_total`,
        );
      }),
    );
  }
  return () => {
    for (const off of offs.splice(0)) off();
  };
}
