import type { Registry } from '../metrics/index.js';
import type { CallStore } from './types.js';

/** The store calls that are timed: the interface's methods, a bounded label set. */
const OPERATIONS = [
  'apply',
  'applyBatch',
  'applySms',
  'applySmsBatch',
  'getCall',
  'recentCalls',
  'iterateCalls',
  'stats',
  'overview',
  'durationPercentiles',
  'series',
  'lastActivityAt',
  'countActiveSince',
  'getSms',
  'iterateSms',
  'smsStats',
  'appendModemSamples',
  'modemHistory',
  'closeZombies',
  'deleteOlderThan',
] as const satisfies readonly (keyof CallStore)[];
type Operation = (typeof OPERATIONS)[number];

/** Store latencies: a prepared SQLite write takes tens of µs, a month's analytics scan seconds. */
const BUCKETS = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30];

/**
 * The call store with database metrics (CardLink's database family): operations, errors and
 * duration by operation, and open connections. Labels are the store's own method names, so
 * nothing of the data (numbers, call ids, SQL text) reaches them; an error is counted, never
 * labelled with its message.
 * @example
 * const store = instrumentStore(await openSqliteCallStore({ path, privacy }), registry);
 * // sidetone_store_operations_total{operation="applyBatch"} 12
 */
export function instrumentStore(
  store: CallStore,
  registry: Registry,
  options: { prefix?: string; connections?: () => number } = {},
): CallStore {
  const prefix = options.prefix ?? 'sidetone';
  const labels = ['operation'] as const;
  const enums = { operation: OPERATIONS };
  const ops = registry.counter({
    name: `${prefix}_store_operations_total`,
    help: 'Call store operations by operation (the store API method)',
    labels,
    enums,
  });
  const errors = registry.counter({
    name: `${prefix}_store_errors_total`,
    help: 'Call store operations that failed, by operation',
    labels,
    enums,
  });
  const seconds = registry.histogram({
    name: `${prefix}_store_operation_seconds`,
    help: 'Call store operation duration by operation (for streams: until the last row)',
    unit: 'seconds',
    labels,
    enums,
    buckets: BUCKETS,
  });
  let open = 1;
  registry.gauge({
    name: `${prefix}_store_connections`,
    help: 'Database connections the call store holds open',
    collect: (g) => g.set(options.connections?.() ?? open),
  });
  const handles = new Map(
    OPERATIONS.map((op) => [
      op,
      {
        ops: ops.labels({ operation: op }),
        errors: errors.labels({ operation: op }),
        seconds: seconds.labels({ operation: op }),
      },
    ]),
  );
  const done = (op: Operation, start: number, failed: boolean) => {
    const h = handles.get(op);
    if (h === undefined) return;
    h.ops.inc();
    if (failed) h.errors.inc();
    h.seconds.observe((performance.now() - start) / 1000);
  };

  const wrapped = Object.create(null) as Record<string, unknown>;
  for (const op of OPERATIONS) {
    const fn = (store[op] as (...args: unknown[]) => unknown).bind(store);
    if (op === 'iterateCalls' || op === 'iterateSms') {
      wrapped[op] = (...args: unknown[]) => timedIterable(fn(...args) as AsyncIterable<unknown>, op, done);
    } else {
      wrapped[op] = async (...args: unknown[]) => {
        const start = performance.now();
        try {
          const r = await fn(...args);
          done(op, start, false);
          return r;
        } catch (err) {
          done(op, start, true);
          throw err;
        }
      };
    }
  }
  wrapped.close = async () => {
    await store.close();
    open = 0;
  };
  // Anything else a backend offers (a method added later, a property) passes through untimed.
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && prop in wrapped) return wrapped[prop];
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function timedIterable<T>(
  source: AsyncIterable<T>,
  op: Operation,
  done: (op: Operation, start: number, failed: boolean) => void,
): AsyncIterable<T> {
  return {
    async *[Symbol.asyncIterator]() {
      const start = performance.now();
      let failed = false;
      try {
        yield* source;
      } catch (err) {
        failed = true;
        throw err;
      } finally {
        done(op, start, failed);
      }
    },
  };
}
