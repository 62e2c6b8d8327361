import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, isIPv6, type Socket } from 'node:net';

/**
 * HEP forwarding: every packet sidetone receives goes on, byte for byte, to Homer, heplify-server
 * or another collector, so an operator can add sidetone next to an existing capture stack instead
 * of cutting it off (Kamailio's siptrace, like most agents, mirrors to one address).
 *
 * heplify in collector mode decodes and re-encodes what it forwards (research/sip FINDINGS 5); here
 * the bytes are not touched, so the far side sees exactly what the agent sent, auth key included.
 *
 * Bounded and never blocking the capture path: each target holds at most `maxQueue` packets not yet
 * handed to the kernel (UDP sends in flight; TCP packets waiting for a connection or in the socket's
 * write buffer). Past that a packet is dropped and counted; a send error is counted as failed. A TCP
 * target reconnects with a backoff of 1 s doubling to 30 s.
 */

/**
 * What became of a forwarded packet: the `result` label of `<prefix>_hep_forwarded_total`.
 * `not_hep`: a datagram whose HEP length is not its size goes to UDP targets as it came, but on a
 * TCP stream it would break the framing of every packet after it, so TCP targets skip it.
 */
export const HEP_FORWARD_RESULTS = ['sent', 'dropped', 'failed', 'not_hep'] as const;
export type HepForwardResult = (typeof HEP_FORWARD_RESULTS)[number];

/** One forwarding target's counters. */
export interface ForwardStats {
  readonly url: string;
  readonly counts: Record<HepForwardResult, number>;
  /** Packets waiting now (in flight or queued). */
  readonly queued: number;
}

interface Target extends ForwardStats {
  send(packet: Buffer): void;
  close(): Promise<void>;
}

class UdpTarget implements Target {
  readonly counts = { sent: 0, dropped: 0, failed: 0, not_hep: 0 };
  queued = 0;
  private readonly socket: UdpSocket;

  constructor(
    readonly url: string,
    private readonly host: string,
    private readonly port: number,
    private readonly maxQueue: number,
  ) {
    this.socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    this.socket.on('error', () => {});
    this.socket.unref();
  }

  send(packet: Buffer): void {
    if (this.queued >= this.maxQueue) {
      this.counts.dropped++;
      return;
    }
    this.queued++;
    this.socket.send(packet, this.port, this.host, (err) => {
      this.queued--;
      if (err) this.counts.failed++;
      else this.counts.sent++;
    });
  }

  close(): Promise<void> {
    return new Promise((r) => {
      try {
        this.socket.close(() => r());
      } catch {
        r();
      }
    });
  }
}

const HEP3 = 0x48455033;

class TcpTarget implements Target {
  readonly counts = { sent: 0, dropped: 0, failed: 0, not_hep: 0 };
  private socket: Socket | undefined;
  private connected = false;
  private readonly waiting: Buffer[] = [];
  private inFlight = 0;
  private backoff = 1000;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly url: string,
    private readonly host: string,
    private readonly port: number,
    private readonly maxQueue: number,
  ) {
    this.open();
  }

  get queued(): number {
    return this.waiting.length + this.inFlight;
  }

  private open(): void {
    if (this.closed) return;
    const s = connect({ host: this.host, port: this.port });
    this.socket = s;
    s.setNoDelay(true);
    s.on('connect', () => {
      this.connected = true;
      this.backoff = 1000;
      for (const p of this.waiting.splice(0)) this.write(p);
    });
    s.on('error', () => {});
    s.on('close', () => {
      this.connected = false;
      this.socket = undefined;
      if (this.closed) return;
      this.timer = setTimeout(() => this.open(), this.backoff);
      this.timer.unref();
      this.backoff = Math.min(30_000, this.backoff * 2);
    });
  }

  private write(p: Buffer): void {
    this.inFlight++;
    (this.socket as Socket).write(p, (err) => {
      this.inFlight--;
      if (err) this.counts.failed++;
      else this.counts.sent++;
    });
  }

  send(packet: Buffer): void {
    if (packet.length < 6 || packet.readUInt32BE(0) !== HEP3 || packet.readUInt16BE(4) !== packet.length) {
      this.counts.not_hep++;
      return;
    }
    if (this.queued >= this.maxQueue) {
      this.counts.dropped++;
      return;
    }
    if (this.connected) this.write(packet);
    else this.waiting.push(packet);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    const s = this.socket;
    if (s === undefined) return;
    await new Promise<void>((r) => {
      s.once('close', () => r());
      s.end();
      setTimeout(() => s.destroy(), 1000).unref();
    });
  }
}

/**
 * Re-sends each received HEP packet, unchanged, to every target.
 * @example
 * const fwd = new HepForwarder([{ url: 'udp://10.0.0.5:9060', protocol: 'udp', host: '10.0.0.5', port: 9060 }], 10_000);
 * fwd.send(datagram, true);
 */
export class HepForwarder {
  private readonly targets: Target[];

  constructor(
    targets: ReadonlyArray<{ url: string; protocol: 'udp' | 'tcp'; host: string; port: number }>,
    maxQueue: number,
  ) {
    this.targets = targets.map((t) =>
      t.protocol === 'udp'
        ? new UdpTarget(t.url, t.host, t.port, maxQueue)
        : new TcpTarget(t.url, t.host, t.port, maxQueue),
    );
  }

  /** Each target's counters. */
  get stats(): readonly ForwardStats[] {
    return this.targets;
  }

  /**
   * Send `packet` to every target. `owned`: the buffer is not reused by its producer (a UDP
   * datagram); otherwise it is copied first, since the sends complete later. Never throws.
   */
  send(packet: Buffer, owned: boolean): void {
    const p = owned ? packet : Buffer.from(packet);
    for (const t of this.targets) t.send(p);
  }

  async close(): Promise<void> {
    await Promise.all(this.targets.map((t) => t.close()));
  }
}
