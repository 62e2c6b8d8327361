import { readdir, readFile, statfs } from 'node:fs/promises';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import type { LoopSampler } from '../health/loop-sampler.js';
import type { Registry } from '../metrics/index.js';
import { eventLoopMetrics } from './event-loop.js';
import { sidetoneVersion } from './version.js';

export interface RuntimeMetricsOptions {
  /** `version` label of `<prefix>_build_info` (the registry's prefix). Default: sidetone's package version. */
  version?: string;
  /** monitorEventLoopDelay sampling interval. Default 10 ms. */
  eventLoopResolutionMs?: number;
  /**
   * Sample the event loop with this sampler instead (its resolution, not `eventLoopResolutionMs`):
   * the sidecar's, shared with its health check, which parks while the loop has no work.
   */
  eventLoopSampler?: LoopSampler;
  /** Observe GC pauses. Default true. */
  gc?: boolean;
  /**
   * Filesystems to report size and free space of (`system_disk_*_bytes{path}`), e.g. the store's
   * directory. Configuration, so a bounded label. Default none.
   */
  diskPaths?: readonly string[];
  /**
   * Read the process and system values (CPU, memory, uptime, fds, threads, network, disks) at most
   * once per this many ms; a scrape in between serves the last reading (CardLink's collection
   * interval). Default 0: at every scrape. The event-loop and GC families are not sampled here.
   */
  collectEveryMs?: number;
}

/** A gate for one collector: true when it should read now (always for `ms` 0), false within `ms` of the last read. */
function gate(ms: number): () => boolean {
  let last = Number.NEGATIVE_INFINITY;
  return () => {
    if (!(ms > 0)) return true;
    const now = performance.now();
    if (now - last < ms) return false;
    last = now;
    return true;
  };
}

/** GC pause buckets in seconds: minor GCs take ~1 ms, a major GC on a Pi can take 100 ms+. */
export const GC_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/**
 * Register the process and Node runtime metrics (names follow Prometheus' process collector and
 * prom-client, so existing dashboards work):
 * `process_cpu_{user,system,}seconds_total`, `process_resident_memory_bytes`,
 * `process_open_fds` / `process_max_fds` (Linux), `process_start_time_seconds`,
 * `process_uptime_seconds`, `nodejs_heap_size_{used,total}_bytes`, `nodejs_external_memory_bytes`,
 * `nodejs_active_resources`, `nodejs_gc_duration_seconds{kind}`, the event-loop delay family (see
 * `eventLoopMetrics`) and `sidetone_build_info{version,node}`; on Linux also `process_threads` and
 * `system_network_{receive,transmit}_bytes_total{device}`, and `system_disk_{size,free}_bytes{path}`
 * for the configured paths (CardLink's system family). Values are read at scrape time.
 *
 * @example
 * const runtime = runtimeMetrics(registry);
 * // on shutdown:
 * runtime.stop();
 */
export function runtimeMetrics(registry: Registry, options: RuntimeMetricsOptions = {}): { stop(): void } {
  const ms = options.collectEveryMs ?? 0;
  const [cpuDue, memoryDue, uptimeDue, resourcesDue] = [gate(ms), gate(ms), gate(ms), gate(ms)];
  const startSeconds = Math.round(Date.now() - performance.now()) / 1000;
  const user = registry.counter({
    name: 'process_cpu_user_seconds_total',
    help: 'User CPU time spent in seconds',
    unit: 'seconds',
  });
  const system = registry.counter({
    name: 'process_cpu_system_seconds_total',
    help: 'System CPU time spent in seconds',
    unit: 'seconds',
  });
  registry.counter({
    name: 'process_cpu_seconds_total',
    help: 'Total user and system CPU time spent in seconds',
    unit: 'seconds',
    collect: (total) => {
      if (!cpuDue()) return;
      const cpu = process.cpuUsage();
      user.set(undefined, cpu.user / 1e6);
      system.set(undefined, cpu.system / 1e6);
      total.set(undefined, (cpu.user + cpu.system) / 1e6);
    },
  });
  const heapUsed = registry.gauge({
    name: 'nodejs_heap_size_used_bytes',
    help: 'V8 heap used',
    unit: 'bytes',
  });
  const heapTotal = registry.gauge({
    name: 'nodejs_heap_size_total_bytes',
    help: 'V8 heap size',
    unit: 'bytes',
  });
  const external = registry.gauge({
    name: 'nodejs_external_memory_bytes',
    help: 'Memory of C++ objects bound to JavaScript objects (buffers)',
    unit: 'bytes',
  });
  registry.gauge({
    name: 'process_resident_memory_bytes',
    help: 'Resident memory size in bytes',
    unit: 'bytes',
    collect: (rss) => {
      if (!memoryDue()) return;
      const m = process.memoryUsage();
      rss.set(m.rss);
      heapUsed.set(m.heapUsed);
      heapTotal.set(m.heapTotal);
      external.set(m.external);
    },
  });
  registry
    .gauge({
      name: 'process_start_time_seconds',
      help: 'Start time of the process since the Unix epoch in seconds',
      unit: 'seconds',
    })
    .set(startSeconds);
  registry.gauge({
    name: 'process_uptime_seconds',
    help: 'Seconds since the process started',
    unit: 'seconds',
    collect: (g) => {
      if (uptimeDue()) g.set(process.uptime());
    },
  });
  registry.gauge({
    name: 'nodejs_active_resources',
    help: 'Resources (handles, requests, timers) keeping the event loop alive',
    collect: (g) => {
      if (resourcesDue()) g.set(process.getActiveResourcesInfo().length);
    },
  });
  if (process.platform === 'linux') {
    registerFds(registry, gate(ms));
    registerThreads(registry, gate(ms));
    registerNetwork(registry, gate(ms));
  }
  if ((options.diskPaths ?? []).length > 0) registerDisks(registry, options.diskPaths ?? [], gate(ms));
  registry.info({
    name: `${registry.prefix}_build`,
    help: 'sidetone build information',
    values: { version: options.version ?? sidetoneVersion(), node: process.version },
  });
  const stopLoop = eventLoopMetrics(registry, {
    resolutionMs: options.eventLoopResolutionMs ?? 10,
    ...(options.eventLoopSampler !== undefined && { sampler: options.eventLoopSampler }),
  });
  const stopGc = options.gc === false ? () => {} : gcMetrics(registry);
  return {
    stop() {
      stopLoop();
      stopGc();
    },
  };
}

function registerFds(registry: Registry, due: () => boolean): void {
  const max = registry.gauge({
    name: 'process_max_fds',
    help: 'Maximum number of open file descriptors (soft limit)',
    initial: 'unknown',
  });
  registry.gauge({
    name: 'process_open_fds',
    help: 'Number of open file descriptors',
    initial: 'unknown',
    collect: async (open) => {
      if (!due()) return;
      // A missing /proc (a container without it) is not a scrape failure: leave the values unknown.
      const [fds, limits] = await Promise.all([
        readdir('/proc/self/fd').catch(() => undefined),
        readFile('/proc/self/limits', 'utf8').catch(() => undefined),
      ]);
      // readdir's own descriptor is in the listing.
      if (fds !== undefined) open.set(fds.length - 1);
      const soft = limits?.match(/^Max open files\s+(\d+|unlimited)/m)?.[1];
      if (soft !== undefined && soft !== 'unlimited') max.set(Number(soft));
    },
  });
}

function gcMetrics(registry: Registry): () => void {
  const hist = registry.histogram({
    name: 'nodejs_gc_duration_seconds',
    help: 'Garbage collection pauses by kind',
    unit: 'seconds',
    labels: ['kind'],
    enums: { kind: Object.values(GC_KINDS) },
    buckets: GC_BUCKETS,
  });
  const handles = new Map(Object.entries(GC_KINDS).map(([k, kind]) => [Number(k), hist.labels({ kind })]));
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = ((entry as { detail?: unknown }).detail as { kind?: number } | undefined)?.kind;
      const series = kind === undefined ? undefined : handles.get(kind);
      series?.observe(entry.duration / 1000);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
}

function registerThreads(registry: Registry, due: () => boolean): void {
  registry.gauge({
    name: 'process_threads',
    help: 'OS threads of the process (libuv pool, V8 workers, worker threads)',
    initial: 'unknown',
    collect: async (g) => {
      if (!due()) return;
      const status = await readFile('/proc/self/status', 'utf8').catch(() => undefined);
      const n = status?.match(/^Threads:\s+(\d+)/m)?.[1];
      if (n !== undefined) g.set(Number(n));
    },
  });
}

/** At most this many interfaces get series: a Pi has lo, eth0, wlan0 and a modem's wwan0. */
const MAX_DEVICES = 16;

function registerNetwork(registry: Registry, due: () => boolean): void {
  const opts = (dir: string) => ({
    name: `system_network_${dir}_bytes_total`,
    help: `Bytes ${dir === 'receive' ? 'received' : 'sent'} by network interface, host-wide (/proc/net/dev)`,
    unit: 'bytes',
    labels: ['device'] as const,
    maxSeries: MAX_DEVICES,
  });
  const transmit = registry.counter(opts('transmit'));
  registry.counter({
    ...opts('receive'),
    collect: async (receive) => {
      if (!due()) return;
      const text = await readFile('/proc/net/dev', 'utf8').catch(() => undefined);
      // Two header lines, then "  eth0: rx_bytes rx_packets ... (8 fields) tx_bytes ...".
      for (const line of text?.split('\n').slice(2) ?? []) {
        const colon = line.indexOf(':');
        if (colon < 0) continue;
        const device = line.slice(0, colon).trim();
        const fields = line
          .slice(colon + 1)
          .trim()
          .split(/\s+/);
        receive.set({ device }, Number(fields[0]));
        transmit.set({ device }, Number(fields[8]));
      }
    },
  });
}

function registerDisks(registry: Registry, paths: readonly string[], due: () => boolean): void {
  const opts = (what: 'size' | 'free') => ({
    name: `system_disk_${what}_bytes`,
    help:
      what === 'size'
        ? 'Size of the filesystem holding the path'
        : 'Space available to the process on the filesystem holding the path',
    unit: 'bytes',
    labels: ['path'] as const,
    enums: { path: paths },
    // The operator's store directory, not data: a Go t.TempDir() path holds a run of digits that
    // reads like a phone number, and refusing it stopped `serve` at start.
    configuredLabels: ['path'] as const,
    initial: 'unknown' as const,
  });
  const free = registry.gauge(opts('free'));
  registry.gauge({
    ...opts('size'),
    collect: async (size) => {
      if (!due()) return;
      for (const path of paths) {
        const s = await statfs(path).catch(() => undefined);
        if (s === undefined) continue;
        size.set({ path }, s.blocks * s.bsize);
        free.set({ path }, s.bavail * s.bsize);
      }
    },
  });
}
