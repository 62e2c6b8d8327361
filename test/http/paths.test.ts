import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type Served, serve } from '../../src/http/index.js';
import { normalisePath } from '../../src/http/path.js';
import { Registry } from '../../src/metrics/index.js';
import { bearer, call, rawGet, TOKEN } from './helpers.js';

const registry = new Registry();
registry.gauge({ name: 'modem_up', help: 'Modem up' }).set(1);
const app = createApp({ registry, auth: { scrape: { tokens: [TOKEN] } } });
const quiet = { info: () => {}, warn: () => {} };

// [request target, status without credentials, status with the right token]
// Every answer is either "served with auth" (401 then 200) or a 404: never a 200 without a token.
const matrix: Array<[string, number, number]> = [
  ['/metrics', 401, 200],
  ['/metrics?format=x&a=%2F', 401, 200],
  ['/metrics/', 401, 404],
  ['/metrics/dashboard', 401, 404],
  ['/METRICS', 401, 404],
  ['/Metrics/', 401, 404],
  ['//metrics', 404, 404],
  ['///metrics', 404, 404],
  ['/metrics//', 404, 404],
  ['/%2Fmetrics', 404, 404],
  ['/%2fmetrics', 404, 404],
  ['/metrics%2F', 404, 404],
  ['/%5Cmetrics', 404, 404],
  ['/%252Fmetrics', 404, 404],
  ['/%6Detrics', 401, 200],
  ['/%6d%65trics', 401, 200],
  ['/./metrics', 401, 200],
  ['/foo/../metrics', 401, 200],
  ['/%2e%2e/metrics', 401, 200],
  ['/metrics/..', 404, 404],
  ['/metrics/../metrics', 401, 200],
  ['/metrics%00', 404, 404],
  ['/metrics%', 404, 404],
  ['/metrics;x=1', 404, 404],
  ['/metrics.txt', 404, 404],
  ['/metricsx', 404, 404],
  ['/healthz/../metrics', 401, 200],
];

function expectNoMetrics(status: number, body: string): void {
  if (status !== 200) expect(body).not.toMatch(/modem_up|# HELP|# TYPE/);
}

describe('path tricks through app.fetch', () => {
  it.each(matrix)('%s → %i without a token, %i with it', async (target, open, authed) => {
    const a = await call(app, target);
    const body = await a.text();
    expect(a.status).toBe(open);
    expectNoMetrics(a.status, body);
    const b = await call(app, target, { headers: bearer(TOKEN) });
    expect(b.status).toBe(authed);
    if (authed === 200) expect(await b.text()).toMatch(/^modem_up 1$/m);
  });
});

describe('path tricks over a real socket (exact bytes, no client normalisation)', () => {
  let served: Served;
  beforeAll(async () => {
    served = await serve(app, { port: 0, logger: quiet });
  });
  afterAll(() => served.close());

  it.each(matrix)('%s → %i without a token, %i with it', async (target, open, authed) => {
    const a = await rawGet(served.port, target);
    expect(a.status).toBe(open);
    expectNoMetrics(a.status, a.body);
    const b = await rawGet(served.port, target, bearer(TOKEN));
    expect(b.status).toBe(authed);
  });

  it.each([
    ['absolute-form target', 'http://evil.example/metrics', 401, 200],
    ['absolute-form with dot segments', 'http://evil.example/x/../metrics', 401, 200],
    ['asterisk-form', '*', 404, 404],
  ])('%s', async (_name, target, open, authed) => {
    const a = await rawGet(served.port, target);
    expect(a.status).toBe(open);
    expectNoMetrics(a.status, a.body);
    expect((await rawGet(served.port, target, bearer(TOKEN))).status).toBe(authed);
  });

  it('a backslash is refused by the HTTP parser or treated as a path: never served open', async () => {
    const a = await rawGet(served.port, '/metrics\\');
    expect([400, 401, 404]).toContain(a.status);
    expectNoMetrics(a.status, a.body);
  });

  it('the Host header cannot move the path', async () => {
    const a = await rawGet(served.port, '/healthz', { host: 'x/metrics?' });
    expect(a.status).toBe(200);
    expect(a.body).toMatch(/"status":"ok"/);
  });
});

describe('normalisePath', () => {
  it.each([
    ['/metrics', { ok: true, path: '/metrics' }],
    ['/%6Detrics', { ok: true, path: '/metrics' }],
    ['/a%20b', { ok: true, path: '/a b' }],
    ['metrics', { ok: false, reason: 'not an absolute path' }],
    ['/%2Fmetrics', { ok: false, reason: 'encoded slash' }],
    ['/%E0%A4%A', { ok: false, reason: 'malformed percent-encoding' }],
    ['/a%0Ab', { ok: false, reason: 'control character or backslash' }],
    ['//metrics', { ok: false, reason: 'empty segment' }],
    ['/a/%2E%2E/b', { ok: false, reason: 'dot segment' }],
  ])('%s', (input, out) => {
    expect(normalisePath(input)).toEqual(out);
  });
});
