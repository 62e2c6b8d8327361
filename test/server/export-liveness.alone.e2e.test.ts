// Issue 47 item 10: call exports must not starve liveness. 20 concurrent exports of 60k calls held
// /healthz up to 1.75 s (3.6 s here when their readers stall, p50 295 ms; RSS 67 -> 154 MiB).
// Exports are bounded in number (past the bound 503 ST_EXPORT_BUSY with Retry-After, counted),
// and each turns its rows into text in slices that let the event loop turn. Measured on the built
// CLI over real sockets: the readers of the exports never read (a stalled client).
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteCallStore } from '../../src/store/index.js';
import type { CallUpdate } from '../../src/store/types.js';
import { freePort, scrapeSample } from '../helpers/prometheus.js';
import { startCli } from '../helpers/spawn.js';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-export-liveness-'));
const HASH = 'export-liveness-hash-key-0123456789';
const CALLS = 20_000;

let url = '';
let port = 0;
let stop: () => void = () => {};
beforeAll(async () => {
  const db = join(dir, 'calls.db');
  const store = await openSqliteCallStore({ path: db, privacy: { hashKey: HASH, storeRaw: false } });
  const now = Date.now();
  for (let i = 0; i < CALLS; i += 2000) {
    const batch: CallUpdate[] = [];
    for (let k = i; k < i + 2000; k++) {
      const at = now - 10 * 86_400_000 + k * 30_000;
      const callId = `call-${k}`;
      batch.push(
        { kind: 'started', callId, at, direction: 'inbound', channel: 'sip', trunk: 'trunk-a' },
        { kind: 'answered', callId, at: at + 3000 },
        { kind: 'media', callId, at: at + 30_000, mos: 4.1, jitterMs: 5, lossPercent: 0.5 },
        { kind: 'ended', callId, at: at + 60_000, sipCode: 200 },
      );
    }
    await store.applyBatch(batch);
  }
  await store.close();
  port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const { child } = await startCli(['serve', '--port', String(port), '--db', db], url, {
    SIDETONE_STORE_HASH_KEY: HASH,
  });
  stop = () => child.kill('SIGTERM');
}, 120_000);
afterAll(() => {
  stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A GET of the export whose reader takes the status line, then never reads again. */
function stalledExport(): { socket: Socket; status: Promise<string> } {
  const socket = connect(port, '127.0.0.1');
  socket.write('GET /metrics/export?format=json&days=30 HTTP/1.1\r\nHost: sidetone\r\n\r\n');
  const status = new Promise<string>((resolve) => {
    socket.once('data', (d: Buffer) => {
      socket.pause();
      resolve(String(d).split('\r\n\r\n')[0] ?? '');
    });
  });
  socket.on('error', () => {});
  return { socket, status };
}

const metric = (series: string) => scrapeSample(url, series);

describe('exports with stalled readers do not starve /healthz', () => {
  it('2 stream, the other 18 are 503 with Retry-After, and /healthz answers within 100 ms', async () => {
    // The analytics code and the export's statements load with the first export (issue 39):
    // a one-off, taken before the probes are timed.
    const warm = await fetch(`${url}/metrics/export?format=json&days=30`);
    expect(((await warm.json()) as unknown[]).length).toBe(CALLS);

    const exports = Array.from({ length: 20 }, stalledExport);
    const heads = await Promise.all(exports.map((e) => e.status));
    const took: number[] = [];
    const until = Date.now() + 3000;
    while (Date.now() < until) {
      const t = performance.now();
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      took.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 20));
    }
    took.sort((a, b) => a - b);
    // p95: the machine these tests run on is shared; a scheduler hiccup is not the sidecar's.
    const p95 = took[Math.floor(took.length * 0.95)] as number;
    console.log(
      `/healthz with 20 stalled exports: p50 ${took[took.length >> 1]?.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${took[took.length - 1]?.toFixed(1)} ms over ${took.length} probes`,
    );
    expect(p95).toBeLessThan(100);
    const ok = heads.filter((h) => h.startsWith('HTTP/1.1 200'));
    const busy = heads.filter((h) => h.startsWith('HTTP/1.1 503'));
    expect(ok.length).toBe(2);
    expect(busy.length).toBe(18);
    for (const h of busy) expect(h.toLowerCase()).toContain('retry-after: 5');

    expect(await metric('sidetone_exports_refused_total{reason="busy"}')).toBe(18);
    expect(await metric('sidetone_exports_active')).toBe(2);
    // A reader that goes away frees its slot: the next export streams.
    for (const e of exports) e.socket.destroy();
    for (let i = 0; i < 50 && (await metric('sidetone_exports_active')) !== 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await metric('sidetone_exports_active')).toBe(0);
    expect((await fetch(`${url}/metrics/export?format=csv&days=1`)).status).toBe(200);
  }, 60_000);
});
