/**
 * CardLink's configuration (seed 003: "MetricsConfig: port, path, auth, collection_interval",
 * "HealthConfig: port, enabled, timeout", "LoggingConfig: level, format, trace_correlation,
 * output_file") and its BIP gauge (`cardlink_bip_connections_active`, "Gauge by bearer_type"), as
 * its users write them: the keys load, and each does what CardLink means by it on a real
 * `sidetone serve`.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { Registry } from '../../src/metrics/index.js';
import { runtimeMetrics } from '../../src/runtime/index.js';
import { tempDir } from '../cli/helpers.js';
import { startListening } from '../helpers/spawn.js';
import { until } from '../helpers/until.js';
import { sample, setup } from '../telephony/helpers.js';

const tmp = tempDir();
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  tmp.remove();
});

/** CardLink's sections as its users write them in TOML. */
const cardlinkToml = (log: string, interval: number) => `
[metrics]
collection_interval = ${interval}

[health]
port = 0

[logging]
output_file = "${log}"
`;

describe("CardLink's configuration keys", () => {
  it('load as the native keys they stand for', () => {
    const file = join(tmp.dir, 'cardlink.toml');
    writeFileSync(file, cardlinkToml('/var/log/sidetone/sidetone.log', 15));
    const c = loadConfig({ file, env: {} });
    expect(c.metrics.collection_interval_seconds).toBe(15);
    expect(c.health.port).toBe(0);
    expect(c.log.file).toBe('/var/log/sidetone/sidetone.log');
  });

  it("every other key of its MetricsConfig, LoggingConfig and TracingConfig, Python's level names included", () => {
    const file = join(tmp.dir, 'sections.toml');
    writeFileSync(
      file,
      [
        '[metrics]',
        'port = 9100',
        'path = "/metrics"',
        '[logging]',
        'level = "WARNING"',
        'format = "text"',
        'trace_correlation = false',
        '[tracing]',
        'endpoint = "http://otelcol:4318"',
        'service_name = "cardlink"',
        'sample_rate = 0.25',
      ].join('\n'),
    );
    const c = loadConfig({ file, env: {} });
    expect(c.server.port).toBe(9100);
    expect(c.metrics.path).toBe('/metrics');
    expect(c.log).toMatchObject({ level: 'warn', format: 'pretty' });
    expect(c.otel).toMatchObject({
      log_trace_id: false,
      endpoint: 'http://otelcol:4318',
      service_name: 'cardlink',
      sample_ratio: 0.25,
    });
    // CRITICAL is pino's fatal; a level neither knows is refused with pino's list.
    writeFileSync(file, '[logging]\nlevel = "CRITICAL"\n');
    expect(loadConfig({ file, env: {} }).log.level).toBe('fatal');
    writeFileSync(file, '[logging]\nlevel = "NOTICE"\n');
    expect(() => loadConfig({ file, env: {} })).toThrow(
      /log\.level: .*expected one of trace, debug, info, warn/,
    );
    // Both names for one setting with different values: an error, not a silent pick.
    writeFileSync(file, '[metrics]\nport = 9100\n[server]\nport = 9200\n');
    expect(() => loadConfig({ file, env: {} })).toThrow(/metrics\.port: is CardLink's name for server\.port/);
  });

  it('a health port equal to the metrics port is refused, naming both keys', () => {
    const file = join(tmp.dir, 'same.toml');
    writeFileSync(file, '[server]\nport = 9464\n[health]\nport = 9464\n');
    expect(() => loadConfig({ file, env: {} })).toThrow(/health\.port: .*other than server\.port/);
  });

  it('on serve: a separate health port serves /healthz and /readyz, log lines go to the file, readings wait for the interval', async () => {
    const log = join(tmp.dir, 'logs', 'sidetone.log');
    const file = join(tmp.dir, 'serve.toml');
    writeFileSync(file, cardlinkToml(log, 3600));
    const cli = await startListening(
      ['serve', '--config', file, '--port', '0', '--db', join(tmp.dir, 'c.db')],
      { SIDETONE_STORE_HASH_KEY: 'cardlink-hash-key-0123456789' },
      (out): [string, string] | undefined => {
        const main = / on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
        const h = /health\s+(http:\/\/127\.0\.0\.1:\d+)\/healthz/.exec(out)?.[1];
        return main !== undefined && h !== undefined ? [main, h] : undefined;
      },
    );
    const { child } = cli;
    children.push(child);
    const [url, health] = cli.url;
    expect(health).not.toBe(url);
    const live = await fetch(`${health}/healthz`);
    expect(live.status).toBe(200);
    expect(await live.json()).toMatchObject({ status: 'ok' });
    const ready = await fetch(`${health}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { call_store: { status: 'pass' } } });
    // Health only: the metrics and the API stay on the main port.
    expect((await fetch(`${health}/metrics`)).status).toBe(404);
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
    // The log went to the file CardLink's output_file named, not to stdout.
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines.some((l) => JSON.parse(l).msg === 'sidetone listening')).toBe(true);
    expect(cli.output()).not.toContain('"msg":"sidetone listening"');
    // collection_interval: the process readings of one collection serve the scrapes within it.
    const uptime = async () => sample(await (await fetch(`${url}/metrics`)).text(), 'process_uptime_seconds');
    const first = await uptime();
    // Time passed by the server's own clock (its Date header moved to the next second; was a fixed
    // 1.1 s): a reading taken per scrape would differ by then (process.uptime() is exposed to the
    // microsecond).
    const date = async () => Date.parse((await fetch(`${url}/healthz`)).headers.get('date') ?? '');
    const then = await date();
    await until(async () => (await date()) > then, "the server's clock to pass a second", { everyMs: 100 });
    expect(await uptime()).toBe(first);
    // logrotate moves the file and sends SIGHUP: the next lines go to a new file under the name.
    renameSync(log, `${log}.1`);
    child.kill('SIGHUP');
    // The reopen creates the file under the name at once (a synchronous open): its sign the
    // SIGHUP was taken, rather than a fixed 200 ms.
    await until(() => existsSync(log), 'the log file reopened under its name');
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(readFileSync(log, 'utf8')).toContain('"msg":"sidetone stopped"');
    expect(readFileSync(`${log}.1`, 'utf8')).not.toContain('sidetone stopped');
  }, 40_000);
});

describe('collection interval in the runtime metrics', () => {
  it('0 reads at every scrape; a longer interval keeps the last reading', async () => {
    const read = async (collectEveryMs: number) => {
      const registry = new Registry();
      const runtime = runtimeMetrics(registry, { collectEveryMs, gc: false });
      await registry.collect();
      const a = sample(registry.render(), 'process_uptime_seconds');
      await new Promise((r) => setTimeout(r, 50));
      await registry.collect();
      const b = sample(registry.render(), 'process_uptime_seconds');
      runtime.stop();
      return [a, b] as const;
    };
    const [a0, b0] = await read(0);
    expect(b0).toBeGreaterThan(a0 as number);
    const [a1, b1] = await read(60_000);
    expect(b1).toBe(a1);
  });
});

describe("CardLink's BIP gauge", () => {
  it('counts open channels by bearer, as record_bip_connection_open/close do', () => {
    const { bus, registry } = setup();
    const active = (bearer: string) =>
      sample(registry.render(), `sidetone_sim_bip_connections_active{bearer="${bearer}"}`);
    // CardLink's test: open on "tcp" -> 1; close -> 0. Its bearer_type mixes transports (tcp, udp)
    // with bearers (gprs, wifi); sidetone's label is the TS 102 223 bearer.
    bus.emit({ type: 'sim.bip_opened', ok: true, channel: 1, bearer: 'gprs' });
    bus.emit({ type: 'sim.bip_opened', ok: true, channel: 2, bearer: 'wlan' });
    bus.emit({ type: 'sim.bip_opened', ok: false, channel: 3, bearer: 'gprs' });
    expect([active('gprs'), active('wlan')]).toEqual([1, 1]);
    // A CLOSE CHANNEL that does not repeat the bearer is counted off the one its channel opened on.
    bus.emit({ type: 'sim.bip_closed', channel: 1, durationSeconds: 120.5 });
    expect([active('gprs'), active('wlan')]).toEqual([0, 1]);
    // An unknown channel closing twice never makes the gauge negative.
    bus.emit({ type: 'sim.bip_closed', channel: 1 });
    bus.emit({ type: 'sim.bip_closed', channel: 2 });
    bus.emit({ type: 'sim.bip_closed', channel: 2 });
    expect([active('gprs'), active('wlan')]).toEqual([0, 0]);
    bus.emit({ type: 'sim.bip_opened', ok: true });
    expect(active('unknown')).toBe(1);
  });
});
