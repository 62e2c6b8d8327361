/**
 * Secrets are never printed (issue 31, defect 5: `config check` showed push.bearer_token,
 * push.password, the password in store.url, hep.password and credentials inside remote_write_url
 * and otel.endpoint). A distinct secret is planted in every secret-bearing key, found by walking
 * the configuration schema (CONFIG_KEYS): every key whose name says it is a secret, and every key
 * that takes a URL, with a password and credential query parameters in it. Then every output is
 * scanned for every planted marker: `config check` (text and --json), the CLI's errors (an invalid
 * file, `serve` against a database that is down), and a real sidecar's logs at every level through
 * start, a failing remote-write and OTLP push to a receiver that echoes the credentials it got,
 * error responses and stop, with its /readyz and /healthz bodies.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'smol-toml';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { CONFIG_KEYS } from '../../src/config/keys.js';
import { isSecretPath } from '../../src/config/schema.js';
import { createLogger } from '../../src/logs/index.js';
import { startSidecar } from '../../src/server/sidecar.js';
import { captureLines } from '../helpers/lines.js';
import { freePort } from '../helpers/prometheus.js';
import { runCli as runToEnd, spawnCli } from '../helpers/spawn.js';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A name that reads as a secret, decided here independently of src/guard/secrets.ts. */
const LOOKS_SECRET = /token|passw|secret|_key$|credential|api_?key|auth(?:orization)?$/i;

const markers: string[] = [];
/** A secret value no output may show: a fresh marker, then enough to pass every length rule. */
function secret(): string {
  const m = `zq${randomBytes(5).toString('hex')}`;
  markers.push(m);
  return `${m}-S3cret-0123456789`;
}

function setPath(raw: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let o = raw;
  for (const p of parts.slice(0, -1)) o = (o[p] ??= {}) as Record<string, unknown>;
  o[parts[parts.length - 1] as string] = value;
}

function accepts(path: string, value: unknown): boolean {
  const f = join(dir, `probe-${Math.random().toString(36).slice(2)}.json`);
  const raw: Record<string, unknown> = {};
  setPath(raw, path, value);
  writeFileSync(f, JSON.stringify(raw));
  try {
    loadConfig({ file: f, env: {} });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(f, { force: true });
  }
}

/** A URL with credentials in its user part and its query, on `host`. */
function credentialUrl(scheme: string, host: string, path = ''): string {
  return `${scheme}://urluser:${secret()}@${host}${path}?access_token=${secret()}&api_key=${secret()}&region=eu`;
}

/** An HTTP server that refuses everything and echoes what it was sent, as a verbose receiver does. */
async function echoingReceiver(): Promise<{ host: string; hits: () => number; close(): Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits++;
    req.resume();
    req.on('end', () =>
      res
        .writeHead(hits % 2 === 0 ? 401 : 503, { 'content-type': 'text/plain' })
        .end(`refused ${req.url} with Authorization: ${req.headers.authorization ?? '(none)'}`),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: () => hits,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

async function runCli(args: string[]): Promise<string> {
  const r = await runToEnd(args, { SIDETONE_DEBUG: '1' });
  return `${r.stdout}${r.stderr}`;
}

/** Run the CLI until its output matches `until` (then one more second of it), and stop it. */
function runCliUntil(args: string[], until: RegExp): Promise<string> {
  return new Promise((resolve) => {
    const { child, output } = spawnCli(args, { SIDETONE_DEBUG: '1' });
    let stopping = false;
    const read = () => {
      if (!stopping && until.test(output())) {
        stopping = true;
        setTimeout(() => child.kill('SIGTERM'), 1000);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', () => {
      clearTimeout(guard);
      resolve(output());
    });
  });
}

function leaks(outputs: Array<[string, string]>): string[] {
  const found: string[] = [];
  for (const [where, text] of outputs)
    for (const m of markers)
      if (text.includes(m))
        found.push(
          `${where}: ${m} in ${text.slice(Math.max(0, text.indexOf(m) - 120), text.indexOf(m) + 40)}`,
        );
  return found;
}

describe('secrets never printed', () => {
  it('every key whose name reads as a secret is one for the redaction list', () => {
    const missed = CONFIG_KEYS.filter((k) => {
      const name = k.path.split('.').at(-1) as string;
      return LOOKS_SECRET.test(name) && !name.endsWith('_file') && !isSecretPath(k.path);
    }).map((k) => k.path);
    expect(missed).toEqual([]);
  });

  it('no planted secret in config check, CLI errors, logs, probes, error responses or push failures', async () => {
    const receiver = await echoingReceiver();
    const dbDown = `127.0.0.1:${await freePort()}`;
    const raw: Record<string, unknown> = {};
    const planted: string[] = [];
    const urlKeys: string[] = [];
    // Where the running sidecar's URLs point: the echoing receiver, or the database that is down.
    const host = (path: string) => (path === 'store.url' ? dbDown : receiver.host);
    for (const k of CONFIG_KEYS) {
      if (k.kind === 'users') {
        // Lists of objects: Basic users carry a password (hep.trunks carry none).
        const users = [{ username: 'prom', password: 'probe-password-0123' }];
        if (!accepts(k.path, users)) continue;
        setPath(raw, k.path, [{ username: 'prom', password: secret() }]);
        planted.push(k.path);
      } else if (
        k.kind === 'string' &&
        !accepts(k.path, 'plain-words-not-a-url-0123456789') &&
        !k.path.endsWith('_file')
      ) {
        // A key that takes only URLs: credentials inside it, in whichever scheme it accepts.
        const scheme = ['http', 'https', 'postgres'].find((s) =>
          accepts(k.path, `${s}://user:probe-password@host.example/x?access_token=probe`),
        );
        if (scheme === undefined) continue;
        // A runbook URL names a page; the others are endpoints at the host's root.
        const path =
          scheme === 'postgres' ? '/sidetone' : k.path === 'alerts.runbook_url' ? '/runbook.md' : '';
        setPath(raw, k.path, credentialUrl(scheme, host(k.path), path));
        planted.push(k.path);
        urlKeys.push(k.path);
      } else if (isSecretPath(k.path)) {
        const v = secret();
        setPath(raw, k.path, k.kind === 'list' ? [v] : v);
        planted.push(k.path);
      }
    }
    // The ones the issue named are among those found by walking the schema.
    for (const k of [
      'push.bearer_token',
      'push.password',
      'store.url',
      'hep.password',
      'push.remote_write_url',
      'otel.endpoint',
      'store.hash_key',
      'auth.scrape_tokens',
    ])
      expect(planted, k).toContain(k);
    expect(urlKeys.sort()).toEqual([
      'alerts.runbook_url',
      'otel.endpoint',
      'push.remote_write_url',
      'store.url',
    ]);

    const outputs: Array<[string, string]> = [];
    const withStore = join(dir, 'all.toml');
    writeFileSync(
      withStore,
      stringify({ ...raw, store: { ...(raw.store as object), path: join(dir, 'pg.db') } }),
    );
    outputs.push(['config check', await runCli(['config', 'check', withStore])]);
    outputs.push(['config check --json', await runCli(['config', 'check', withStore, '--json'])]);
    expect(outputs[0]?.[1]).toContain('urluser');
    // A file with every secret and one bad key: the error lists keys, never values.
    const invalid = join(dir, 'invalid.toml');
    writeFileSync(
      invalid,
      stringify({
        ...raw,
        server: { port: 70000 },
        otel: { endpoint: `https:/urluser:${secret()}@collector:4318` },
        store: { ...(raw.store as object), url: `mysql://u:${secret()}@db/x` },
      }),
    );
    const invalidOut = await runCli(['config', 'check', invalid]);
    expect(invalidOut).toMatch(/server\.port/);
    outputs.push(['config check (invalid)', invalidOut]);
    // `serve` against the shared store while its database is down: it starts degraded, and its
    // warning, banner and stop all name the store.
    const serveOut = await runCliUntil(['serve', '--config', withStore, '--server.port', '0'], /serving on/);
    expect(serveOut).toMatch(/starting degraded/);
    expect(serveOut).toMatch(/serving on .*store postgres:/);
    outputs.push(['serve with the database down', serveOut]);

    // The sidecar itself, with every secret but the database URL (its store is the SQLite file).
    const { destination, lines } = captureLines();
    const { url: _pg, ...store } = raw.store as Record<string, unknown>;
    const running = join(dir, 'running.toml');
    writeFileSync(
      running,
      stringify({
        ...raw,
        store: { ...store, path: join(dir, 'calls.db') },
        server: { port: 0 },
        push: { ...(raw.push as object), interval_seconds: 1, timeout_ms: 500 },
        otel: { ...(raw.otel as object), export_metrics: true },
        hep: { ...(raw.hep as object), listen: ['udp://127.0.0.1:0'] },
        packs: { calls: true },
      }),
    );
    const config = loadConfig({ file: running, env: {} });
    const logger = createLogger({ level: 'trace', destination });
    // The database that is down, in-process: the error and what was logged.
    const pgErr = await startSidecar(loadConfig({ file: withStore, env: {} }), {
      signals: false,
      logger,
    }).then(
      () => 'started',
      (e: unknown) => `${(e as Error).message}\n${(e as Error).stack}`,
    );
    outputs.push(['startSidecar error (database down)', pgErr]);
    const sidecar = await startSidecar(config, { signals: false, logger });
    try {
      const admin = config.auth.admin_tokens[0] as string;
      const scrape = config.auth.scrape_tokens[0] as string;
      const ingest = config.auth.ingest_tokens[0] as string;
      const requests: Array<[string, RequestInit]> = [
        ['/readyz', {}],
        ['/healthz', {}],
        ['/metrics', { headers: { authorization: 'Bearer wrong-token-0123456789' } }],
        ['/calls/cleanup', { method: 'POST', headers: { authorization: `Bearer ${scrape}` } }],
        ['/metrics/nothing', { headers: { authorization: `Bearer ${admin}` } }],
        ['/events', { method: 'GET', headers: { authorization: `Bearer ${ingest}` } }],
        [
          '/events',
          {
            method: 'POST',
            body: `{"type":"call.started","callId":"${admin}"`,
            headers: { authorization: `Bearer ${ingest}`, 'content-type': 'application/json' },
          },
        ],
        ['/metrics/export?format=xml', { headers: { authorization: `Bearer ${admin}` } }],
        [`/metrics/failures?limit=${scrape}`, { headers: { authorization: `Bearer ${scrape}` } }],
        ['/metrics', { headers: { authorization: `Bearer ${scrape}` } }],
      ];
      for (const [path, init] of requests) {
        const res = await fetch(`${sidecar.url}${path}`, init);
        outputs.push([
          `${init.method ?? 'GET'} ${path.slice(0, 30)} (${res.status})`,
          `${JSON.stringify([...res.headers])}\n${await res.text()}`,
        ]);
      }
      // Failing pushes: the receiver refuses (503, then 401) and echoes the credentials it got.
      const until = Date.now() + 15_000;
      while (receiver.hits() < 4 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      expect(receiver.hits()).toBeGreaterThanOrEqual(4);
    } finally {
      await sidecar.close();
      await receiver.close();
    }
    for (const l of lines) outputs.push(['log', l]);
    // The logs hold the start, the failing pushes and the stop.
    expect(lines.join('\n')).toMatch(/sidetone listening/);
    expect(lines.join('\n')).toMatch(/remote-write (failed|receiver refused)/);
    expect(lines.join('\n')).toMatch(/sidetone stopped/);

    const found = leaks(outputs);
    console.log(
      `secrets: ${JSON.stringify({ keys: planted.length, markers: markers.length, outputs: outputs.length, bytes: outputs.reduce((n, [, t]) => n + t.length, 0), leaks: found.length })}`,
    );
    expect(found.slice(0, 20)).toEqual([]);
    // The scan finds what it looks for.
    expect(leaks([['probe', `x ${markers[0]} y`]])).toHaveLength(1);
  }, 120_000);
});
