/**
 * Liveness never waits on storage: while another process holds the SQLite write lock for 3 s and
 * events keep arriving, `/healthz` answers with p99 under 100 ms (issue 12: it stalled up to 4.8 s,
 * busy-waiting on the event loop, so a 1 s liveness probe restarted a healthy process). Once the
 * lock is released, the events acknowledged are stored.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { type SidecarHandle, startSidecar } from '../../src/server/index.js';
import { spawnNode } from '../helpers/spawn.js';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-lock-'));
let sidecar: SidecarHandle | undefined;
afterAll(async () => {
  await sidecar?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A second process that takes the write lock, says so, holds it `ms`, then commits nothing and exits. */
function holdLock(path: string, ms: number): Promise<() => Promise<void>> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(path)});
    db.exec('BEGIN IMMEDIATE');
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('ROLLBACK'); db.close(); }, ${ms});`;
  const { child, stderr, exited } = spawnNode(['-e', script], { cwd: process.cwd() });
  return new Promise((resolve, reject) => {
    // Its exit awaited through `exited`: a holder that is already gone resolves too.
    child.stdout?.once('data', () => resolve(() => exited.then(() => {})));
    child.once('exit', (code) => reject(new Error(`lock holder exited ${code}: ${stderr()}`)));
  });
}

describe('a store locked by another process', () => {
  it('liveness p99 < 100 ms while the lock is held; acknowledged events are stored after', async () => {
    const path = join(dir, 'calls.db');
    const config = loadConfig({
      env: {},
      flags: {
        'server.port': '0',
        'store.path': path,
        'store.hash_key': 'k'.repeat(32),
        'packs.calls': 'true',
      },
    });
    sidecar = await startSidecar(config, { signals: false, logger: pino({ level: 'silent' }) });
    const url = sidecar.url;
    const released = await holdLock(path, 3000);
    const posts: Promise<Response>[] = [];
    for (let i = 0; i < 5; i++) {
      const body = JSON.stringify({
        type: 'call.started',
        id: `lock-${i}`,
        callId: `lock-${i}`,
        direction: 'inbound',
        channel: 'sip',
      });
      posts.push(
        fetch(`${url}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }),
      );
    }
    const times: number[] = [];
    const until = Date.now() + 2500;
    let readiness:
      | { status: number; body: { checks: Record<string, { status: string; detail: string }> } }
      | undefined;
    while (Date.now() < until) {
      if (readiness === undefined && until - Date.now() < 1000) {
        const r = await fetch(`${url}/readyz`);
        readiness = { status: r.status, body: (await r.json()) as never };
      }
      const t0 = performance.now();
      const res = await fetch(`${url}/healthz`);
      times.push(performance.now() - t0);
      expect(res.status).toBe(200);
      await new Promise((r) => setTimeout(r, 20));
    }
    times.sort((a, b) => a - b);
    const p99 = times[Math.floor(times.length * 0.99)] as number;
    console.log(
      `liveness under a held lock: ${times.length} probes, p99 ${p99.toFixed(1)} ms, max ${times.at(-1)?.toFixed(1)} ms`,
    );
    expect(p99).toBeLessThan(100);
    // Readiness shows the stalled store: not ready, with the reason; liveness stayed 200 above.
    expect(readiness?.status).toBe(503);
    expect(readiness?.body.checks.call_store?.status).toBe('fail');
    expect(readiness?.body.checks.call_store?.detail).toMatch(/waited \d+\.\d s for the database lock/);
    await released();
    const answers = await Promise.all(posts);
    // The lock outlasted nothing: the writes waited for it (5 s budget) and then went through.
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const dash = (await (await fetch(`${url}/metrics/dashboard`)).json()) as {
      totals: { calls: { value: number } };
    };
    expect(dash.totals.calls.value).toBe(5);
    // And ready again once the lock is gone.
    const after = (await (await fetch(`${url}/readyz`)).json()) as {
      checks: Record<string, { status: string }>;
    };
    expect(after.checks.call_store?.status).toBe('pass');
  }, 30_000);
});
