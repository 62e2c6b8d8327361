// What the ingest benches share (ingest.bench.mjs, ingest-profile.mjs, ingest-listeners.mjs): the
// sidecar's settings, the traffic (calls of five events; a new destination number each, so every
// call pays its HMAC), a free port and the main thread's CPU time. One definition, so that the three
// benches measure the same work.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The sidecar's settings for an ingest bench: a SQLite store in `dir`, every pack on. */
export const ingestFlags = (dir, port) => ({
  'server.port': port,
  'store.path': join(dir, 'bench.db'),
  'store.hash_key': 'bench-hash-key-0123456789',
  'log.level': 'warn',
  'packs.calls': true,
  'packs.sip': true,
  'packs.sms': true,
  'packs.media': true,
});

let seq = 0;
/** The NDJSON lines of the next call: started, 180, answered, a media report, ended. */
export function callLines() {
  const callId = `bench-${seq++}`;
  const to = `+1555${String(seq % 10_000_000).padStart(7, '0')}`;
  return [
    JSON.stringify({
      type: 'call.started',
      callId,
      direction: 'outbound',
      channel: 'sip',
      trunk: 'trunk-a',
      to,
    }),
    JSON.stringify({ type: 'sip.response', method: 'INVITE', code: 180, direction: 'outbound', callId }),
    JSON.stringify({ type: 'call.answered', callId }),
    JSON.stringify({
      type: 'media.report',
      callId,
      codec: 'PCMU',
      packetsReceived: 250,
      packetsLost: 2,
      jitterMs: 8,
      rttMs: 60,
    }),
    JSON.stringify({ type: 'call.ended', callId, q850: 16, hangupBy: 'caller' }),
  ];
}

/** One request's body: `events` lines (whole calls), NDJSON. */
export function ndjsonBatch(events = 500) {
  const lines = [];
  for (let i = 0; i < events; i += 5) lines.push(...callLines());
  return lines.join('\n');
}

/** A TCP port nobody listens on now. */
export const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/**
 * The main thread's own CPU time, us (Linux: utime + stime of its task, in clock ticks of 10 ms).
 * Unlike event-loop utilisation, which is wall time, it does not grow when the machine's other
 * processes take the core away. Node 20 has no process.threadCpuUsage. NaN off Linux.
 */
const mainTask = `/proc/self/task/${process.pid}/stat`;
export const mainCpu = () => {
  if (!existsSync(mainTask)) return Number.NaN;
  const f = readFileSync(mainTask, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10_000;
};
