import { timingSafeEqual } from 'node:crypto';
import type { Socket as UdpSocket } from 'node:dgram';
import { ValidationError } from '../../errors.js';
import type { EventBus } from '../../events/bus.js';
import type { CounterSeries, Gauge, Registry } from '../../metrics/index.js';
import { HepCapture, type HepResultLabel } from './capture.js';
import { HepForwarder } from './forward.js';
import { hepSelfMetrics } from './self-metrics.js';
import { type HepTcpCloseReason, HepTcpListener } from './tcp.js';
import type { HepTracker } from './tracker.js';
import { compileTrunks, type TrunkRule } from './trunks.js';
import { bindHepUdp, type UdpKernelStats } from './udp.js';

export { HEP_RESULTS } from './capture.js';

export interface HepSourceOptions {
  /** `udp://HOST:PORT` and/or `tcp://HOST:PORT` (port 0 picks a free one). */
  listen?: readonly string[];
  /** Where the self-metrics go (`<prefix>_hep_packets_total{result}`, `<prefix>_hep_duplicates_total`). */
  registry?: Registry;
  prefix?: string;
  trunks?: readonly TrunkRule[];
  /** Timer B/F/H, ms; default 32 000 (64*T1, RFC 3261). */
  timerBMs?: number;
  /** Most calls tracked at once. */
  maxCalls?: number;
  /** Reorder window, ms (default {@link HEP_REORDER_WINDOW_MS}); 0 takes messages in arrival order. */
  reorderWindowMs?: number;
  /** Capture timestamps are clamped to receipt time +- this, ms; default 300 000. */
  maxClockSkewMs?: number;
  /** Answered calls are judged for one-way audio / no media this long after the answer; 0 off. */
  mediaTimeoutMs?: number;
  /** Share of answered calls whose SIP flow is kept (failed ones always are); config `hep.flow_sample`. */
  flowSample?: number;
  /** Headers linking a B2BUA's legs into one end-to-end call; config `hep.leg_correlation` (legs.ts). */
  legCorrelation?: readonly string[];
  /** `udp://HOST:PORT` / `tcp://HOST:PORT` collectors every received packet is re-sent to, unchanged. */
  forward?: readonly string[];
  /** Packets waiting per forwarding target before new ones are dropped (counted). Default 10 000. */
  forwardQueueMax?: number;
  /** Capture password (HEP chunk 14): when set, packets without it are dropped as `unauthorized`. */
  password?: string | undefined;
  /** HEP/TCP connections open at once; a new one past it closes the idlest. Default 256. */
  tcpMaxConnections?: number;
  /** A HEP/TCP connection silent this long is closed. Default 600 000 ms (10 min). */
  tcpIdleTimeoutMs?: number;
  /**
   * SO_RCVBUF asked for each UDP listener, bytes. Default 4 MiB. Linux caps it at
   * `net.core.rmem_max` (212 992 bytes on a stock kernel) and reports twice the value it keeps.
   */
  udpReceiveBufferBytes?: number;
  /**
   * A cluster member's (`[cluster]`, sources/cluster/node.ts): every received packet goes to the stream
   * instead of this capture, and the owner of its call's partition tracks it.
   */
  publish?: (buf: Buffer, now: number) => void;
  /** Told when a listener fails after start (the error, never packet content). */
  onError?: (error: Error) => void;
  /** Told when the kernel granted a smaller UDP receive buffer than asked. */
  onWarn?: (message: string, detail: Record<string, unknown>) => void;
}

/** How often the capture clock runs while calls or bindings wait for a timer (B/F/H, linger, expiry). */
const TICK_MS = 100;

/** Default SO_RCVBUF: a PBX restart re-registering every phone is a burst the default 208 KiB drops. */
export const HEP_UDP_RECEIVE_BUFFER = 4 << 20;

/** One bound listener, for logs and tests. */
export interface HepListener {
  protocol: 'udp' | 'tcp';
  host: string;
  port: number;
}

/** Parse `udp://127.0.0.1:9060`; throws a ValidationError naming the fix. */
export function parseHepUrl(
  url: string,
  key = 'hep.listen',
): { protocol: 'udp' | 'tcp'; host: string; port: number } {
  const m = /^(udp|tcp):\/\/(\[[0-9a-fA-F:.]+\]|[^:/\s]+):(\d{1,5})\/?$/.exec(url.trim());
  const port = m === null ? Number.NaN : Number(m[3]);
  if (m === null || port > 65_535) {
    throw new ValidationError(
      'ST_HEP_INVALID_ADDRESS',
      `HEP address ${JSON.stringify(url)} (${key}) is not valid: write it as udp://127.0.0.1:9060 or tcp://0.0.0.0:9060`,
      [{ path: key, message: 'expected udp://HOST:PORT or tcp://HOST:PORT' }],
    );
  }
  return { protocol: m[1] as 'udp' | 'tcp', host: (m[2] as string).replace(/^\[|\]$/g, ''), port };
}

/**
 * HEP v3 receiver (Homer encapsulation): SIP, RTCP and RTCP-XR mirrored by Kamailio, OpenSIPS,
 * FreeSWITCH, Asterisk or a capture agent, turned into typed events on the bus. A malformed packet
 * is dropped and counted by reason; nothing in a packet can make it throw.
 *
 * @example
 * const hep = new HepSource(bus, { listen: ['udp://127.0.0.1:9060'], registry });
 * const listeners = await hep.start();
 * // ... later
 * await hep.close();
 */
export class HepSource {
  /** The packet path: decode, reorder window, tracker, RTCP reports. */
  readonly capture: HepCapture;
  private readonly udp: UdpSocket[] = [];
  /** The kernel's counters of each UDP listener (Linux). */
  readonly udpStats: Array<() => Promise<UdpKernelStats | undefined>> = [];
  private readonly tcp: HepTcpListener[] = [];
  private readonly tcpClosed: Record<HepTcpCloseReason, CounterSeries> | undefined;
  private readonly rcvbuf: Gauge<never> | undefined;
  private smallestBuffer = Number.POSITIVE_INFINITY;
  /**
   * The one clock timer, armed only while there is something to wait for: at the receipt time the
   * oldest held message is due (so none waits longer than the window, even when nothing more
   * arrives), and every {@link TICK_MS} while the tracker has calls or bindings whose timers may
   * fire. An idle sidecar arms none (before: a 100 ms interval whatever the traffic).
   */
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  /**
   * The timer's run, one loop phase later. A timer fires before the loop reads its sockets, so
   * after a stall of this process (GC, a loaded machine) running the window at once would pass
   * datagrams that reached the kernel in time but are still unread, and count them late (stop 57's
   * CI: 1 late of Kamailio's copies). Read first, they lower the receipt offset and stay in order.
   */
  private immediate: NodeJS.Immediate | undefined;
  private listening = false;
  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    this.immediate ??= setImmediate(this.onTick).unref();
  };
  private readonly onTick = (): void => {
    this.immediate = undefined;
    const now = Date.now();
    this.capture.tick(now);
    this.arm(now);
  };
  private readonly password: Buffer | undefined;
  /** Re-sends every received packet to `forward` targets; undefined without any. */
  readonly forwarder: HepForwarder | undefined;

  constructor(
    bus: EventBus,
    private readonly options: HepSourceOptions = {},
  ) {
    const trunks =
      options.trunks !== undefined && options.trunks.length > 0 ? compileTrunks(options.trunks) : undefined;
    this.password = options.password === undefined ? undefined : Buffer.from(options.password, 'latin1');
    const forward = (options.forward ?? []).map((url) => ({ url, ...parseHepUrl(url, 'hep.forward') }));
    this.forwarder =
      forward.length > 0 ? new HepForwarder(forward, options.forwardQueueMax ?? 10_000) : undefined;
    this.capture = new HepCapture(bus, {
      trunks,
      ...(options.timerBMs !== undefined && { timerBMs: options.timerBMs }),
      ...(options.maxCalls !== undefined && { maxCalls: options.maxCalls }),
      ...(options.reorderWindowMs !== undefined && { reorderWindowMs: options.reorderWindowMs }),
      ...(options.maxClockSkewMs !== undefined && { maxClockSkewMs: options.maxClockSkewMs }),
      ...(options.mediaTimeoutMs !== undefined && { mediaTimeoutMs: options.mediaTimeoutMs }),
      ...(options.flowSample !== undefined && { flowSample: options.flowSample }),
      ...(options.legCorrelation !== undefined && { legCorrelation: options.legCorrelation }),
      ...(this.password !== undefined && { authorized: (p: string | undefined) => this.authorized(p) }),
    });
    const self = options.registry && hepSelfMetrics(options.registry, options.prefix ?? 'sidetone', this);
    this.tcpClosed = self?.tcpClosed;
    this.rcvbuf = self?.receiveBuffer;
  }

  /** The call tracker (facts per call, timers). */
  get tracker(): HepTracker {
    return this.capture.tracker;
  }

  /** Packets by result since start (also on /metrics when a registry was given). */
  get counts(): Readonly<Record<HepResultLabel, number>> {
    return this.capture.counts;
  }

  /** HEP/TCP connections open now. */
  get tcpConnections(): number {
    return this.tcp.reduce((n, l) => n + l.size, 0);
  }

  /**
   * Handle one HEP packet (a UDP datagram or a framed TCP packet) received at `now`. Public for
   * replays and tests; `owned` says the buffer is the caller's to give away (a UDP datagram).
   * @example hep.handle(datagram, Date.now());
   */
  handle(buf: Buffer, now: number = Date.now(), owned = false): void {
    this.forwarder?.send(buf, owned);
    if (this.options.publish !== undefined) {
      this.options.publish(buf, now);
      return;
    }
    this.capture.handle(buf, now);
    // Armed timers stay: a later arrival is due later than what is held now.
    if (this.timer === undefined && this.listening) this.arm(now);
  }

  /** Arm the clock timer for the next thing to wait for, if any (see `timer`). */
  private arm(now: number): void {
    const due = this.capture.nextDue ?? Number.POSITIVE_INFINITY;
    const t = this.capture.tracker;
    const at = Math.min(due, t.size > 0 || t.registrations > 0 ? now + TICK_MS : Number.POSITIVE_INFINITY);
    if (at === Number.POSITIVE_INFINITY || at >= this.timerAt) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(this.onTimer, Math.max(0, at - now));
    this.timer.unref();
  }

  /** Run the reorder window and the timers to receipt time `now` (the listeners do it every 100 ms). */
  tick(now: number = Date.now()): void {
    this.capture.tick(now);
  }

  private authorized(given: string | undefined): boolean {
    const want = this.password as Buffer;
    if (given === undefined) return false;
    const got = Buffer.from(given, 'latin1');
    return got.length === want.length && timingSafeEqual(got, want);
  }

  /** Bind every listener; resolves with the bound addresses (ports resolved when 0 was asked). */
  async start(): Promise<HepListener[]> {
    const out: HepListener[] = [];
    try {
      for (const url of this.options.listen ?? []) {
        const { protocol, host, port } = parseHepUrl(url);
        if (protocol === 'udp') out.push(await this.bindUdp(host, port));
        else out.push(await this.bindTcp(host, port));
      }
    } catch (err) {
      await this.close();
      throw err;
    }
    this.listening = true;
    return out;
  }

  private async bindUdp(host: string, port: number): Promise<HepListener> {
    const asked = this.options.udpReceiveBufferBytes ?? HEP_UDP_RECEIVE_BUFFER;
    const u = await bindHepUdp(
      host,
      port,
      asked,
      (msg) => this.handle(msg, Date.now(), true),
      (err) => this.options.onError?.(err),
    );
    this.udp.push(u.socket);
    if (u.stats !== undefined) this.udpStats.push(u.stats);
    // The smallest buffer of all UDP listeners is the one that overflows first.
    this.smallestBuffer = Math.min(this.smallestBuffer, u.granted);
    this.rcvbuf?.set(this.smallestBuffer);
    if (u.cappedAt !== undefined) {
      this.options.onWarn?.(
        'HEP UDP receive buffer capped by the kernel: raise net.core.rmem_max (sysctl -w net.core.rmem_max=N) to absorb capture bursts',
        { asked, granted: u.granted / 2, rmem_max: u.cappedAt },
      );
    }
    return { protocol: 'udp', host, port: u.port };
  }

  private async bindTcp(host: string, port: number): Promise<HepListener> {
    const listener = new HepTcpListener({
      maxConnections: this.options.tcpMaxConnections ?? 256,
      idleTimeoutMs: this.options.tcpIdleTimeoutMs ?? 600_000,
      onPacket: (pkt) => this.handle(pkt),
      onClose: (reason) => {
        if (reason === 'not_hep') this.capture.counts.malformed_hep++;
        this.tcpClosed?.[reason].inc();
      },
    });
    this.tcp.push(listener);
    const bound = await listener.listen(host, port, (err) => this.options.onError?.(err));
    return { protocol: 'tcp', host, port: bound };
  }

  /** Stop listening. Idempotent. */
  async close(): Promise<void> {
    this.listening = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    for (const s of this.udp.splice(0)) {
      await new Promise<void>((r) => {
        try {
          s.close(() => r());
        } catch {
          r(); // never bound or already closed
        }
      });
    }
    this.udpStats.length = 0;
    for (const l of this.tcp.splice(0)) await l.close();
    // What the window still holds is complete: hand it on before the sinks close.
    this.capture.reorder.flush();
    await this.forwarder?.close();
  }
}
