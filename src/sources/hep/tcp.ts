import { createServer, type Server, type Socket } from 'node:net';
import { HepFramer } from './decode.js';

/** Why sidetone closed a HEP/TCP connection: the `reason` label of `<prefix>_hep_tcp_closed_total`. */
export const HEP_TCP_CLOSE_REASONS = ['idle', 'evicted', 'not_hep'] as const;
export type HepTcpCloseReason = (typeof HEP_TCP_CLOSE_REASONS)[number];

export interface HepTcpOptions {
  /** Most connections open at once; a new one past it closes the idlest (default 256). */
  maxConnections: number;
  /** A connection that sends nothing for this long is closed (default 600 000 ms). */
  idleTimeoutMs: number;
  onPacket: (packet: Buffer) => void;
  onClose: (reason: HepTcpCloseReason) => void;
}

interface Conn {
  socket: Socket;
  /** Our clock at the last bytes received (or the accept). */
  last: number;
  /** Sent at least one whole HEP packet: a capture agent, not a port scan or a stalled client. */
  proven: boolean;
}

/**
 * One HEP/TCP listener. Capture agents keep one long-lived connection each, so the table is
 * small and bounded: past `maxConnections` a new connection closes the idlest one, and among
 * those first a connection that never sent a HEP packet. Refusing the newcomer instead (Node's
 * `server.maxConnections`) let 256 idle sockets lock a real agent out: it lost 50 of 50 packets
 * (issue 31). A connection silent for `idleTimeoutMs` is closed too; an agent that was only quiet
 * reconnects on its next packet (Kamailio opens a new connection, heplify reconnects on error).
 */
export class HepTcpListener {
  private readonly conns = new Set<Conn>();
  private readonly server: Server;

  constructor(private readonly options: HepTcpOptions) {
    // Keepalive probes find agents whose host died without a FIN long before the idle timeout.
    this.server = createServer({ keepAlive: true, keepAliveInitialDelay: 60_000 }, (socket) =>
      this.accept(socket),
    );
  }

  /** Connections open now. */
  get size(): number {
    return this.conns.size;
  }

  private accept(socket: Socket): void {
    if (this.conns.size >= this.options.maxConnections) this.evict();
    const conn: Conn = { socket, last: Date.now(), proven: false };
    this.conns.add(conn);
    const framer = new HepFramer((pkt) => {
      conn.proven = true;
      this.options.onPacket(pkt);
    });
    socket.setTimeout(this.options.idleTimeoutMs, () => this.drop(conn, 'idle'));
    socket.on('data', (chunk) => {
      conn.last = Date.now();
      // Not HEP: the stream cannot be resynchronised, so it is dropped whole.
      if (!framer.push(chunk)) this.drop(conn, 'not_hep');
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.conns.delete(conn));
  }

  /** Close the connection that has waited longest, preferring one that never sent HEP. */
  private evict(): void {
    let victim: Conn | undefined;
    for (const c of this.conns) {
      if (
        victim === undefined ||
        (victim.proven && !c.proven) ||
        (victim.proven === c.proven && c.last < victim.last)
      )
        victim = c;
    }
    if (victim !== undefined) this.drop(victim, 'evicted');
  }

  private drop(conn: Conn, reason: HepTcpCloseReason): void {
    if (!this.conns.delete(conn)) return;
    conn.socket.destroy();
    this.options.onClose(reason);
  }

  /** Resolves with the bound port. */
  listen(host: string, port: number, onError: (err: Error) => void): Promise<number> {
    const server = this.server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        server.on('error', onError);
        const addr = server.address();
        resolve(typeof addr === 'object' && addr !== null ? addr.port : port);
      });
    });
  }

  /** Stop listening and close every connection. */
  close(): Promise<void> {
    for (const c of this.conns) c.socket.destroy();
    this.conns.clear();
    return new Promise((r) => this.server.close(() => r()));
  }
}
