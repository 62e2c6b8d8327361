import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/prometheus.js';
import { CLI, untilReady } from '../helpers/spawn.js';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-peak-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The MemoryMax of the systemd unit docs/deploy.md ships, MiB: what the kernel kills the sidecar at. */
function memoryMaxMib(): number {
  const unit = readFileSync(new URL('../../deploy/systemd/sidetone.service', import.meta.url), 'utf8');
  const m = /^MemoryMax=(\d+)([KMG])$/m.exec(unit);
  if (m === null) throw new Error('deploy/systemd/sidetone.service sets no MemoryMax');
  return Number(m[1]) * { K: 1 / 1024, M: 1, G: 1024 }[m[2] as 'K' | 'M' | 'G'];
}

const statusMib = (pid: number, key: 'VmRSS' | 'VmHWM') =>
  Number(new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) /
  1024;

let seq = 0;
/** 500 events: 100 whole calls (started, 180, answered, a media report, ended), a new number each. */
function batch(): string {
  const lines: string[] = [];
  for (let i = 0; i < 100; i++) {
    const callId = `peak-${seq++}`;
    lines.push(
      JSON.stringify({
        type: 'call.started',
        callId,
        direction: 'outbound',
        channel: 'sip',
        trunk: 'trunk-a',
        to: `+1555${String(seq).padStart(7, '0')}`,
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
    );
  }
  return lines.join('\n');
}

/**
 * Issue 39: under sustained maximum ingest the sidecar stays below the MemoryMax of the unit we
 * ship, or the kernel kills it (before: 234-294 MiB with the writer thread, 8 of 15 samples over
 * 256 MiB). `sidetone serve` with the defaults as a new user gets them, on this machine's profile
 * (two cores: no store threads), loaded by 4 clients posting batches of 500 events back to back,
 * as fast as it answers, for 30 s (the bench's pi-peak row runs 60 s); its resident memory read
 * from /proc every 250 ms and its high-water mark (VmHWM, every thread) at the end. 30 s, over the
 * 60 s a new test may take without a reason: the heap must grow to where the collector holds it,
 * which a run of a few seconds does not show.
 */
describe('sidetone serve under sustained maximum ingest', () => {
  it('stays below the shipped unit’s MemoryMax, every sample and its high-water mark', async () => {
    const limit = memoryMaxMib();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^(SIDETONE_|OTEL_|NODE_OPTIONS$)/.test(k)),
    );
    const child = spawn(
      process.execPath,
      [CLI, 'serve', '--port', String(port), '--db', join(dir, 'peak.db')],
      {
        env: { ...env, NO_COLOR: '1', SIDETONE_LOG_LEVEL: 'warn' },
        cwd: dir,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const pid = child.pid as number;
    try {
      await untilReady(url, child, () => stderr);
      const rss: number[] = [];
      const sampler = setInterval(() => rss.push(statusMib(pid, 'VmRSS')), 250);
      let accepted = 0;
      const statuses = new Map<number, number>();
      const end = Date.now() + 30_000;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (Date.now() < end) {
            const res = await fetch(`${url}/events`, {
              method: 'POST',
              headers: { 'content-type': 'application/x-ndjson' },
              body: batch(),
            });
            const body = (await res.json()) as { accepted?: number };
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            if (res.status === 200) accepted += body.accepted ?? 0;
          }
        }),
      );
      clearInterval(sampler);
      const hwm = statusMib(pid, 'VmHWM');
      // Driven there: every batch stored (a backlog 503 would be the store shedding load, not the
      // memory bound holding), and at a rate that fills the queue faster than a Pi's traffic would.
      expect([...statuses.keys()]).toEqual([200]);
      expect(accepted).toBeGreaterThan(100_000);
      const over = rss.filter((x) => x >= limit);
      expect(over, `RSS samples at or over ${limit} MiB (max ${Math.max(...rss).toFixed(1)})`).toEqual([]);
      expect(hwm).toBeLessThan(limit);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 90_000);
});
