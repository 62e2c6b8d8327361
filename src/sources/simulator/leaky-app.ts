import type { Registry } from '../../metrics/registry.js';
import type { Rng } from './random.js';

/**
 * The `leaky-app` scenario: an integration instrumented the way sidetone exists to survive. It puts
 * caller numbers in a label, an unbounded session id in another, and records NaN latencies, once a
 * second. The guard redacts the numbers, the series cap routes new sessions to the overflow series
 * and the bad samples are dropped: `sidetone_label_values_redacted_total`,
 * `sidetone_series_overflow_total` and `sidetone_samples_dropped_total` move, so their alerts and
 * dashboard panels can be seen working (and nothing of the numbers reaches the exposition).
 * @example
 * const tick = leakyApp(registry, rng);
 * tick(); // one second of a leaky integration
 */
export function leakyApp(registry: Registry, rng: Rng): () => void {
  const calls = registry.counter({
    name: 'demo_app_calls_total',
    help: 'Calls seen by a demo integration, by caller (a label that should not exist)',
    labels: ['caller'],
  });
  const sessions = registry.gauge({
    name: 'demo_app_session_active',
    help: 'Sessions of a demo integration, by session id (an unbounded label)',
    labels: ['session'],
    maxSeries: 20,
  });
  const latency = registry.histogram({
    name: 'demo_app_latency_seconds',
    help: 'Latency recorded by a demo integration that sometimes records NaN',
    unit: 'seconds',
  });
  let session = 0;
  return () => {
    calls.labels({ caller: rng.phone() }).inc();
    sessions.labels({ session: `session-${++session}` }).set(1);
    latency.observe(Number.NaN);
  };
}
