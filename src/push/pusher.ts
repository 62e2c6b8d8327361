import type { Registry } from '../metrics/registry.js';
import { renderDuration } from '../metrics/render-time.js';
import type { FamilySnapshot } from '../metrics/snapshot.js';
import { sidetoneVersion } from '../runtime/version.js';
import { withUp } from './identity.js';
import type { WriteRequest } from './proto.js';
import { DiskQueue } from './queue.js';
import { encodeWriteRequest, sampleCount, toWriteRequest } from './remote-write.js';

/** What the pusher reads: a registry (or anything with the same two methods). */
export interface SnapshotSource {
  collect(): Promise<unknown>;
  snapshot(): readonly FamilySnapshot[];
}

export interface RemoteWriteOptions {
  /** The metrics to push; its `collect()` runs before each snapshot, as for a scrape. */
  source: SnapshotSource;
  /** Where the pusher's own metrics go (queue size, samples sent and dropped). Default: none. */
  selfMetrics?: Registry;
  /** Remote-write endpoint, e.g. `http://prometheus:9090/api/v1/write`. */
  url: string;
  /**
   * Labels on every series, as Prometheus' `external_labels`: `job` and `instance` (what a scrape
   * adds; without them a fleet's instances overwrite each other) and any of the operator's. A
   * series' own label wins. With any, an `up` sample of 1 is pushed too ({@link withUp}). Default none.
   */
  externalLabels?: Readonly<Record<string, string>>;
  /** Snapshot period. Default 15 s. */
  intervalMs?: number;
  /** One request's time limit. Default 10 s. */
  timeoutMs?: number;
  /** Directory of the on-disk queue (created 0700). */
  queueDir: string;
  /** Queue cap in bytes (compressed bodies); past it the oldest snapshots are dropped and counted. Default 64 MiB. */
  queueMaxBytes?: number;
  /** `Authorization: Bearer`. */
  bearerToken?: string;
  /** `Authorization: Basic`. */
  basic?: { username: string; password: string };
  /** Longest wait between retries while the receiver is down. Default 30 s. */
  maxBackoffMs?: number;
  logger?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** Called with each request as it is queued (inspection, tests). */
  onEnqueue?: (req: WriteRequest, timestampMs: number) => void;
}

/** A running pusher. */
export interface RemoteWriter {
  /** Take a snapshot now and queue it. */
  tick(): Promise<void>;
  /** Resolves when the queue is empty (or `timeoutMs` passes: false). */
  drained(timeoutMs?: number): Promise<boolean>;
  readonly queue: { readonly segments: number; readonly bytes: number; readonly samples: number };
  /** Stop the timer, queue a last snapshot, try to deliver for up to `timeoutMs`, stop. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Push metrics with Prometheus remote-write 1.0 (protobuf + Snappy) for hosts that cannot be
 * scraped. Every `intervalMs` a snapshot is stamped with its time and written to the on-disk
 * queue before any send is tried, so an outage, a restart or a crash loses nothing that was
 * queued: segments go out oldest first with their original timestamps once the receiver is back.
 * A 2xx deletes a segment; a 4xx other than 429 means the receiver will never take it (logged,
 * counted, deleted); anything else is retried with capped exponential backoff.
 *
 * @example
 * const writer = startRemoteWrite({ source: registry, url: 'https://prom.example/api/v1/write',
 *   queueDir: '/var/lib/sidetone/push', bearerToken: process.env.PUSH_TOKEN });
 */
export function startRemoteWrite(options: RemoteWriteOptions): RemoteWriter {
  const intervalMs = options.intervalMs ?? 15_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxBackoff = options.maxBackoffMs ?? 30_000;
  const external = Object.entries(options.externalLabels ?? {});
  const m = options.selfMetrics;
  const samples = m?.counter({
    name: `${m.prefix}_push_samples_total`,
    help: 'Remote-write samples by outcome: sent (2xx), rejected (4xx, never retried), dropped (the queue was full)',
    labels: ['outcome'],
    enums: { outcome: ['sent', 'rejected', 'dropped'] },
  });
  const requests = m?.counter({
    name: `${m.prefix}_push_requests_total`,
    help: 'Remote-write requests by result',
    labels: ['result'],
    enums: { result: ['ok', 'rejected', 'retry'] },
  });
  const queueBytes = m?.gauge({
    name: `${m.prefix}_push_queue_bytes`,
    help: 'Bytes waiting in the remote-write disk queue',
    unit: 'bytes',
  });
  const queueSamples = m?.gauge({
    name: `${m.prefix}_push_queue_samples`,
    help: 'Samples waiting in the remote-write disk queue',
  });
  const renderTime = m === undefined ? undefined : renderDuration(m).labels({ format: 'remote_write' });
  const lastOk = m?.gauge({
    name: `${m.prefix}_push_last_success_timestamp_seconds`,
    help: 'When a remote-write request last succeeded',
    unit: 'seconds',
  });

  const queue = new DiskQueue({
    dir: options.queueDir,
    maxBytes: options.queueMaxBytes ?? 64 * 1024 * 1024,
    onDrop: (n, segments) => {
      samples?.inc({ outcome: 'dropped' }, n);
      options.logger?.warn({ samples: n, segments }, 'remote-write queue full: dropped the oldest samples');
    },
  });
  const gauges = () => {
    queueBytes?.set(queue.bytes);
    queueSamples?.set(queue.samples);
  };
  gauges();

  const headers: Record<string, string> = {
    'content-type': 'application/x-protobuf',
    'content-encoding': 'snappy',
    'x-prometheus-remote-write-version': '0.1.0',
    'user-agent': `sidetone/${sidetoneVersion()}`,
  };
  if (options.bearerToken !== undefined) headers.authorization = `Bearer ${options.bearerToken}`;
  else if (options.basic !== undefined)
    headers.authorization = `Basic ${Buffer.from(`${options.basic.username}:${options.basic.password}`).toString('base64')}`;

  let stopped = false;
  let wake: (() => void) | undefined;
  const nudge = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const sleep = (ms: number) =>
    new Promise<void>((r) => {
      const t = setTimeout(() => {
        wake = undefined;
        r();
      }, ms);
      wake = () => {
        clearTimeout(t);
        r();
      };
    });

  let ticking: Promise<void> = Promise.resolve();
  const tick = () => {
    // A failed tick must not wedge the chain: each one starts from a settled promise.
    ticking = ticking
      .catch(() => {})
      .then(async () => {
        const started = performance.now();
        await options.source.collect();
        const at = Date.now();
        const snapshot = options.source.snapshot();
        const req = toWriteRequest(external.length > 0 ? withUp(snapshot) : snapshot, at, external);
        options.onEnqueue?.(req, at);
        const n = sampleCount(req);
        const body = encodeWriteRequest(req);
        renderTime?.observe((performance.now() - started) / 1000);
        try {
          queue.append(body, n);
        } catch (err) {
          // A full or read-only disk: these samples cannot be kept, so they are counted as dropped.
          samples?.inc({ outcome: 'dropped' }, n);
          throw err;
        }
        gauges();
        nudge();
      });
    return ticking;
  };

  /** Send the oldest segment: true when it left the queue. */
  const sendOne = async (): Promise<boolean | undefined> => {
    const seg = queue.peek();
    if (seg === undefined) return undefined;
    let status = 0;
    let detail = '';
    try {
      const res = await fetch(options.url, {
        method: 'POST',
        headers,
        body: new Uint8Array(queue.read(seg)),
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = res.status;
      if (!res.ok) detail = (await res.text()).slice(0, 200);
      else await res.arrayBuffer();
    } catch (err) {
      detail = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.name) : 'error';
    }
    if (status >= 200 && status < 300) {
      queue.remove(seg);
      samples?.inc({ outcome: 'sent' }, seg.samples);
      requests?.inc({ result: 'ok' });
      lastOk?.set(Date.now() / 1000);
      gauges();
      return true;
    }
    if (status >= 400 && status < 500 && status !== 429) {
      queue.remove(seg);
      samples?.inc({ outcome: 'rejected' }, seg.samples);
      requests?.inc({ result: 'rejected' });
      options.logger?.warn(
        { status, detail, samples: seg.samples },
        'remote-write receiver refused a request; dropped it',
      );
      gauges();
      return true;
    }
    requests?.inc({ result: 'retry' });
    options.logger?.warn({ status, detail, queued: queue.length }, 'remote-write failed; will retry');
    return false;
  };

  let backoff = 0;
  const loop = (async () => {
    while (!stopped) {
      let sent: boolean | undefined = false;
      try {
        sent = await sendOne();
      } catch (err) {
        // A segment file that vanished or cannot be read: forget it rather than stall the queue.
        const seg = queue.peek();
        if (seg !== undefined) {
          queue.remove(seg);
          samples?.inc({ outcome: 'dropped' }, seg.samples);
        }
        options.logger?.warn(
          { error: err instanceof Error ? err.message : String(err) },
          'remote-write queue read failed',
        );
      }
      if (sent === undefined) await sleep(intervalMs);
      else if (sent) backoff = 0;
      else {
        backoff = Math.min(maxBackoff, backoff === 0 ? 250 : backoff * 2);
        await sleep(backoff);
      }
    }
  })();

  const timer = setInterval(() => {
    tick().catch((err: unknown) =>
      options.logger?.warn(
        { error: err instanceof Error ? err.message : String(err) },
        'remote-write snapshot failed',
      ),
    );
  }, intervalMs);
  timer.unref();

  const drained = async (limitMs = timeoutMs) => {
    const end = Date.now() + limitMs;
    while (queue.length > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    return queue.length === 0;
  };

  let stopping: Promise<void> | undefined;
  return {
    tick,
    drained,
    get queue() {
      return { segments: queue.length, bytes: queue.bytes, samples: queue.samples };
    },
    stop() {
      if (stopping === undefined) {
        stopping = (async () => {
          clearInterval(timer);
          await tick().catch(() => {});
          await drained(timeoutMs);
          stopped = true;
          nudge();
          await loop;
        })();
      }
      return stopping;
    },
  };
}
