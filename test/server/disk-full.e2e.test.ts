/**
 * A full disk under the store (a real one: a tmpfs, mounted as root as CI runs) answers 507
 * naming the disk instead of a 503 "retry" that can never succeed, liveness stays up, and once space
 * is freed the client's retry stores every event exactly once (issue 12). However many requests fail
 * meanwhile: the sink once kept up to 100,000 updates of failed writes, then dropped them with their
 * ids still remembered, so the retries were answered 200 "duplicates" and nothing was stored
 * (issue 31: 20,000 of 20,000 acknowledged calls lost).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillDisk } from '../../scripts/disk-fill.mjs';
import { loadConfig } from '../../src/config/index.js';
import { type SidecarHandle, startSidecar } from '../../src/server/index.js';
import { openSqliteCallStore } from '../../src/store/sqlite/store.js';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-full-'));
const big = mkdtempSync(join(tmpdir(), 'sidetone-full-big-'));
let sidecar: SidecarHandle | undefined;

beforeAll(() => {
  if (process.getuid?.() !== 0) {
    throw new Error('the disk-full test mounts a tmpfs and needs root (CI runs as root); run it as root');
  }
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir]);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=160m', 'tmpfs', big]);
});
afterAll(async () => {
  await sidecar?.close();
  for (const d of [dir, big]) {
    execFileSync('umount', [d]);
    rmSync(d, { recursive: true, force: true });
  }
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
    const fillers = fillDisk(dir);
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

describe('disk full under the store, more failed requests than the sink ever kept', () => {
  it('120,000 calls refused with 507 then resent after freeing space: every one stored, counted once', async () => {
    await sidecar?.close();
    const config = loadConfig({
      env: {},
      flags: {
        'server.port': '0',
        'store.path': join(big, 'calls.db'),
        'store.hash_key': 'k'.repeat(32),
        'packs.calls': 'true',
      },
    });
    sidecar = await startSidecar(config, { signals: false, logger: pino({ level: 'silent' }) });
    const url = sidecar.url;
    const BATCHES = 120;
    const PER = 1000;
    const body = (n: number) =>
      Array.from({ length: PER }, (_, i) =>
        JSON.stringify({
          type: 'call.started',
          id: `big-${n}-${i}`,
          callId: `big-${n}-${i}`,
          direction: 'outbound',
          channel: 'sip',
        }),
      ).join('\n');
    const post = async (n: number) => {
      const res = await fetch(`${url}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson' },
        body: body(n),
      });
      return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
    };
    const fillers = fillDisk(big);
    // The first requests may still fit pages the database file already has; then 507 each.
    const refused: number[] = [];
    for (let n = 0; n < BATCHES; n++) {
      const r = await post(n);
      if (r.status === 200) continue;
      expect(r.status, JSON.stringify(r.body)).toBe(507);
      expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
      refused.push(n);
    }
    // More refused updates than the sink ever kept (100,000).
    expect(refused.length * PER).toBeGreaterThan(100_000);
    for (const f of fillers) rmSync(f);
    let duplicates = 0;
    for (const n of refused) {
      const r = await post(n);
      expect(r.status).toBe(200);
      duplicates += (r.body as { duplicates: number }).duplicates;
    }
    // The resends were stored, not skipped as duplicates of something never stored.
    expect(duplicates).toBe(0);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`^sidetone_call_attempts_total\\{[^}]*\\} ${BATCHES * PER}$`, 'm'));
    await sidecar.close();
    sidecar = undefined;
    const store = await openSqliteCallStore({
      path: join(big, 'calls.db'),
      privacy: { hashKey: 'k'.repeat(32), storeRaw: false },
    });
    try {
      const stats = await store.stats({ from: 0, to: Date.now() + 60_000 });
      expect(stats.total).toBe(BATCHES * PER);
      for (const n of [0, BATCHES / 2, BATCHES - 1]) expect(await store.getCall(`big-${n}-0`)).toBeDefined();
    } finally {
      await store.close();
    }
  }, 120_000);
});
