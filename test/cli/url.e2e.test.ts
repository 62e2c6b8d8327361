/**
 * Read verbs against a server (`--url`): a node:http stub answering the analytics routes with
 * canned bodies. The canned bodies are computed once by the real analytics functions, so their
 * shapes are the ones the real server sends.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Dashboard,
  daily,
  dashboard,
  type FailedCall,
  failures,
  type HealthIndicators,
  healthIndicators,
  hourly,
  type SeriesPoint,
} from '../../src/analytics/index.js';
import { hourlyAnswer } from '../../src/analytics/voice-skill.js';
import { openSqliteCallStore } from '../../src/store/sqlite/store.js';
import {
  closedPort,
  HASH_KEY,
  json,
  MASKED_FROM,
  RAW_FROM,
  run,
  type Stub,
  seedStore,
  stubServer,
  tempDir,
} from './helpers.js';

const TOKEN = 'scrape-token-0123456789abcdef';
const EXPOSITION =
  '# HELP sidetone_calls_total Calls.\n# TYPE sidetone_calls_total counter\nsidetone_calls_total 12\n';
const READY = {
  status: 'ready',
  checks: { call_store: { status: 'pass', detail: 'writable', age_seconds: 1.5, critical: true } },
};
const READINESS = {
  status: 'degraded',
  checks: {
    call_store: { status: 'pass', detail: 'writable', age_seconds: 1.5, critical: true },
    modem: { status: 'fail', detail: 'no answer to AT within 2 s', age_seconds: 0.2, critical: true },
  },
};
// A multi-byte character cut between two network chunks must still come out whole.
const CSV_BYTES = Buffer.from('call_id,trunk\r\nc1,Zürich\r\nc2,"a\r\nb"\r\n', 'utf8');

let tmp: ReturnType<typeof tempDir>;
let canned: {
  dashboard: Dashboard;
  failures: FailedCall[];
  hourly: SeriesPoint[];
  daily: SeriesPoint[];
  health: HealthIndicators;
};
let open: Stub;
let guarded: Stub;

beforeAll(async () => {
  tmp = tempDir();
  const path = join(tmp.dir, 'calls.db');
  await seedStore(path);
  const store = await openSqliteCallStore({ path, privacy: { hashKey: HASH_KEY, storeRaw: false } });
  const now = Date.now();
  canned = {
    dashboard: await dashboard(store, { from: now - 86_400_000, to: now }),
    failures: await failures(store, { limit: 50 }),
    hourly: await hourly(store, { hours: 24, now }),
    daily: await daily(store, { days: 30, now }),
    health: await healthIndicators(store, { now }),
  };
  await store.close();
  const routes = {
    'GET /metrics': (_req: unknown, res: import('node:http').ServerResponse) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(EXPOSITION);
    },
    'GET /readyz': json(READINESS, 503),
    // Mounted under a prefix: `--url http://host/ok` reaches a ready server (indicators warn).
    'GET /ok/readyz': json(READY, 200),
    'GET /metrics/dashboard': json(canned.dashboard),
    'GET /metrics/failures': json({ failures: canned.failures }),
    'GET /metrics/hourly': json({ series: canned.hourly }),
    'GET /metrics/daily': json({ series: canned.daily }),
    'GET /metrics/health': json(canned.health),
    'GET /ok/metrics/health': json(canned.health),
    'GET /metrics/export': (_req: unknown, res: import('node:http').ServerResponse) => {
      res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
      const cut = CSV_BYTES.indexOf(0xc3) + 1; // inside "ü"
      res.write(CSV_BYTES.subarray(0, cut));
      setTimeout(() => res.end(CSV_BYTES.subarray(cut)), 20);
    },
    'POST /calls/cleanup': json({ closed: 3, maxActiveSeconds: 14_400 }),
    // Mounted under a prefix: `--url http://host/sick` reaches a server that fails.
    'GET /sick/metrics/failures': json({ error: { message: 'database is locked' } }, 500),
  };
  open = await stubServer(routes);
  guarded = await stubServer(routes, TOKEN);
});
afterAll(async () => {
  await open.close();
  await guarded.close();
  tmp.remove();
});

describe('--url success paths', () => {
  it('dashboard --json is the server body, asked with the right query', async () => {
    const r = await run(['dashboard', '--url', open.url, '--json', '--hours', '6']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(canned.dashboard);
    expect(open.requests.at(-1)?.url).toBe('/metrics/dashboard?hours=6');
  });

  it('dashboard table from the server matches the one from the store', async () => {
    const r = await run(['dashboard', '--url', `${open.url}/`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^calls\s+12\s+1\s+\+11 \(\+1,100%\)$/m);
    expect(open.requests.at(-1)?.url).toBe('/metrics/dashboard?days=1');
  });

  it('failures, hourly, daily pass their flags as query parameters', async () => {
    const f = await run(['failures', '--url', open.url, '--limit', '7']);
    expect(f.code, f.stderr).toBe(0);
    expect(f.stdout).toContain(MASKED_FROM);
    expect(f.stdout).not.toContain(RAW_FROM.slice(1));
    expect(open.requests.at(-1)?.url).toBe('/metrics/failures?limit=7');
    const h = await run(['hourly', '--url', open.url, '--json', '--hours', '24']);
    // The server's answer, the voice-skill's keys included, as `GET /metrics/hourly` gives it.
    expect(JSON.parse(h.stdout)).toEqual(hourlyAnswer(canned.hourly, 24));
    expect(open.requests.at(-1)?.url).toBe('/metrics/hourly?hours=24');
    const d = await run(['daily', '--url', open.url, '--days', '30']);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout.trim().split('\n')).toHaveLength(31);
    expect(open.requests.at(-1)?.url).toBe('/metrics/daily?days=30');
  });

  it('health shows degraded readiness (503 is an answer to show) and the indicators, and exits 1', async () => {
    const r = await run(['health', '--url', open.url]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^Readiness\s+degraded$/m);
    expect(r.stdout).toMatch(/^modem\s+fail\s+yes\s+0\.2 s\s+no answer to AT within 2 s$/m);
    expect(r.stdout).toContain('zombie_calls');
    const j = await run(['health', '--url', open.url, '--json']);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stdout)).toEqual({ readiness: READINESS, indicators: canned.health });
  });

  it('health exits 0 when ready (call indicator warnings never fail it)', async () => {
    const r = await run(['health', '--url', `${open.url}/ok`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Readiness\s+ready$/m);
  });

  it('health --nagios: monitoring-plugin line with perfdata, exit 0/1/2/3', async () => {
    // Ready, but the indicators warn (a zombie call): WARNING.
    const warn = await run(['health', '--url', `${open.url}/ok`, '--nagios']);
    expect(warn.code).toBe(1);
    expect(warn.stdout).toMatch(
      /^SIDETONE WARNING - ready: zombie_calls \| 'checks_failing'=0;;1;0;1 'critical_failing'=0;;1;0;1 .*'ner_carrier-a'=100%;70:;;0;100 .*'zombie_calls'=1;;;0/,
    );
    expect(warn.stdout.trim().split('\n')).toHaveLength(1);
    // A critical check failing: readiness fails, CRITICAL, naming the check.
    const crit = await run(['health', '--url', open.url, '--nagios']);
    expect(crit.code).toBe(2);
    expect(crit.stdout).toMatch(
      /^SIDETONE CRITICAL - not ready: modem fail, zombie_calls \| 'checks_failing'=1;;1;0;2/,
    );
    // Unreachable: UNKNOWN, on stdout where the monitoring system reads it.
    const port = await closedPort();
    const unknown = await run(['health', '--url', `http://127.0.0.1:${port}`, '--nagios']);
    expect(unknown.code).toBe(3);
    expect(unknown.stdout).toMatch(/^SIDETONE UNKNOWN - .*127\.0\.0\.1/);
    // Without --nagios, unreachable is exit 1 with the fix on stderr.
    expect((await run(['health', '--url', `http://127.0.0.1:${port}`])).code).toBe(1);
  });

  it('metrics prints the exposition as served', async () => {
    const r = await run(['metrics', '--url', open.url]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(EXPOSITION);
    const j = await run(['metrics', '--url', open.url, '--json']);
    expect(j.code, j.stderr).toBe(0);
    expect(JSON.parse(j.stdout)).toEqual({
      families: [
        {
          name: 'sidetone_calls_total',
          type: 'counter',
          help: 'Calls.',
          samples: [{ name: 'sidetone_calls_total', labels: {}, value: 12 }],
        },
      ],
    });
  });

  it('export streams the body byte for byte, multi-byte characters intact', async () => {
    const r = await run(['export', '--url', open.url, '--format', 'csv', '--days', '3']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(CSV_BYTES.toString('utf8'));
    expect(open.requests.at(-1)?.url).toBe('/metrics/export?format=csv&days=3');
  });

  it("export asks for the voice-skill's defaults (JSON, 30 days) unless --out names a .csv", async () => {
    await run(['export', '--url', open.url]);
    expect(open.requests.at(-1)?.url).toBe('/metrics/export?format=json&days=30');
    const out = join(tmp.dir, 'remote.csv');
    const r = await run(['export', '--url', open.url, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(open.requests.at(-1)?.url).toBe('/metrics/export?format=csv&days=30');
    // The rows are counted as CSV, a quoted newline included, as one row.
    expect(r.stderr).toBe(`exported 2 calls to ${out}\n`);
  });

  it('cleanup POSTs and reports what the server closed', async () => {
    const r = await run(['cleanup', '--url', open.url]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('closed 3 zombie calls (active for more than 14,400 s)\n');
    expect(open.requests.at(-1)).toMatchObject({ method: 'POST', url: '/calls/cleanup' });
  });
});

describe('--url tokens', () => {
  it('401 without a token: exit 1 saying how to pass one', async () => {
    const r = await run(['dashboard', '--url', guarded.url]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the server wants a token: pass --token or set SIDETONE_TOKEN\n$/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('--token and SIDETONE_TOKEN are sent as a bearer token', async () => {
    const a = await run(['failures', '--url', guarded.url, '--token', TOKEN, '--json']);
    expect(a.code, a.stderr).toBe(0);
    const b = await run(['failures', '--url', guarded.url, '--json'], { SIDETONE_TOKEN: TOKEN });
    expect(b.code, b.stderr).toBe(0);
    expect(guarded.requests.at(-1)?.auth).toBe(`Bearer ${TOKEN}`);
  });

  it('a wrong token: exit 1 saying it was refused, without echoing it', async () => {
    const r = await run(['failures', '--url', guarded.url, '--token', 'wrong-token-0123456789']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('refused the token');
    expect(r.stderr).not.toContain('wrong-token');
  });
});

describe('--url failures', () => {
  it('a closed port: exit 1 with the URL and "is `sidetone serve` running?"', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const r = await run(['dashboard', '--url', url]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(url);
    expect(r.stderr).toContain('is `sidetone serve` running?');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a server without the analytics API (404): exit 1 asking whether it is sidetone', async () => {
    const r = await run(['daily', '--url', `${open.url}/elsewhere`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/was not found \(404\): is .* a sidetone server/);
  });

  it('a server error: exit 1 with its message and "check its logs"', async () => {
    const r = await run(['failures', '--url', `${open.url}/sick`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the server failed \(500: database is locked\): check its logs\n$/);
  });

  it('metrics without --url reads the configured local server (exit 1 when none answers); --db with --url, or a non-http URL: exit 2', async () => {
    const local = await run(['metrics'], { SIDETONE_SERVER_PORT: '1' });
    expect(local.code).toBe(1);
    expect(local.stderr).toContain('127.0.0.1:1');
    expect((await run(['dashboard', '--url', open.url, '--db', 'x.db'])).code).toBe(2);
    const ftp = await run(['dashboard', '--url', 'ftp://example.com']);
    expect(ftp.code).toBe(2);
    expect(ftp.stderr).toContain('--url must be an http(s) URL');
    expect((await run(['cleanup', '--url', open.url, '--max-active', '600'])).code).toBe(2);
  });
});
