/**
 * Metrics of many processes, exposed from one `/metrics`: each worker (Node `cluster` or
 * `worker_threads`) pushes its registry's snapshot to the primary on a period; the primary keeps
 * the last one per worker and merges on scrape. Nothing on the scrape path waits for a worker, so a
 * busy or dead worker never blocks it; a dead worker's counts stay until it is forgotten (restart).
 *
 * @example
 * // worker
 * pushSnapshots(registry, (m) => process.send?.(m));
 * // primary
 * const metrics = new ClusterMetrics(registry, { gauges: { sidetone_call_active: 'sum' } });
 * cluster.on('fork', (w) => w.on('message', (m) => metrics.receive(String(w.id), m)));
 * const text = metrics.render('openmetrics');
 */
import type { ExpositionFormat } from '../metrics/exposition.js';
import type { Registry } from '../metrics/registry.js';
import { type FamilySnapshot, renderSnapshot } from '../metrics/snapshot.js';
import { type MergeOptions, mergeSnapshots } from './merge.js';

export type { GaugePolicy, MergeOptions } from './merge.js';

/** What a worker sends: its families, JSON-safe (cluster IPC is JSON: +Inf and NaN are encoded). */
export interface SnapshotMessage {
  sidetone: 'metrics-snapshot';
  families: unknown;
}

const TAG = 'metrics-snapshot';

/** JSON turns ±Inf and NaN into null; these markers survive it (and structured clone). */
function encode(families: readonly FamilySnapshot[]): unknown {
  return JSON.parse(
    JSON.stringify(families, (_k, v) =>
      typeof v === 'number' && !Number.isFinite(v) ? (Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf') : v,
    ),
  );
}
function decode(families: unknown): FamilySnapshot[] {
  return JSON.parse(JSON.stringify(families), (_k, v) =>
    v === 'NaN'
      ? Number.NaN
      : v === '+Inf'
        ? Number.POSITIVE_INFINITY
        : v === '-Inf'
          ? Number.NEGATIVE_INFINITY
          : v,
  ) as FamilySnapshot[];
}

/**
 * In a worker: send the registry's snapshot every `intervalMs` (after its collect callbacks), and
 * once more when stopped. Returns the stop function.
 * @example
 * const stop = pushSnapshots(registry, (m) => parentPort?.postMessage(m), { intervalMs: 1000 });
 */
export function pushSnapshots(
  registry: Registry,
  send: (message: SnapshotMessage) => void,
  options: { intervalMs?: number } = {},
): () => Promise<void> {
  const push = async () => {
    await registry.collect();
    send({ sidetone: TAG, families: encode(registry.snapshot()) });
  };
  const timer = setInterval(() => void push().catch(() => {}), options.intervalMs ?? 1000);
  timer.unref();
  void push().catch(() => {});
  return async () => {
    clearInterval(timer);
    await push().catch(() => {});
  };
}

/** Is this message a worker's snapshot? */
function isSnapshotMessage(m: unknown): m is SnapshotMessage {
  return typeof m === 'object' && m !== null && (m as { sidetone?: unknown }).sidetone === TAG;
}

/**
 * In the primary: the last snapshot of every worker, merged with the primary's own registry.
 * @example
 * const metrics = new ClusterMetrics(registry);
 * worker.on('message', (m) => metrics.receive('w1', m));
 * res.end(metrics.render('prometheus'));
 */
export class ClusterMetrics {
  private readonly workers = new Map<string, FamilySnapshot[]>();

  /**
   * `createdTimestamps`: OpenMetrics `_created` samples, as the registry option of that name;
   * default: the primary registry's setting (off without one).
   */
  constructor(
    private readonly primary: Registry | undefined,
    private readonly options: MergeOptions & { createdTimestamps?: boolean } = {},
  ) {}

  /** Take a message from worker `id`; anything that is not a snapshot is ignored (false). */
  receive(id: string, message: unknown): boolean {
    if (!isSnapshotMessage(message)) return false;
    this.workers.set(id, decode(message.families));
    return true;
  }

  /** Drop a worker's last snapshot (when it is replaced); until then a dead worker's counts stay. */
  forget(id: string): boolean {
    return this.workers.delete(id);
  }

  /** Workers with a snapshot. */
  get size(): number {
    return this.workers.size;
  }

  /** Every worker's last snapshot and the primary's current one, merged (never waits on a worker). */
  snapshot(): FamilySnapshot[] {
    const all = new Map(this.workers);
    if (this.primary !== undefined) all.set('primary', this.primary.snapshot());
    return mergeSnapshots(all, this.options);
  }

  render(format: ExpositionFormat = 'prometheus'): string {
    const createdTimestamps = this.options.createdTimestamps ?? this.primary?.createdTimestamps ?? false;
    return renderSnapshot(this.snapshot(), format, { createdTimestamps });
  }
}
