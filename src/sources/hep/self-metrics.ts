import type { Counter, CounterSeries, Gauge, Registry } from '../../metrics/index.js';
import { HEP_CLAMP_DIRECTIONS, HEP_RESULTS, type HepCapture } from './capture.js';
import { HEP_FORWARD_RESULTS, type HepForwarder } from './forward.js';
import { RTCP_DROP_REASONS } from './media-reports.js';
import { HEP_TCP_CLOSE_REASONS, type HepTcpCloseReason } from './tcp.js';
import { HEP_TRACKER_LIMITS } from './tracker.js';
import type { UdpKernelStats } from './udp.js';

/** What the HEP source's bounds are read from at scrape time. */
export interface HepBounds {
  readonly capture: HepCapture;
  readonly forwarder: HepForwarder | undefined;
  readonly tcpConnections: number;
  readonly udpStats: ReadonlyArray<() => Promise<UdpKernelStats | undefined>>;
}

/**
 * The HEP source's own metrics on /metrics: what became of each packet, every capacity that can
 * fill and every loss it cannot prevent (docs/sources/hep.md, "Bounded by construction"). Counts
 * kept by the packet path and the kernel are read when scraped, so the packet path does no work for
 * them.
 */
export function hepSelfMetrics(
  registry: Registry,
  prefix: string,
  source: HepBounds,
): { tcpClosed: Record<HepTcpCloseReason, CounterSeries>; receiveBuffer: Gauge<never> } {
  const capture = source.capture;
  const tracker = capture.tracker;
  registry.counter({
    name: `${prefix}_hep_packets_total`,
    help: 'HEP packets received, by what became of them (malformed ones are dropped)',
    labels: ['result'],
    enums: { result: HEP_RESULTS },
    collect: (c: Counter<'result'>) => {
      for (const result of HEP_RESULTS) c.set({ result }, capture.counts[result]);
    },
  });
  registry.counter({
    name: `${prefix}_hep_duplicates_total`,
    help: 'Captured SIP messages that repeated a transaction already counted (retransmissions, other proxy legs)',
    collect: (c) => c.set(undefined, tracker.duplicates),
  });
  registry.counter({
    name: `${prefix}_hep_stray_messages_total`,
    help: 'Captured responses, ACKs and CANCELs of no tracked request (it began before the capture, or its request came later than the reorder window)',
    collect: (c) => c.set(undefined, tracker.strays),
  });
  registry.counter({
    name: `${prefix}_hep_reorder_late_total`,
    help: 'Captured messages that arrived after the reorder window had passed their capture time (hep.reorder_window_ms too small), handled out of order',
    collect: (c) => c.set(undefined, capture.reorder.late),
  });
  registry.gauge({
    name: `${prefix}_hep_reorder_held`,
    help: 'Captured messages held by the reorder window now',
    collect: (g) => g.set(capture.reorder.size),
  });
  registry.counter({
    name: `${prefix}_hep_timestamps_clamped_total`,
    help: 'Capture timestamps further than hep.max_clock_skew_ms from the time of receipt, pulled back to that bound',
    labels: ['direction'],
    enums: { direction: HEP_CLAMP_DIRECTIONS },
    collect: (c: Counter<'direction'>) => {
      for (const direction of HEP_CLAMP_DIRECTIONS) c.set({ direction }, capture.clamped[direction]);
    },
  });
  registry.counter({
    name: `${prefix}_hep_rtcp_rtt_implausible_total`,
    help: 'RTCP round trips (A - LSR - DLSR) that were negative or over 10 s (an endpoint clock is off): the RTT is dropped, loss and jitter kept',
    collect: (c) => c.set(undefined, capture.media.rttImplausible),
  });
  registry.counter({
    name: `${prefix}_hep_rtcp_blocks_dropped_total`,
    help: 'RTCP report blocks that are no measurement: about the sender itself, about SSRC 0, or a relayed repeat',
    labels: ['reason'],
    enums: { reason: RTCP_DROP_REASONS },
    collect: (c: Counter<'reason'>) => {
      for (const reason of RTCP_DROP_REASONS) c.set({ reason }, capture.media.dropped[reason]);
    },
  });
  registry.counter({
    name: `${prefix}_hep_tracker_overflow_total`,
    help: 'Times a fixed capacity of the HEP call tracker was full: calls (hep.max_calls, oldest forgotten), legs (32 running Via branches a call), refreshes (4 waiting a call), reorder (messages held by the window, handed on early), registrations (bindings remembered, oldest forgotten), flow (messages left out of the SIP flow kept per call: 64 a call, or the total)',
    labels: ['limit'],
    enums: { limit: HEP_TRACKER_LIMITS },
    collect: (c: Counter<'limit'>) => {
      for (const limit of HEP_TRACKER_LIMITS) c.set({ limit }, tracker.overflow[limit]);
    },
  });
  const forwarder = source.forwarder;
  if (forwarder !== undefined) {
    // A target is named by its place in hep.forward: an address is not a label value.
    const targets = forwarder.stats.map((_, i) => String(i));
    registry.counter({
      name: `${prefix}_hep_forwarded_total`,
      help: 'HEP packets re-sent unchanged to each hep.forward target (by its index in the list): sent, dropped (its queue of hep.forward_queue_max was full), failed (send error) or not_hep (a datagram that is not one HEP packet, kept off TCP targets where it would break the framing)',
      labels: ['target', 'result'],
      enums: { target: targets, result: HEP_FORWARD_RESULTS },
      collect: (c: Counter<'target' | 'result'>) => {
        forwarder.stats.forEach((t, i) => {
          for (const result of HEP_FORWARD_RESULTS) c.set({ target: String(i), result }, t.counts[result]);
        });
      },
    });
    registry.gauge({
      name: `${prefix}_hep_forward_queued`,
      help: 'HEP packets waiting to be sent to each hep.forward target (by its index in the list)',
      labels: ['target'],
      enums: { target: targets },
      collect: (g) => {
        for (const [i, t] of forwarder.stats.entries()) g.set({ target: String(i) }, t.queued);
      },
    });
  }
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
