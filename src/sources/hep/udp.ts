import { createSocket, type Socket } from 'node:dgram';
import { readdir, readFile, readlink } from 'node:fs/promises';

/**
 * A HEP/UDP listener, and the kernel's own counters for one UDP socket, read from /proc/net/udp (or udp6) on Linux.
 *
 * A datagram that arrives while the socket's receive buffer is full is dropped by the kernel before
 * sidetone ever sees it: a 30 s flood had 4.10M of 4.81M packets dropped that way and nothing on
 * /metrics said so (issue 31). The kernel counts them per socket in the `drops` column; Node's
 * dgram exposes neither that nor SO_RXQ_OVFL, so the row of our socket is found once by port and
 * inode (one of this process's own socket fds) and read at each scrape.
 */

/** Row of /proc/net/udp: "sl local rem st tx_queue:rx_queue tr:tm retrnsmt uid timeout inode ref pointer drops". */
interface Row {
  port: number;
  inode: string;
  rxQueue: number;
  drops: number;
}

function parseRow(line: string): Row | undefined {
  const f = line.trim().split(/\s+/);
  if (f.length < 13) return undefined;
  const local = f[1] as string;
  const queues = f[4] as string;
  const port = Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
  const rxQueue = Number.parseInt(queues.slice(queues.indexOf(':') + 1), 16);
  const drops = Number(f[12]);
  if (!Number.isFinite(port) || !Number.isFinite(rxQueue) || !Number.isFinite(drops)) return undefined;
  return { port, inode: f[9] as string, rxQueue, drops };
}

async function rows(file: string): Promise<Row[]> {
  const text = await readFile(file, 'latin1').catch(() => '');
  const out: Row[] = [];
  for (const line of text.split('\n').slice(1)) {
    const r = parseRow(line);
    if (r !== undefined) out.push(r);
  }
  return out;
}

/** Inodes of this process's sockets (`socket:[123]` links in /proc/self/fd). */
async function ownSockets(): Promise<Set<string>> {
  const out = new Set<string>();
  const fds = await readdir('/proc/self/fd').catch(() => [] as string[]);
  for (const fd of fds) {
    const link = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    const m = /^socket:\[(\d+)\]$/.exec(link);
    if (m !== null) out.add(m[1] as string);
  }
  return out;
}

/** Kernel counters of one bound UDP socket. */
export interface UdpKernelStats {
  /** Datagrams the kernel dropped for this socket since it was opened (receive buffer full). */
  drops: number;
  /** Bytes waiting in the receive buffer now. */
  rxQueue: number;
}

/**
 * Find our socket bound to `port` (udp4 or udp6); undefined where /proc is not Linux's.
 * @example const read = await udpKernelStats('udp4', 9060); (await read?.())?.drops
 */
export async function udpKernelStats(
  family: 'udp4' | 'udp6',
  port: number,
): Promise<(() => Promise<UdpKernelStats | undefined>) | undefined> {
  const file = family === 'udp4' ? '/proc/net/udp' : '/proc/net/udp6';
  const candidates = (await rows(file)).filter((r) => r.port === port);
  if (candidates.length === 0) return undefined;
  const mine = await ownSockets();
  // Another process may hold the same port on another address; only an fd of ours is certain.
  const row =
    candidates.find((r) => mine.has(r.inode)) ?? (candidates.length === 1 ? candidates[0] : undefined);
  if (row === undefined) return undefined;
  const needle = ` ${row.inode} `;
  return async () => {
    const text = await readFile(file, 'latin1').catch(() => '');
    // A host with thousands of RTP sockets has a long table: find our row without splitting it all.
    for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
      const r = parseRow(text.slice(text.lastIndexOf('\n', at) + 1, text.indexOf('\n', at) >>> 0));
      if (r?.inode === row.inode) return { drops: r.drops, rxQueue: r.rxQueue };
    }
    return undefined;
  };
}

/** A bound HEP/UDP socket and what the kernel made of it. */
export interface HepUdpSocket {
  socket: Socket;
  port: number;
  /** SO_RCVBUF as Linux reports it: twice what it keeps, capped at net.core.rmem_max. */
  granted: number;
  /** Its kernel counters; undefined where /proc has no row for it (not Linux). */
  stats: (() => Promise<UdpKernelStats | undefined>) | undefined;
  /** net.core.rmem_max when the kernel granted less than `asked`. */
  cappedAt: number | undefined;
}

/**
 * Bind one HEP/UDP listener with a receive buffer of `asked` bytes (SO_RCVBUF); rejects with the
 * bind error.
 * @example const u = await bindHepUdp('127.0.0.1', 9060, 4 << 20, (msg) => hep.handle(msg), console.error);
 */
export async function bindHepUdp(
  host: string,
  port: number,
  asked: number,
  onMessage: (msg: Buffer) => void,
  onError: (err: Error) => void,
): Promise<HepUdpSocket> {
  const type = host.includes(':') ? 'udp6' : 'udp4';
  const socket = createSocket({ type, recvBufferSize: asked });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      socket.on('error', onError);
      socket.on('message', onMessage);
      resolve();
    });
  }).catch((err: unknown) => {
    socket.close();
    throw err;
  });
  const bound = socket.address().port;
  // Linux doubles what it keeps (socket(7)); less than asked means net.core.rmem_max capped it.
  const granted = socket.getRecvBufferSize();
  let cappedAt: number | undefined;
  if (process.platform === 'linux' && granted < asked * 2) {
    const max = Number((await readFile('/proc/sys/net/core/rmem_max', 'latin1').catch(() => '')).trim());
    cappedAt = Number.isFinite(max) && max > 0 ? max : granted / 2;
  }
  return { socket, port: bound, granted, stats: await udpKernelStats(type, bound), cappedAt };
}
