import { timingSafeEqual } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { ValidationError } from '../../errors.js';
import type { EventBus } from '../../events/bus.js';
import type { CounterSeries, Registry } from '../../metrics/index.js';
import { STORE_LIMITS } from '../../store/limits.js';
import { decodeHep, HepFramer } from './decode.js';
import { binaryRtcp, jsonRtcp, type MediaReport, vqRtcpXr } from './rtcp.js';
import { parseSip } from './sip.js';
import { HepTracker } from './tracker.js';
import { compileTrunks, type TrunkRule } from './trunks.js';

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
  /** Told when a listener fails after start (the error, never packet content). */
  onError?: (error: Error) => void;
}

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
  private readonly tcp: Server[] = [];
  private readonly sockets = new Set<Socket>();
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

  private bindUdp(host: string, port: number): Promise<HepListener> {
    // A capture burst (a PBX restart re-registering every phone) must not overflow the default
    // socket buffer; the kernel caps this at net.core.rmem_max.
    const sock = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', recvBufferSize: 4 << 20 });
    this.udp.push(sock);
    return new Promise((resolve, reject) => {
      sock.once('error', reject);
      sock.bind(port, host, () => {
        sock.off('error', reject);
        sock.on('error', (err) => this.options.onError?.(err));
        sock.on('message', (msg) => this.handle(msg));
        resolve({ protocol: 'udp', host, port: sock.address().port });
      });
    });
  }

  private bindTcp(host: string, port: number): Promise<HepListener> {
    const server = createServer((socket) => {
      this.sockets.add(socket);
      const framer = new HepFramer((pkt) => this.handle(pkt));
      socket.on('data', (chunk) => {
        if (!framer.push(chunk)) {
          // Not HEP: the stream cannot be resynchronised, so it is dropped whole.
          this.count('malformed_hep');
          socket.destroy();
        }
      });
      socket.on('error', () => socket.destroy());
      socket.on('close', () => this.sockets.delete(socket));
    });
    // Capture agents keep one long-lived connection each; a cap keeps a flood from exhausting fds.
    server.maxConnections = 256;
    this.tcp.push(server);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        server.on('error', (err) => this.options.onError?.(err));
        const addr = server.address();
        resolve({
          protocol: 'tcp',
          host,
          port: typeof addr === 'object' && addr !== null ? addr.port : port,
        });
      });
    });
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
    for (const s of this.sockets) s.destroy();
    for (const srv of this.tcp.splice(0)) await new Promise<void>((r) => srv.close(() => r()));
  }
}
