import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { uncompress } from 'snappyjs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { Registry } from '../../src/metrics/registry.js';
import type { FamilySnapshot } from '../../src/metrics/snapshot.js';
import { startPushFromConfig } from '../../src/push/from-config.js';
import { WriteRequestType } from '../../src/push/proto.js';
import { otlpReceiver } from '../helpers/otlp.js';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-push-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const quiet = { info() {}, warn() {} };

describe('push from config', () => {
  it('[push] and [otel] export_metrics start remote-write (token from a file, queue beside the store) and OTLP metrics', async () => {
    const bodies: Array<{ auth?: string; body: Buffer }> = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push({ auth: req.headers.authorization, body: Buffer.concat(chunks) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const otlp = await otlpReceiver();
    writeFileSync(join(dir, 'push.token'), 'push-file-token-0123456789abcdef\n');
    const config = loadConfig({
      env: {},
      flags: {
        'store.path': join(dir, 'calls.db'),
        'push.remote_write_url': `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`,
        'push.interval_seconds': 1,
        'push.bearer_token_file': join(dir, 'push.token'),
        'otel.export_metrics': true,
        'otel.endpoint': otlp.url,
      },
    });
    const families: FamilySnapshot[] = [
      { name: 'cfg_events', type: 'counter', help: 'h', series: [{ labels: [], value: 42 }] },
    ];
    const push = startPushFromConfig(
      config,
      { collect: async () => {}, snapshot: () => families },
      new Registry(),
      quiet,
    );
    try {
      expect(push.remoteWrite).toBe(config.push.remote_write_url);
      expect(push.otlp).toBe(`${otlp.url}/v1/metrics`);
      expect(existsSync(join(dir, 'calls.db.push'))).toBe(true);
      const end = Date.now() + 10_000;
      while (bodies.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    } finally {
      await push.stop();
      await new Promise((r) => server.close(r));
      await otlp.close();
    }
    expect(bodies[0]?.auth).toBe('Bearer push-file-token-0123456789abcdef');
    const req = WriteRequestType.toObject(WriteRequestType.decode(uncompress(bodies[0]?.body as Buffer)), {
      longs: Number,
    }) as {
      timeseries: Array<{
        labels: Array<{ name: string; value: string }>;
        samples: Array<{ value: number }>;
      }>;
    };
    // Every series carries the identity a scrape would give it (defaults: sidetone, the host
    // name), and `up` comes along as a scrape records it.
    const series = req.timeseries.map((t) => [
      Object.fromEntries(t.labels.map((l) => [l.name, l.value])),
      t.samples[0]?.value,
    ]);
    expect(series).toEqual([
      [{ __name__: 'cfg_events_total', job: 'sidetone', instance: hostname() }, 42],
      [{ __name__: 'up', job: 'sidetone', instance: hostname() }, 1],
    ]);
    // The OTLP export ran at shutdown at the latest.
    const metrics = otlp.requests.filter((r) => r.path === '/v1/metrics');
    expect(metrics.length).toBeGreaterThan(0);
    expect(metrics[0]?.raw).toContain('cfg_events');
    expect(metrics[0]?.raw).toContain(hostname());
  }, 30_000);
});
