import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteCallStore } from '../../src/store/index.js';
import { freePort } from '../helpers/prometheus.js';
import { startCli } from '../helpers/spawn.js';
import { until } from '../helpers/until.js';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HASH = 'serve-test-hash-key-0123456789';
const env = { SIDETONE_PACKS_MODEM: 'true', SIDETONE_PACKS_CALLS: 'true', SIDETONE_STORE_HASH_KEY: HASH };

async function serve(db: string) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = await startCli(['serve', '--port', String(port), '--db', db], url, env);
  const post = (events: unknown[]) =>
    fetch(`${url}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: events.map((e) => JSON.stringify(e)).join('\n'),
    });
  const ready = async () => {
    const res = await fetch(`${url}/readyz`);
    return {
      status: res.status,
      body: (await res.json()) as { status: string; checks: Record<string, { status: string }> },
    };
  };
  return { url, proc, post, ready };
}

describe('sidetone serve', () => {
  it('readiness follows the modem: unknown (503) -> connected and registered (200) -> disconnected (503)', async () => {
    const s = await serve(join(dir, 'ready.db'));
    try {
      let r = await s.ready();
      expect(r.status).toBe(503);
      expect(r.body.status).toBe('degraded');
      expect(r.body.checks.modem?.status).toBe('unknown');
      expect(
        (await s.post([{ type: 'modem.connected' }, { type: 'modem.registration', stat: 1 }])).status,
      ).toBe(200);
      r = await s.ready();
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ status: 'ready', checks: { modem: { status: 'pass' } } });
      await s.post([
        { type: 'modem.disconnected', reason: 'usb', error: 'lost /dev/ttyUSB2 of +15551234567' },
      ]);
      r = await s.ready();
      expect(r.status).toBe(503);
      expect(r.body.checks.modem?.status).toBe('fail');
      expect(JSON.stringify(r.body)).not.toContain('5551234567');
      // Liveness stays 200: the process serves, it is just not ready.
      expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    } finally {
      s.proc.child.kill('SIGTERM');
      await s.proc.exited;
    }
  });

  it('SIGTERM finishes, flushes the store and exits 0; acknowledged calls are all there', async () => {
    const db = join(dir, 'graceful.db');
    const s = await serve(db);
    const events = Array.from({ length: 500 }, (_, i) => ({
      type: 'call.started',
      callId: `c${i}`,
      direction: 'outbound',
      channel: 'sip',
      to: '+15551234567',
    }));
    const res = await s.post(events);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { accepted: number }).accepted).toBe(500);
    s.proc.child.kill('SIGTERM');
    expect(await s.proc.exited).toBe(0);
    expect(s.proc.output()).toMatch(/sidetone stopped/);
    const store = await openSqliteCallStore({ path: db, privacy: { hashKey: HASH, storeRaw: false } });
    try {
      const stats = await store.stats({ from: 0, to: Date.now() + 1000 });
      expect(stats.total).toBe(500);
    } finally {
      await store.close();
    }
  });

  it('a second signal exits at once while a request is still in flight', async () => {
    const s = await serve(join(dir, 'second.db'));
    // A request whose body never finishes keeps the graceful stop waiting.
    const port = Number(new URL(s.url).port);
    const hanging = request({
      port,
      method: 'POST',
      path: '/events',
      headers: { 'content-type': 'application/json' },
    });
    hanging.on('error', () => {});
    // Connected and the first bytes written (was a fixed 200 ms for them to arrive). The server
    // counts an ingest request only once its body is read, so no metric of its own shows it.
    await new Promise<void>((r, j) => hanging.write('[{"type":"heartbeat"}', (e) => (e ? j(e) : r())));
    s.proc.child.kill('SIGTERM');
    // The first signal taken (its log line), the stop waits on the request: still running, and the
    // second signal's 130 proves it (a graceful exit would be 0). Was a fixed 300 ms before looking.
    await until(
      () => /stopping: finishing requests in flight/.test(s.proc.output()),
      'the first signal taken',
    );
    expect(s.proc.child.exitCode).toBeNull();
    s.proc.child.kill('SIGTERM');
    expect(await s.proc.exited).toBe(130);
    hanging.destroy();
  });
});

describe('source heartbeats', () => {
  it('a source that goes silent makes readiness degraded; a heartbeat makes it ready again', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const proc = await startCli(['serve', '--port', String(port), '--db', join(dir, 'silence.db')], url, {
      SIDETONE_STORE_HASH_KEY: HASH,
      SIDETONE_HEALTH_SOURCE_SILENCE_SECONDS: '1',
    });
    const ready = async () => {
      const res = await fetch(`${url}/readyz`);
      return {
        status: res.status,
        source: ((await res.json()) as { checks: Record<string, { status: string }> }).checks.source,
      };
    };
    const beat = () =>
      fetch(`${url}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"type":"heartbeat"}',
      });
    try {
      expect(await ready()).toEqual({ status: 503, source: expect.objectContaining({ status: 'unknown' }) });
      await beat();
      expect(await ready()).toEqual({ status: 200, source: expect.objectContaining({ status: 'pass' }) });
      // Silent past source_silence_seconds (1 s): polled until readiness says so, not a fixed 1.5 s.
      await until(async () => (await ready()).status === 503, 'readiness to fail on the silent source');
      expect(await ready()).toEqual({ status: 503, source: expect.objectContaining({ status: 'unknown' }) });
      await beat();
      expect((await ready()).status).toBe(200);
    } finally {
      proc.child.kill('SIGTERM');
      await proc.exited;
    }
  });
});
