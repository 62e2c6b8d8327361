import { describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../src/events/bus.js';
import { HealthRegistry } from '../../src/health/index.js';
import { createApp } from '../../src/http/index.js';
import { json } from '../../src/http/respond.js';
import { Registry } from '../../src/metrics/index.js';
import { sidetoneVersion } from '../../src/runtime/version.js';
import { instrument } from '../../src/telephony/instrument.js';
import { bearer, call, TOKEN } from './helpers.js';

describe('liveness', () => {
  it('answers 200 {status:"ok", uptime_seconds, version} without running checks', async () => {
    const health = new HealthRegistry();
    const check = vi.fn(() => false);
    health.register({ name: 'db', check });
    const res = await call(createApp({ health }), '/healthz');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.json();
    expect(body).toEqual({ status: 'ok', uptime_seconds: expect.any(Number), version: sidetoneVersion() });
    expect(check).not.toHaveBeenCalled();
  });

  it('HEAD answers the same headers without a body', async () => {
    const res = await call(createApp({ version: '9.9.9' }), '/healthz', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('content-length'))).toBeGreaterThan(0);
    expect(await res.text()).toBe('');
  });
});

describe('readiness transitions', () => {
  it('modem connected → 200 ready; disconnected → 503 degraded; silent → 503 unknown', async () => {
    // A controlled clock, so staleness does not depend on the speed of the machine.
    let now = 50_000;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => now);
    const health = new HealthRegistry();
    health.register({ name: 'modem', staleAfterMs: 120_000 });
    health.register({ name: 'call_store', check: () => ({ status: 'pass', detail: 'writable' }) });
    const app = createApp({ health });

    let res = await call(app, '/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      status: 'degraded',
      checks: { modem: { status: 'unknown', detail: 'never reported', age_seconds: null } },
    });

    health.report('modem', 'pass', 'registered');
    res = await call(app, '/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ready',
      checks: {
        modem: { status: 'pass', detail: 'registered', age_seconds: expect.any(Number), critical: true },
        call_store: { status: 'pass', detail: 'writable', age_seconds: expect.any(Number), critical: true },
      },
    });

    health.report('modem', 'fail', 'no network');
    res = await call(app, '/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'degraded', checks: { modem: { status: 'fail' } } });

    health.report('modem', 'pass', 'registered');
    now += 60_000;
    expect((await call(app, '/readyz')).status).toBe(200);
    now += 61_000;
    res = await call(app, '/readyz');
    clock.mockRestore();
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      status: 'degraded',
      checks: {
        modem: { status: 'unknown', detail: 'stale: no report for 121 s (limit 120 s)', age_seconds: 121 },
      },
    });
  });

  it('with no checks at all the process is ready', async () => {
    expect((await call(createApp(), '/readyz')).status).toBe(200);
  });
});

describe('compat /healthz (the Callstack contract)', () => {
  it('serves the readiness contract in the single-URL shape, fields in contract order', async () => {
    const health = new HealthRegistry();
    health.report('modem', 'pass');
    // One store keeps calls and SMS: `sms_store_ready` reads the check the sidecar registers for it.
    health.report('call_store', 'pass');
    const app = createApp({ health, compatHealthz: true });
    let res = await call(app, '/healthz');
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({
      status: 'ready',
      modem_connected: true,
      uptime_seconds: expect.any(Number),
      sms_store_ready: true,
    });
    expect(Object.keys(body)).toEqual(['status', 'modem_connected', 'uptime_seconds', 'sms_store_ready']);

    health.report('modem', 'fail', 'detached');
    res = await call(app, '/healthz');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      status: 'degraded',
      modem_connected: false,
      sms_store_ready: true,
    });
    // /readyz keeps the full readiness body.
    expect(await (await call(app, '/readyz')).json()).toMatchObject({
      checks: { modem: { status: 'fail' } },
    });
  });

  it('a modem that flapped and is back and registered is ready: 200 modem_connected:true (issue 47)', async () => {
    const bus = new EventBus();
    const telephony = instrument(bus, new Registry(), {
      packs: { modem: true },
      flapping: { reconnects: 3, windowSeconds: 600 },
    });
    const health = new HealthRegistry();
    health.register({ name: 'modem', critical: true, check: () => telephony.modem!.readiness() });
    health.report('call_store', 'pass');
    const app = createApp({ health, compatHealthz: true });
    bus.emit({ type: 'modem.connected' });
    for (let n = 0; n < 3; n++) {
      bus.emit({ type: 'modem.disconnected', reason: 'usb' });
      const down = await call(app, '/healthz');
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ status: 'degraded', modem_connected: false });
      bus.emit({ type: 'modem.reconnected' });
      // Reconnecting (its registration not reported again yet) is degraded too: the seed's states.
      expect((await call(app, '/healthz')).status).toBe(503);
    }
    bus.emit({ type: 'modem.registration', stat: 1 });
    const res = await call(app, '/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ready', modem_connected: true });
  });

  it('maps custom fields to checks; a missing check is false', async () => {
    const health = new HealthRegistry();
    health.report('sip_trunk', 'pass');
    const app = createApp({ health, compatHealthz: { fields: { trunk_up: 'sip_trunk', pbx_up: 'pbx' } } });
    const res = await call(app, '/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ready',
      trunk_up: true,
      uptime_seconds: expect.any(Number),
      pbx_up: false,
    });
  });
});

describe('paths, methods, errors', () => {
  it('serves configurable paths', async () => {
    const app = createApp({
      registry: new Registry(),
      paths: { healthz: '/live', readyz: '/ready', metrics: '/prom' },
    });
    expect((await call(app, '/live')).status).toBe(200);
    expect((await call(app, '/ready')).status).toBe(200);
    expect((await call(app, '/prom')).status).toBe(200);
    expect((await call(app, '/healthz')).status).toBe(404);
    expect((await call(app, '/metrics')).status).toBe(404);
  });

  it('unknown paths are JSON 404; wrong methods are 405 with Allow', async () => {
    const app = createApp();
    const nf = await call(app, '/nope');
    expect(nf.status).toBe(404);
    expect(await nf.json()).toEqual({ error: { code: 'ST_NOT_FOUND', message: 'not found' } });
    const na = await call(app, '/healthz', { method: 'POST', body: 'x' });
    expect(na.status).toBe(405);
    expect(na.headers.get('allow')).toBe('GET, HEAD');
    expect(await na.json()).toMatchObject({ error: { code: 'ST_METHOD_NOT_ALLOWED' } });
    expect((await call(app, '/healthz', { method: 'OPTIONS' })).status).toBe(405);
  });

  it('protectHealth puts the probes behind scrape auth', async () => {
    const app = createApp({ auth: { scrape: { tokens: [TOKEN] }, protectHealth: true } });
    expect((await call(app, '/healthz')).status).toBe(401);
    expect((await call(app, '/readyz')).status).toBe(401);
    expect((await call(app, '/healthz', { headers: bearer(TOKEN) })).status).toBe(200);
  });

  it('a crashing handler is a 500 with a stable code and no detail, logged server-side', async () => {
    const logger = { error: vi.fn() };
    const app = createApp({ logger });
    app.route(
      'GET',
      '/boom',
      () => {
        throw new Error('secret internals');
      },
      { auth: 'none' },
    );
    const res = await call(app, '/boom');
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(JSON.parse(body)).toEqual({
      error: { code: 'ST_INTERNAL', message: 'internal error: see the server log' },
    });
    expect(body).not.toMatch(/secret/);
    expect(logger.error).toHaveBeenCalledOnce();
  });
});

describe('route()', () => {
  it('mounts routes with their own auth; /metrics/dashboard does not collide with /metrics', async () => {
    const registry = new Registry();
    const app = createApp({
      registry,
      auth: { scrape: { tokens: [TOKEN] }, ingest: { tokens: ['ingest-token-abcdefgh12345'] } },
    });
    app.route('GET', '/metrics/dashboard', () => json(200, { page: 'dashboard' }), { auth: 'scrape' });
    app.route('POST', '/events', async (req) => json(202, { got: (await req.text()).length }), {
      auth: 'ingest',
    });
    expect((await call(app, '/metrics/dashboard')).status).toBe(401);
    const dash = await call(app, '/metrics/dashboard', { headers: bearer(TOKEN) });
    expect(await dash.json()).toEqual({ page: 'dashboard' });
    const metrics = await call(app, '/metrics', { headers: bearer(TOKEN) });
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    // Scrape tokens do not open ingest routes, and the reverse: valid, but of another scope (403).
    expect((await call(app, '/events', { method: 'POST', body: 'abc', headers: bearer(TOKEN) })).status).toBe(
      403,
    );
    const ev = await call(app, '/events', {
      method: 'POST',
      body: 'abc',
      headers: bearer('ingest-token-abcdefgh12345'),
    });
    expect(ev.status).toBe(202);
    expect(await ev.json()).toEqual({ got: 3 });
    expect((await call(app, '/metrics', { headers: bearer('ingest-token-abcdefgh12345') })).status).toBe(403);
    // A wrong method on a protected path asks for credentials before it says 405.
    expect((await call(app, '/events')).status).toBe(401);
    expect((await call(app, '/events', { headers: bearer('ingest-token-abcdefgh12345') })).status).toBe(405);
  });

  it('defaults to scrape auth, so forgetting the option does not publish a route', async () => {
    const app = createApp({ auth: { scrape: { tokens: [TOKEN] } } });
    app.route('GET', '/calls/summary', () => json(200, {}));
    expect((await call(app, '/calls/summary')).status).toBe(401);
    expect(app.routes()).toContainEqual({ method: 'GET', path: '/calls/summary', auth: 'scrape' });
  });

  it('refuses an open route inside a protected family, in either order', () => {
    const app = createApp({ registry: new Registry() });
    const open = { auth: 'none' as const };
    expect(() => app.route('GET', '/metrics/public', () => json(200, {}), open)).toThrow(
      expect.objectContaining({ code: 'ST_ROUTE_AUTH' }),
    );
    expect(() => app.route('GET', '/METRICS/x', () => json(200, {}), open)).toThrow(
      expect.objectContaining({ code: 'ST_ROUTE_AUTH' }),
    );
    app.route('GET', '/public/x', () => json(200, {}), open);
    expect(() => app.route('GET', '/public', () => json(200, {}), { auth: 'scrape' })).toThrow(
      expect.objectContaining({ code: 'ST_ROUTE_AUTH' }),
    );
  });

  it.each([
    ['GET', '/metrics/', 'ST_INVALID_ROUTE_PATH'],
    ['GET', 'metrics', 'ST_INVALID_ROUTE_PATH'],
    ['GET', '/a//b', 'ST_INVALID_ROUTE_PATH'],
    ['GET', '/a/../b', 'ST_INVALID_ROUTE_PATH'],
    ['GET', '/a%2Fb', 'ST_INVALID_ROUTE_PATH'],
    ['get', '/x', 'ST_INVALID_METHOD'],
    ['HEAD', '/x', 'ST_INVALID_METHOD'],
    ['GET', '/healthz', 'ST_DUPLICATE_ROUTE'],
  ])('refuses %s %s', (method, path, code) => {
    const app = createApp();
    expect(() => app.route(method, path, () => json(200, {}), { auth: 'none' })).toThrow(
      expect.objectContaining({ code }),
    );
  });

  it('owns() tells mounts which paths to answer', () => {
    const app = createApp({ registry: new Registry() });
    expect(app.owns('/metrics')).toBe(true);
    expect(app.owns('/metrics/anything')).toBe(true);
    expect(app.owns('/METRICS')).toBe(true);
    expect(app.owns('/healthz')).toBe(true);
    expect(app.owns('/healthz/x')).toBe(false);
    expect(app.owns('/sms/inbound')).toBe(false);
    expect(app.owns('/%2Fmetrics')).toBe(false);
  });
});
