/**
 * Scrapes and readiness probes must not get slower as the store grows: the call-quality check
 * scans the last hour of calls, so it runs at most once per interval however often Prometheus or a
 * probe asks (issue 12: 3-5 ms on an empty store, 350-390 ms at 375k calls an hour, per scrape).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { type SidecarHandle, startSidecar } from '../../src/server/sidecar.js';
import { everyAtMost } from '../../src/server/sidecar-health.js';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-scrape-'));
let sidecar: SidecarHandle | undefined;
afterAll(async () => {
  await sidecar?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the cost of a scrape', () => {
  it('20 scrapes and 20 readiness probes run the store scan once', async () => {
    const config = loadConfig({
      env: {},
      flags: { 'server.port': '0', 'store.path': join(dir, 'calls.db'), 'store.hash_key': 'k'.repeat(32) },
    });
    sidecar = await startSidecar(config, { signals: false, logger: pino({ level: 'silent' }) });
    for (let i = 0; i < 20; i++) {
      expect((await fetch(`${sidecar.url}/metrics`)).status).toBe(200);
      await fetch(`${sidecar.url}/readyz`);
    }
    const text = await (await fetch(`${sidecar.url}/metrics`)).text();
    const stats = Number(/^sidetone_store_operations_total\{operation="stats"\} (\d+)$/m.exec(text)?.[1]);
    expect(stats).toBe(1);
  });

  it('everyAtMost shares one run within the interval and retries after a failure', async () => {
    let runs = 0;
    let fail = true;
    const f = everyAtMost(60_000, async () => {
      runs++;
      if (fail) throw new Error('store down');
      return runs;
    });
    await expect(f()).rejects.toThrow('store down');
    fail = false;
    expect(await f()).toBe(2);
    expect(await f()).toBe(2);
    expect(runs).toBe(2);
  });
});
