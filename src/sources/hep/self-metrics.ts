import type { Counter, CounterSeries, Gauge, Registry } from '../../metrics/index.js';
import { HEP_TCP_CLOSE_REASONS, type HepTcpCloseReason } from './tcp.js';
import { HEP_TRACKER_LIMITS, type HepTracker } from './tracker.js';
import type { UdpKernelStats } from './udp.js';

/** What the HEP source's bounds are read from at scrape time. */
export interface HepBounds {
  readonly tracker: HepTracker;
  readonly tcpConnections: number;
  readonly udpStats: ReadonlyArray<() => Promise<UdpKernelStats | undefined>>;
}

/**
 * The HEP source's bounds on /metrics: every capacity that can fill and every loss it cannot
 * prevent (docs/sources/hep.md, "Bounded by construction"). Counts kept by the tracker and the
 * kernel are read when scraped, so the packet path does no work for them.
 */
export function hepSelfMetrics(
  registry: Registry,
  prefix: string,
  source: HepBounds,
): { tcpClosed: Record<HepTcpCloseReason, CounterSeries>; receiveBuffer: Gauge<never> } {
  registry.counter({
    name: `${prefix}_hep_tracker_overflow_total`,
    help: 'Times a fixed capacity of the HEP call tracker was full: calls (hep.max_calls, oldest forgotten), legs (32 running Via branches a call), refreshes (4 waiting a call)',
    labels: ['limit'],
    enums: { limit: HEP_TRACKER_LIMITS },
    collect: (c: Counter<'limit'>) => {
      for (const limit of HEP_TRACKER_LIMITS) c.set({ limit }, source.tracker.overflow[limit]);
    },
  });
  const closed = registry.counter({
    name: `${prefix}_hep_tcp_closed_total`,
    help: 'HEP/TCP connections sidetone closed: idle past hep.tcp_idle_timeout_ms, evicted for a new one at hep.tcp_max_connections, or not HEP',
    labels: ['reason'],
    enums: { reason: HEP_TCP_CLOSE_REASONS },
  });
  registry.gauge({
    name: `${prefix}_hep_tcp_connections`,
    help: 'HEP/TCP connections open',
    collect: (g) => g.set(source.tcpConnections),
  });
  const queued = registry.gauge({
    name: `${prefix}_hep_udp_receive_queue_bytes`,
    help: "Bytes waiting in the HEP UDP sockets' kernel receive buffers (/proc/net/udp rx_queue)",
    unit: 'bytes',
  });
  registry.counter({
    name: `${prefix}_hep_udp_kernel_drops_total`,
    help: 'HEP datagrams the kernel dropped because the socket receive buffer was full (/proc/net/udp drops; Linux)',
    collect: async (c) => {
      let drops = 0;
      let queue = 0;
      for (const read of source.udpStats) {
        const s = await read();
        drops += s?.drops ?? 0;
        queue += s?.rxQueue ?? 0;
      }
      c.set(undefined, drops);
      queued.set(queue);
    },
  });
  const receiveBuffer = registry.gauge({
    name: `${prefix}_hep_udp_receive_buffer_bytes`,
    help: 'Receive buffer the kernel granted the HEP UDP socket, the smallest of several (SO_RCVBUF as Linux reports it: twice the asked size, capped at net.core.rmem_max)',
    unit: 'bytes',
  });
  const tcpClosed = Object.fromEntries(
    HEP_TCP_CLOSE_REASONS.map((reason) => [reason, closed.labels({ reason })]),
  ) as Record<HepTcpCloseReason, CounterSeries>;
  return { tcpClosed, receiveBuffer };
}
