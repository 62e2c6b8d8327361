import type { Histogram } from './histogram.js';
import type { Registry } from './registry.js';

/** Who reads the registry: a scrape by format, or a pusher. */
const RENDER_READERS = ['prometheus', 'openmetrics', 'protobuf', 'remote_write', 'otlp'] as const;

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * `<prefix>_scrape_duration_seconds{format}`: the time to turn the registry into what a reader
 * takes, collect callbacks included. Scrapes and pushes share the family, so the self dashboard's
 * render-time panel and the slow-scrape alert see an instance whether it is scraped or pushes.
 * Defined in one place: the scrape route and the pushers get the same family.
 *
 * @example renderDuration(registry).labels({ format: 'remote_write' }).observe(0.004);
 */
export function renderDuration(registry: Registry): Histogram<'format'> {
  return registry.histogram({
    name: `${registry.prefix}_scrape_duration_seconds`,
    help: 'Time to render the metrics for a reader (a scrape by format, or a push), collect callbacks and compression included',
    unit: 'seconds',
    labels: ['format'],
    enums: { format: RENDER_READERS },
    buckets: BUCKETS,
  });
}
