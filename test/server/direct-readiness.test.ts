/**
 * The sidecar answers `GET /readyz` on node:http without a web Request/Response (issue 39: the
 * probe that ends start-up loaded the web Request code, ~20 ms of CPU), and through the app's
 * fetch route for what that path leaves to it. `/readyz` exactly is the direct path;
 * `/readyz?via=fetch` reaches the same route through the fetch handler (the router ignores the
 * query). Both must give the same status, headers and body bytes, and be counted alike; with
 * `health.protect` a refused credential still gets the app's 401.
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
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request(url, { headers });
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => {
          const { date: _d, connection: _c, 'keep-alive': _k, ...rest } = res.headers;
          resolve({ status: res.statusCode ?? 0, headers: rest, body });
        });
      });
      req.on('error', reject);
      req.end();
    },
  );
}

/**
 * A readiness body with what changes between two runs a moment apart (each check's age and
 * detail: the event loop's delay, the free space) left out; the keys in their order otherwise.
 */
const shape = (body: string) =>
  JSON.stringify(JSON.parse(body), (k, v) => (k === 'age_seconds' || k === 'detail' ? typeof v : v));

describe('GET /readyz on node:http directly', () => {
  it('answers as the fetch route does, builds no web Request, and is counted as the app counts it', async () => {
    const sidecar = await start('same');
    const Original = globalThis.Request;
    let built = 0;
    globalThis.Request = class extends Original {
      constructor(...args: ConstructorParameters<typeof Request>) {
        super(...args);
        built++;
      }
    };
    let direct: Awaited<ReturnType<typeof get>>;
    let viaFetch: Awaited<ReturnType<typeof get>>;
    try {
      direct = await get(`${sidecar.url}/readyz`);
      expect(built).toBe(0);
      viaFetch = await get(`${sidecar.url}/readyz?via=fetch`);
      expect(built).toBe(1);
    } finally {
      globalThis.Request = Original;
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
    const line = metrics
      .split('\n')
      .find(
        (l) =>
          l.startsWith('sidetone_http_server_requests_total{') &&
          l.includes('route="/readyz"') &&
          l.includes('status_class="2xx"'),
      );
    expect(Number(line?.split(' ').at(-1))).toBe(2);
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
});
