import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readLoads, recordLoads } from '../helpers/loaded.js';
import { freePort } from '../helpers/prometheus.js';
import { CLI, spawnNode, untilReady } from '../helpers/spawn.js';
import { timeFactor } from '../setup/time-factor.js';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * What `sidetone serve` leaves unloaded until its configuration or a request needs it (issue 39:
 * start-up CPU and idle RSS on a Pi): the trace SDK and exporters (no [otel] endpoint), push
 * (no [push]), the HEP and modem sources (not configured), the OTLP wire codec and protobufjs (no
 * span sent yet), the zod event schemas (no inexact event yet), the OpenAPI builder, the W3C
 * propagator (no traceparent yet), the PostgreSQL driver (a SQLite store); and zod altogether (the
 * configuration is valid: the generated fast path takes it, scripts/gen-config.mjs; the read
 * routes' query schemas wait for a read) and @opentelemetry/api (no tracer, no SDK registered, no
 * traceparent yet).
 */
const UNUSED: Record<string, string> = {
  'OTel SDK and exporters': 'node_modules/@opentelemetry/(sdk-|exporter-|resources|otlp-)',
  '@opentelemetry/core': 'node_modules/@opentelemetry/core/',
  protobufjs: 'node_modules/protobufjs/',
  'PostgreSQL driver': 'node_modules/pg/',
  serialport: 'node_modules/(@serialport|serialport)/',
  'remote-write encoder': 'node_modules/snappyjs/',
  'push (remote write, OTLP metrics)': '/dist/push/',
  'trace exporter': '/dist/sinks/otel\\.js',
  // (Its defaults are the config schema's: constants only.)
  'HEP source': '/dist/sources/hep/(?!defaults\\.js)',
  'modem source': '/dist/sources/modem/',
  'OTLP wire codec': '/dist/sources/otlp/wire\\.js',
  'event schemas (zod)': '/dist/events/schemas\\.js',
  'OpenAPI builder': '/dist/openapi/',
  zod: 'node_modules/zod/',
  '@opentelemetry/api': 'node_modules/@opentelemetry/api/',
  "read routes' query schemas": '/dist/server/(analytics|console)-queries\\.js',
  'Grafana SDK': 'node_modules/@grafana/',
};
const loadedOf = (loads: readonly string[], pattern: string) =>
  loads.some((u) => new RegExp(pattern).test(u));

describe('sidetone serve start-up', () => {
  it('with the default configuration loads none of what it does not use, and each once a request needs it', async () => {
    const log = join(dir, 'loaded.txt');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    // The defaults exactly as a new user gets them: no config file, no SIDETONE_* setting.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^(SIDETONE_|OTEL_)/.test(k)),
    );
    const { child, stderr, exited } = spawnNode(
      [...recordLoads(log), CLI, 'serve', '--port', String(port), '--db', join(dir, 'default.db')],
      { exactEnv: { ...env, NO_COLOR: '1' }, cwd: dir },
    );
    try {
      await untilReady(url, child, stderr);
      expect((await fetch(`${url}/metrics`)).status).toBe(200);
      const atReady = readLoads(log);
      // The hook saw the server: the sidecar and its store driver are there.
      expect(loadedOf(atReady, '/dist/server/sidecar\\.js')).toBe(true);
      expect(loadedOf(atReady, 'node_modules/better-sqlite3/')).toBe(true);
      const early = Object.entries(UNUSED)
        .filter(([, pattern]) => loadedOf(atReady, pattern))
        .map(([name]) => name);
      expect(early, 'loaded at start-up though the configuration does not use it').toEqual([]);

      // Each is loaded when a request needs it, and the request is answered.
      const inexact = await fetch(`${url}/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        },
        // An ISO ts: the full parse turns it into ms, so it takes the zod path.
        body: JSON.stringify({
          type: 'call.started',
          callId: 'c1',
          direction: 'inbound',
          channel: 'sip',
          ts: new Date().toISOString(),
        }),
      });
      expect(inexact.status).toBe(200);
      const spans = await fetch(`${url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ resourceSpans: [] }),
      });
      expect(spans.status).toBe(200);
      expect((await fetch(`${url}/openapi.json`)).status).toBe(200);
      // A read with a bad query: zod's message, from the schemas loaded for it.
      const bad = await fetch(`${url}/metrics/dashboard?days=0`);
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/^days: /);
      const later = readLoads(log);
      expect(loadedOf(later, UNUSED['event schemas (zod)'] as string)).toBe(true);
      expect(loadedOf(later, UNUSED['OTLP wire codec'] as string)).toBe(true);
      expect(loadedOf(later, UNUSED['OpenAPI builder'] as string)).toBe(true);
      expect(loadedOf(later, UNUSED.zod as string)).toBe(true);
      expect(loadedOf(later, UNUSED["read routes' query schemas"] as string)).toBe(true);
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
    // At exit the CommonJS modules join the list: the W3C propagator came with the traceparent.
    const all = readLoads(log);
    expect(loadedOf(all, UNUSED['@opentelemetry/core'] as string)).toBe(true);
    expect(loadedOf(all, UNUSED['@opentelemetry/api'] as string)).toBe(true);
    expect(loadedOf(all, UNUSED['OTel SDK and exporters'] as string)).toBe(false);
    expect(loadedOf(all, UNUSED['PostgreSQL driver'] as string)).toBe(false);
  }, 60_000);
});

/** The heavy packages each feature brings (issue 50): loaded by it alone. */
const HEAVY = {
  serialport: UNUSED.serialport as string,
  pg: UNUSED['PostgreSQL driver'] as string,
  otlp: 'node_modules/@opentelemetry/(sdk-|exporter-)',
  grafana: UNUSED['Grafana SDK'] as string,
};
const heavyLoaded = (loads: readonly string[]) =>
  Object.entries(HEAVY)
    .filter(([, pattern]) => loadedOf(loads, pattern))
    .map(([name]) => name);

/** Run the CLI (the built bundle unless `cli`) until it prints `until` (or exits); what it loaded. */
async function loadsOf(name: string, args: string[], until?: RegExp, cli = CLI) {
  const log = join(dir, `${name}.loaded.txt`);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SIDETONE_|OTEL_)/.test(k)));
  const { child, output, exited } = spawnNode([...recordLoads(log), cli, ...args], {
    exactEnv: { ...env, NO_COLOR: '1' },
    cwd: dir,
  });
  if (until !== undefined) {
    const end = Date.now() + 30_000 * timeFactor();
    while (!until.test(output()) && child.exitCode === null && Date.now() < end)
      await new Promise((r) => setTimeout(r, 50));
    expect(output()).toMatch(until);
    child.kill('SIGTERM');
  }
  const code = await exited;
  return { loads: readLoads(log), out: output(), code };
}

const LISTENING = /sidetone listening/;
/** A PostgreSQL store that does not answer (the sidecar starts degraded), with the key it needs. */
const PG_DOWN = ['postgres://sidetone@127.0.0.1:1/none', '--store.hash_key', 'k'.repeat(64)];
const db = (name: string) => join(dir, `${name}.db`);

describe('heavy parts load only for the feature that needs them (issue 50)', () => {
  it('the demo with its defaults loads none of serialport, pg, the OTLP exporters, the Grafana SDK', async () => {
    const { loads } = await loadsOf(
      'demo',
      ['demo', '--port', '0', '--db', db('demo'), '--backfill', '1h'],
      /stop with Ctrl-C/,
    );
    expect(loadedOf(loads, '/dist/server/demo\\.js')).toBe(true);
    expect(heavyLoaded(loads)).toEqual([]);
  }, 60_000);

  it('each loads when its feature is on, and only it', async () => {
    const modem = await loadsOf(
      'modem',
      ['serve', '--port', '0', '--db', db('modem'), '--modem', join(dir, 'no-tty')],
      LISTENING,
    );
    expect(heavyLoaded(modem.loads)).toEqual(['serialport']);
    // Down at start: it starts degraded, with its driver loaded.
    const pg = await loadsOf('pg', ['serve', '--port', '0', '--store', ...PG_DOWN], LISTENING);
    expect(heavyLoaded(pg.loads)).toEqual(['pg']);
    const otlp = await loadsOf(
      'otlp',
      ['serve', '--port', '0', '--db', db('otlp'), '--otel.endpoint', 'http://127.0.0.1:1'],
      LISTENING,
    );
    expect(heavyLoaded(otlp.loads)).toEqual(['otlp']);
    const grafana = await loadsOf('grafana', ['dashboards', '--out', join(dir, 'dashboards')]);
    expect(grafana.code, grafana.out).toBe(0);
    expect(heavyLoaded(grafana.loads)).toEqual(['grafana']);
  }, 120_000);

  it('without them installed, serve and demo run, and each feature names the package to add', async () => {
    // The build beside a node_modules without the heavy packages: every other one linked in.
    const root = join(dir, 'light');
    cpSync(join(CLI, '../../..', 'package.json'), join(root, 'package.json'));
    cpSync(join(CLI, '../..'), join(root, 'dist'), { recursive: true });
    cpSync(join(CLI, '../../..', 'assets'), join(root, 'assets'), { recursive: true });
    const real = join(CLI, '../../../node_modules');
    const WITHOUT = /^(serialport|@serialport\/.*|pg|@grafana\/.*|@opentelemetry\/(exporter|sdk)-.*)$/;
    for (const e of readdirSync(real)) {
      const names = e.startsWith('@') ? readdirSync(join(real, e)).map((n) => `${e}/${n}`) : [e];
      for (const n of names) {
        if (WITHOUT.test(n)) continue;
        mkdirSync(join(root, 'node_modules', n, '..'), { recursive: true });
        symlinkSync(join(real, n), join(root, 'node_modules', n));
      }
    }
    const light = join(root, 'dist/bin/sidetone.js');
    await loadsOf('light-serve', ['serve', '--port', '0', '--db', db('light-serve')], LISTENING, light);
    await loadsOf('light-demo', ['demo', '--port', '0', '--db', db('light-demo')], /stop with Ctrl-C/, light);
    const missing = async (args: string[], pkg: RegExp) => {
      const r = await loadsOf(`light-${args[0]}`, args, undefined, light);
      expect(r.code, r.out).toBe(1);
      expect(r.out).toMatch(
        new RegExp(
          `needs the package ${pkg.source}, which is not installed: add it with \`npm i ${pkg.source}\``,
        ),
      );
    };
    await missing(
      ['serve', '--port', '0', '--db', db('light-modem'), '--modem', join(dir, 'no-tty')],
      /serialport/,
    );
    await missing(['serve', '--port', '0', '--store', ...PG_DOWN], /pg/);
    await missing(
      ['serve', '--port', '0', '--db', db('light-otlp'), '--otel.endpoint', 'http://127.0.0.1:1'],
      /@opentelemetry\/(exporter|sdk)-[a-z-]+/,
    );
    await missing(['dashboards', '--out', join(dir, 'light-dashboards')], /@grafana\/grafana-foundation-sdk/);
  }, 120_000);
});
