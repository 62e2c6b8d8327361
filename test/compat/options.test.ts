/**
 * The pieces behind the compat pages, one by one: other systems' config keys, metrics switched off,
 * extra metrics paths, liveness with active calls, database metrics around the store, and the
 * system metrics CardLink asks for.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigValidationError, loadConfig } from '../../src/config/index.js';
import { createApp } from '../../src/http/app.js';
import { Registry } from '../../src/metrics/index.js';
import { runtimeMetrics } from '../../src/runtime/index.js';
import { instrumentStore } from '../../src/store/instrumented.js';
import { tempStore } from '../store/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-compat-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TOKEN = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const sample = (text: string, series: string) =>
  Number(
    text
      .split('\n')
      .find((l) => l.startsWith(`${series} `))
      ?.split(' ')
      .pop(),
  );

describe("RustPBX's [metrics] keys", () => {
  it('healthz_path and token set the native keys; enabled and path are native', () => {
    const c = loadConfig({
      file: file(
        'rustpbx.toml',
        `[metrics]\nenabled = false\npath = "/prom"\nhealthz_path = "/live"\ntoken = "${TOKEN}"\n`,
      ),
      env: {},
    });
    expect(c.metrics.enabled).toBe(false);
    expect(c.metrics.path).toBe('/prom');
    expect(c.health.liveness_path).toBe('/live');
    expect(c.auth.scrape_tokens).toEqual([TOKEN]);
  });

  it('an alias that contradicts its native key is an error naming both, not a silent pick', () => {
    const f = file('both.toml', '[metrics]\nhealthz_path = "/live"\n[health]\nliveness_path = "/alive"\n');
    let err: unknown;
    try {
      loadConfig({ file: f, env: {} });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigValidationError);
    expect((err as ConfigValidationError).issues).toEqual([
      {
        path: 'metrics.healthz_path',
        message:
          "is RustPBX's name for health.liveness_path, which is also set to another value: keep one of them",
      },
    ]);
  });

  it('a token given both ways is kept once', () => {
    const f = file('twice.toml', `[metrics]\ntoken = "${TOKEN}"\n[auth]\nscrape_tokens = ["${TOKEN}"]\n`);
    expect(loadConfig({ file: f, env: {} }).auth.scrape_tokens).toEqual([TOKEN]);
  });
});

describe('createApp compat options', () => {
  const get = (app: ReturnType<typeof createApp>, path: string) =>
    app.fetch(new Request(`http://localhost${path}`));

  it('metricsEnabled false serves neither metrics nor liveness; readiness stays', async () => {
    const app = createApp({ registry: new Registry(), metricsEnabled: false });
    expect((await get(app, '/metrics')).status).toBe(404);
    expect((await get(app, '/healthz')).status).toBe(404);
    expect((await get(app, '/readyz')).status).toBe(200);
  });

  it('metrics aliases serve the same exposition behind the same auth', async () => {
    const registry = new Registry();
    registry.counter({ name: 'x_total', help: 'x' }).inc();
    const app = createApp({
      registry,
      metricsAliases: ['/metrics/prometheus'],
      auth: { scrape: { tokens: [TOKEN] } },
    });
    expect((await get(app, '/metrics/prometheus')).status).toBe(401);
    const res = await app.fetch(
      new Request('http://localhost/metrics/prometheus', { headers: { authorization: `Bearer ${TOKEN}` } }),
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('x_total 1');
  });

  it('liveness shows active calls when counted, and leaves them out when not (unknown is not zero)', async () => {
    let active: number | undefined = 3;
    const app = createApp({ activeCalls: () => active });
    expect(await (await get(app, '/healthz')).json()).toMatchObject({ status: 'ok', active_calls: 3 });
    active = undefined;
    expect(await (await get(app, '/healthz')).json()).not.toHaveProperty('active_calls');
  });
});

describe('instrumentStore', () => {
  it('counts and times each operation, counts failures, times streams to the end, shows open connections', async () => {
    const t = tempStore();
    const registry = new Registry();
    const store = instrumentStore(t.store, registry);
    await store.applyBatch([
      { kind: 'started', callId: 'c1', at: Date.now(), direction: 'inbound', channel: 'sip' },
    ]);
    await store.stats({ from: 0, to: Date.now() + 1 });
    for await (const _ of store.iterateCalls({ from: 0, to: Date.now() + 1 })) {
      // drain
    }
    await expect(store.deleteOlderThan(-1)).rejects.toThrow();
    const text = registry.render();
    expect(sample(text, 'sidetone_store_operations_total{operation="applyBatch"}')).toBe(1);
    expect(sample(text, 'sidetone_store_operations_total{operation="stats"}')).toBe(1);
    expect(sample(text, 'sidetone_store_operation_seconds_count{operation="iterateCalls"}')).toBe(1);
    expect(sample(text, 'sidetone_store_errors_total{operation="deleteOlderThan"}')).toBe(1);
    expect(sample(text, 'sidetone_store_errors_total{operation="stats"}')).toBe(0);
    await registry.collect();
    expect(sample(registry.render(), 'sidetone_store_connections')).toBe(1);
    await store.close();
    await registry.collect();
    expect(sample(registry.render(), 'sidetone_store_connections')).toBe(0);
    await t.remove();
  });
});

describe('runtime system metrics', () => {
  it.runIf(process.platform === 'linux')(
    'threads, network bytes and the disk of configured paths',
    async () => {
      const registry = new Registry();
      const runtime = runtimeMetrics(registry, { diskPaths: [dir], gc: false });
      try {
        await registry.collect();
        const text = registry.render();
        expect(sample(text, 'process_threads')).toBeGreaterThan(1);
        expect(sample(text, 'system_network_receive_bytes_total{device="lo"}')).toBeGreaterThanOrEqual(0);
        const size = sample(text, `system_disk_size_bytes{path="${dir}"}`);
        const free = sample(text, `system_disk_free_bytes{path="${dir}"}`);
        expect(size).toBeGreaterThan(0);
        expect(free).toBeGreaterThan(0);
        expect(free).toBeLessThanOrEqual(size);
      } finally {
        runtime.stop();
      }
    },
  );
});
