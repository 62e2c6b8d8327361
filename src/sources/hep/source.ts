import { timingSafeEqual } from 'node:crypto';
import type { Socket as UdpSocket } from 'node:dgram';
import { ValidationError } from '../../errors.js';
import type { EventBus } from '../../events/bus.js';
import type { CounterSeries, Gauge, Registry } from '../../metrics/index.js';
import { STORE_LIMITS } from '../../store/limits.js';
import { decodeHep } from './decode.js';
import { binaryRtcp, jsonRtcp, type MediaReport, vqRtcpXr } from './rtcp.js';
import { hepSelfMetrics } from './self-metrics.js';
import { parseSip } from './sip.js';
import { type HepTcpCloseReason, HepTcpListener } from './tcp.js';
import { HepTracker } from './tracker.js';
import { compileTrunks, type TrunkRule } from './trunks.js';
import { bindHepUdp, type UdpKernelStats } from './udp.js';

/** What became of a packet: the `result` label of `<prefix>_hep_packets_total`. */
export const HEP_RESULTS = [
  'sip',
  'rtcp',
  'ignored',
  'malformed_hep',
  'malformed_sip',
  'malformed_rtcp',
  'unauthorized',
] as const;
type HepResultLabel = (typeof HEP_RESULTS)[number];

export interface HepSourceOptions {
  /** `udp://HOST:PORT` and/or `tcp://HOST:PORT` (port 0 picks a free one). */
  listen?: readonly string[];
  /** Where the self-metrics go (`<prefix>_hep_packets_total{result}`, `<prefix>_hep_duplicates_total`). */
  registry?: Registry;
  prefix?: string;
  trunks?: readonly TrunkRule[];
  /** Timer B/F, ms; default 32 000 (64*T1, RFC 3261). */
  timerBMs?: number;
  /** Most calls tracked at once. */
  maxCalls?: number;
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
  /** Told when a listener fails after start (the error, never packet content). */
  onError?: (error: Error) => void;
  /** Told when the kernel granted a smaller UDP receive buffer than asked. */
  onWarn?: (message: string, detail: Record<string, unknown>) => void;
}

/** Default SO_RCVBUF: a PBX restart re-registering every phone is a burst the default 208 KiB drops. */
export const HEP_UDP_RECEIVE_BUFFER = 4 << 20;

/** One bound listener, for logs and tests. */
export interface HepListener {
  protocol: 'udp' | 'tcp';
  host: string;
  port: number;
}

/** Parse `udp://127.0.0.1:9060`; throws a ValidationError naming the fix. */
export function parseHepUrl(url: string): { protocol: 'udp' | 'tcp'; host: string; port: number } {
  const m = /^(udp|tcp):\/\/(\[[0-9a-fA-F:.]+\]|[^:/\s]+):(\d{1,5})\/?$/.exec(url.trim());
  const port = m === null ? Number.NaN : Number(m[3]);
  if (m === null || port > 65_535) {
    throw new ValidationError(
      'ST_HEP_INVALID_ADDRESS',
      `HEP listen address ${JSON.stringify(url)} is not valid: write it as udp://127.0.0.1:9060 or tcp://0.0.0.0:9060`,
      [{ path: 'hep.listen', message: 'expected udp://HOST:PORT or tcp://HOST:PORT' }],
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
  readonly tracker: HepTracker;
  private readonly results: Record<HepResultLabel, CounterSeries | undefined>;
  private readonly dupes: CounterSeries | undefined;
  private lastDupes = 0;
  private readonly udp: UdpSocket[] = [];
  /** The kernel's counters of each UDP listener (Linux). */
  readonly udpStats: Array<() => Promise<UdpKernelStats | undefined>> = [];
  private readonly tcp: HepTcpListener[] = [];
  private readonly tcpClosed: Record<HepTcpCloseReason, CounterSeries> | undefined;
  private readonly rcvbuf: Gauge<never> | undefined;
  private smallestBuffer = Number.POSITIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  /** Packets by result since start (also on /metrics when a registry was given). */
  readonly counts: Record<HepResultLabel, number> = {
    sip: 0,
    rtcp: 0,
    ignored: 0,
    malformed_hep: 0,
    malformed_sip: 0,
    malformed_rtcp: 0,
    unauthorized: 0,
  };
  private readonly password: Buffer | undefined;

  constructor(
    private readonly bus: EventBus,
    private readonly options: HepSourceOptions = {},
  ) {
    const trunks =
      options.trunks !== undefined && options.trunks.length > 0 ? compileTrunks(options.trunks) : undefined;
    this.tracker = new HepTracker(bus, {
      trunks,
      ...(options.timerBMs !== undefined && { timerBMs: options.timerBMs }),
      ...(options.maxCalls !== undefined && { maxCalls: options.maxCalls }),
    });
    this.password = options.password === undefined ? undefined : Buffer.from(options.password, 'latin1');
    const prefix = options.prefix ?? 'sidetone';
    const packets = options.registry?.counter({
      name: `${prefix}_hep_packets_total`,
      help: 'HEP packets received, by what became of them (malformed ones are dropped)',
      labels: ['result'],
      enums: { result: HEP_RESULTS },
    });
    this.results = Object.fromEntries(HEP_RESULTS.map((r) => [r, packets?.labels({ result: r })])) as Record<
      HepResultLabel,
      CounterSeries | undefined
    >;
    this.dupes = options.registry
      ?.counter({
        name: `${prefix}_hep_duplicates_total`,
        help: 'Captured SIP messages that repeated a transaction already counted (retransmissions, other proxy legs)',
      })
      .labels({});
    const self = options.registry && hepSelfMetrics(options.registry, prefix, this);
    this.tcpClosed = self?.tcpClosed;
    this.rcvbuf = self?.receiveBuffer;
  }

  /** HEP/TCP connections open now. */
  get tcpConnections(): number {
    return this.tcp.reduce((n, l) => n + l.size, 0);
  }

  private count(result: HepResultLabel): void {
    this.counts[result]++;
    this.results[result]?.inc();
  }

  /**
   * Handle one HEP packet (a UDP datagram or a framed TCP packet). Public for replays and tests.
   * @example hep.handle(datagram, Date.now());
   */
  handle(buf: Buffer, now: number = Date.now()): void {
    const r = decodeHep(buf);
    if (!r.ok) {
      this.count('malformed_hep');
      return;
    }
    const p = r.packet;
    if (this.password !== undefined && !this.authorized(p.password)) {
      this.count('unauthorized');
      return;
    }
    // A capture time before 2000 is an agent without a clock, one past 2100 a broken one: use the
    // time of receipt (the events' window, STORE_LIMITS).
    const ts = p.ts >= STORE_LIMITS.tsMin && p.ts <= STORE_LIMITS.tsMax ? p.ts : now;
    if (p.type === 1) {
      const msg = parseSip(p.payload);
      if (msg === undefined) {
        this.count('malformed_sip');
        return;
      }
      this.count('sip');
      const before = this.tracker.duplicates;
      this.tracker.message(msg, { ts, srcIp: p.srcIp, dstIp: p.dstIp, now });
      const fresh = this.tracker.duplicates === before;
      // Once per report: the second proxy leg and retransmissions repeat the same PUBLISH.
      if (
        fresh &&
        msg.code === 0 &&
        msg.method === 'PUBLISH' &&
        msg.contentType.startsWith('application/vq-rtcpxr')
      ) {
        const report = vqRtcpXr(msg.body, msg.callId);
        if (report !== undefined) this.emitReport({ ...report, ts });
      }
      const d = this.tracker.duplicates;
      if (d !== this.lastDupes) {
        this.dupes?.inc(d - this.lastDupes);
        this.lastDupes = d;
      }
      return;
    }
    if (p.type === 5 || p.type === 34 || p.type === 35) {
      const first = p.payload[0];
      const reports =
        first === 0x7b // '{': the JSON form of capture agents
          ? jsonRtcp(p.payload.toString('utf8'), p.correlationId, ts)
          : binaryRtcp(p.payload, p.correlationId, ts);
      if (reports.length === 0) {
        this.count('malformed_rtcp');
        return;
      }
      this.count('rtcp');
      for (const report of reports) this.emitReport(report);
      return;
    }
    this.count('ignored');
  }

  /** A report without a codec takes the one its call negotiated in SDP (MOS needs it). */
  private emitReport(report: MediaReport): void {
    if (report.codec === undefined && report.callId !== undefined) {
      const codec = this.tracker.codecOf(report.callId);
      if (codec !== undefined) report.codec = codec;
    }
    this.bus.emit(report);
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
    this.timer = setInterval(() => this.tracker.tick(Date.now()), 100);
    this.timer.unref();
    return out;
  }

  private async bindUdp(host: string, port: number): Promise<HepListener> {
    const asked = this.options.udpReceiveBufferBytes ?? HEP_UDP_RECEIVE_BUFFER;
    const u = await bindHepUdp(
      host,
      port,
      asked,
      (msg) => this.handle(msg),
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
        if (reason === 'not_hep') this.count('malformed_hep');
        this.tcpClosed?.[reason].inc();
      },
    });
    this.tcp.push(listener);
    const bound = await listener.listen(host, port, (err) => this.options.onError?.(err));
    return { protocol: 'tcp', host, port: bound };
  }

  /** Stop listening. Idempotent. */
  async close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
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
  }
}
