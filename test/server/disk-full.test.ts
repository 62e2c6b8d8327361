/**
 * A full disk under the store (a real one: a 4 MiB tmpfs, mounted as root as CI runs) answers 507
 * naming the disk instead of a 503 "retry" that can never succeed, liveness stays up, and once space
 * is freed the client's retry stores every event exactly once (issue 12).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { type SidecarHandle, startSidecar } from '../../src/server/index.js';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-full-'));
let sidecar: SidecarHandle | undefined;

beforeAll(() => {
  if (process.getuid?.() !== 0) {
    throw new Error('the disk-full test mounts a tmpfs and needs root (CI runs as root); run it as root');
  }
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir]);
});
afterAll(async () => {
  await sidecar?.close();
  execFileSync('umount', [dir]);
  rmSync(dir, { recursive: true, force: true });
});

const batch = () =>
  Array.from({ length: 300 }, (_, i) =>
    JSON.stringify({
      type: 'call.started',
      id: `full-${i}`,
      callId: `c${i}-${'x'.repeat(150)}`,
      direction: 'inbound',
      channel: 'sip',
    }),
  ).join('\n');

describe('disk full under the store', () => {
  it('507 naming the disk, liveness up, and the retry after freeing space stores every event once', async () => {
    const config = loadConfig({
      env: {},
      flags: {
        'server.port': '0',
        'store.path': join(dir, 'calls.db'),
        'store.hash_key': 'k'.repeat(32),
        'packs.calls': 'true',
      },
    });
    sidecar = await startSidecar(config, { signals: false, logger: pino({ level: 'silent' }) });
    const fillers: string[] = [];
    try {
      for (;;) {
        const f = join(dir, `fill${fillers.length}`);
        writeFileSync(f, Buffer.alloc(64 * 1024));
        fillers.push(f);
      }
    } catch {
      // the disk is full
    }
    const post = () =>
      fetch(`${sidecar?.url}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson' },
        body: batch(),
      });
    const full = await post();
    expect(full.status).toBe(507);
    expect(await full.json()).toEqual({
      error: {
        code: 'ST_STORE_FULL',
        message:
          'events were not stored: the disk holding the store is full; free space (or move store.path), then retry',
      },
    });
    expect((await fetch(`${sidecar.url}/healthz`)).status).toBe(200);
    for (const f of fillers) rmSync(f);
    const retry = await post();
    expect(retry.status).toBe(200);
    const dash = (await (await fetch(`${sidecar.url}/metrics/dashboard`)).json()) as {
      totals: { calls: { value: number } };
    };
    expect(dash.totals.calls.value).toBe(300);
    const metrics = await (await fetch(`${sidecar.url}/metrics`)).text();
    expect(metrics).toMatch(/^sidetone_call_attempts_total\{[^}]*\} 300$/m);
  });
});
