/**
 * The sidecar answers `GET /readyz` and `GET /metrics` on node:http without a web Request/Response
 * (issue 39: the probe that ends start-up loaded the web Request code, ~20 ms of CPU, and the first
 * scrape ~12 MiB of RSS), and through the app's fetch route for what that path leaves to it.
 * `/readyz` exactly is the direct path; `/readyz?via=fetch` reaches the same route through the
 * fetch handler (the router ignores the query). Both must give the same status, headers and body,
 * and be counted alike; a refused credential still gets the app's 401.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/logs/index.js';
import { type SidecarHandle, startSidecar } from '../../src/server/sidecar.js';
import { captureLines } from '../helpers/lines.js';
import { countWebRequests, okRequests } from '../helpers/request-metrics.js';

const SCRAPE = 'scrape-direct-token-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'sidetone-direct-ready-'));
const running: SidecarHandle[] = [];
afterAll(async () => {
  for (const s of running) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(name: string, flags: Record<string, string> = {}) {
  const config = loadConfig({
    env: {},
    flags: {
      'server.port': '0',
      'store.path': join(dir, `${name}.db`),
      'store.hash_key': 'direct-ready-hash-key-0123',
      ...flags,
    },
  });
  const sidecar = await startSidecar(config, {
    signals: false,
    logger: createLogger({ destination: captureLines().destination }),
  });
  running.push(sidecar);
  return sidecar;
}

/** Status, headers as sent (less Date, Connection, Keep-Alive) and the body, over node:http. */
function get(url: string, headers: Record<string, string> = {}) {
  type Got = { status: number; headers: Record<string, unknown>; body: string; bytes: Buffer };
  return new Promise<Got>((resolve, reject) => {
    const req = request(url, { headers });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const { date: _d, connection: _c, 'keep-alive': _k, ...rest } = res.headers;
        const bytes = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: rest, body: bytes.toString('utf8'), bytes });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * A readiness body with what changes between two runs a moment apart (each check's age and
 * detail: the event loop's delay, the free space) left out; the keys in their order otherwise.
 */
const shape = (body: string) =>
  JSON.stringify(JSON.parse(body), (k, v) => (k === 'age_seconds' || k === 'detail' ? typeof v : v));

describe('GET /readyz and GET /metrics on node:http directly', () => {
  it('answers as the fetch route does, builds no web Request, and is counted as the app counts it', async () => {
    const sidecar = await start('same');
    const requests = countWebRequests();
    let direct: Awaited<ReturnType<typeof get>>;
    let viaFetch: Awaited<ReturnType<typeof get>>;
    try {
      direct = await get(`${sidecar.url}/readyz`);
      expect(requests.built()).toBe(0);
      viaFetch = await get(`${sidecar.url}/readyz?via=fetch`);
      expect(requests.built()).toBe(1);
    } finally {
      requests.restore();
    }
    expect(direct.status).toBe(200);
    expect(direct.status).toBe(viaFetch.status);
    // The bodies' lengths differ by the checks' ages; each says its own.
    const { 'content-length': directLength, ...directHeaders } = direct.headers;
    const { 'content-length': fetchLength, ...fetchHeaders } = viaFetch.headers;
    expect(directHeaders).toEqual(fetchHeaders);
    expect(Number(directLength)).toBe(Buffer.byteLength(direct.body));
    expect(Number(fetchLength)).toBe(Buffer.byteLength(viaFetch.body));
    expect(JSON.parse(direct.body).status).toBe('ready');
    expect(shape(direct.body)).toBe(shape(viaFetch.body));
    const metrics = await (await fetch(`${sidecar.url}/metrics`)).text();
    expect(okRequests(metrics, '/readyz')).toBe(2);
  });

  it('with health.protect, answers a scrape credential directly and leaves a refused one to the app (401)', async () => {
    const sidecar = await start('protected', { 'auth.scrape_tokens': SCRAPE, 'health.protect': 'true' });
    const ok = await get(`${sidecar.url}/readyz`, { authorization: `Bearer ${SCRAPE}` });
    expect(ok.status).toBe(200);
    const refused = await get(`${sidecar.url}/readyz`);
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toBeDefined();
    const wrong = await get(`${sidecar.url}/readyz`, { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
  });

  it('scrapes as the fetch route does (text, OpenMetrics, gzip), builds no web Request, and refuses as the app does', async () => {
    const sidecar = await start('metrics', { 'auth.scrape_tokens': SCRAPE });
    const auth = { authorization: `Bearer ${SCRAPE}` };
    const requests = countWebRequests();
    const asked: Record<string, string>[] = [
      {},
      { accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' },
      { 'accept-encoding': 'gzip' },
    ];
    try {
      for (const headers of asked) {
        const before = requests.built();
        const direct = await get(`${sidecar.url}/metrics`, { ...auth, ...headers });
        expect(requests.built()).toBe(before);
        const viaFetch = await get(`${sidecar.url}/metrics?via=fetch`, { ...auth, ...headers });
        expect(requests.built()).toBe(before + 1);
        expect(direct.status).toBe(200);
        const { 'content-length': directLength, ...directHeaders } = direct.headers;
        const { 'content-length': fetchLength, ...fetchHeaders } = viaFetch.headers;
        expect(directHeaders).toEqual(fetchHeaders);
        expect(Number(directLength)).toBe(direct.bytes.byteLength);
        expect(Number(fetchLength)).toBe(viaFetch.bytes.byteLength);
      }
    } finally {
      requests.restore();
    }
    const refused = await get(`${sidecar.url}/metrics`);
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toBeDefined();
    const text = (await get(`${sidecar.url}/metrics`, auth)).body;
    // Three scrapes each way before this one's render.
    expect(okRequests(text, '/metrics')).toBe(6);
  });
});
