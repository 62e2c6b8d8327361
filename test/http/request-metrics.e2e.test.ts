import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve as honoServe } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { matchedRoutes } from 'hono/route';
import { describe, expect, it } from 'vitest';
import {
  expressRequestMetrics,
  fastifyRequestMetrics,
  honoRequestMetrics,
  RequestMetrics,
  routeMatcher,
} from '../../src/http/index.js';
import { statusClass } from '../../src/http/request-metrics.js';
import { Registry } from '../../src/metrics/index.js';
import { promtoolCheck } from '../helpers/promtool.js';
import { sample, until } from './helpers.js';

const count = (text: string, labels: string) => sample(text, `http_server_requests_total{${labels}}`) ?? 0;

async function listen(server: Server): Promise<{ base: string; close: () => Promise<void> }> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** The same traffic for every framework: two ids on one template, a 404, a failing route. */
async function traffic(base: string): Promise<void> {
  for (const path of ['/sms/4477009001', '/sms/4477009002', '/nope/4477009003'])
    await (await fetch(base + path)).text();
  await (await fetch(`${base}/ussd`, { method: 'POST', body: '*100#' })).text();
  await (await fetch(`${base}/fail`)).text();
}

function expectCommon(text: string): void {
  expect(count(text, 'method="GET",route="/sms/:id",status_class="2xx"')).toBe(2);
  expect(count(text, 'method="GET",route="unmatched",status_class="4xx"')).toBe(1);
  expect(count(text, 'method="POST",route="/ussd",status_class="2xx"')).toBe(1);
  expect(count(text, 'method="GET",route="/fail",status_class="5xx"')).toBe(1);
  expect(
    sample(
      text,
      'http_server_request_duration_seconds_count{method="GET",route="/sms/:id",status_class="2xx"}',
    ),
  ).toBe(2);
  expect(sample(text, 'http_server_requests_in_flight')).toBe(0);
  // The raw URLs (and the numbers in them) never become label values.
  expect(text).not.toMatch(/4477009/);
  expect(promtoolCheck(text)).toEqual({ status: 0, output: '' });
}

describe('request metrics', () => {
  it('node:http with a route matcher', async () => {
    const registry = new Registry();
    const rm = new RequestMetrics(registry);
    const route = routeMatcher(['/sms/:id', '/ussd', '/fail']);
    const server = createServer(
      rm.node(
        (req, res) => {
          const r = route(req.url ?? '/');
          res.statusCode = r === undefined ? 404 : r === '/fail' ? 500 : 200;
          res.end('ok');
        },
        { route: (req) => route(req.url ?? '/') },
      ),
    );
    const { base, close } = await listen(server);
    await traffic(base);
    await close();
    expectCommon(await registry.metrics());
  });

  it('Express, including a router mounted under a prefix', async () => {
    const registry = new Registry();
    const app = express();
    // 'test' keeps Express's default error handler from printing the expected "boom".
    app.set('env', 'test');
    app.use(expressRequestMetrics(new RequestMetrics(registry)));
    app.get('/sms/:id', (_req, res) => {
      res.send('ok');
    });
    app.post('/ussd', (_req, res) => {
      res.send('ok');
    });
    app.get('/fail', () => {
      throw new Error('boom');
    });
    const api = express.Router();
    api.get('/calls/:callId', (_req, res) => {
      res.send('ok');
    });
    app.use('/api', api);
    const { base, close } = await listen(createServer(app));
    await traffic(base);
    await (await fetch(`${base}/api/calls/abc123`)).text();
    await close();
    const text = await registry.metrics();
    expectCommon(text);
    expect(count(text, 'method="GET",route="/api/calls/:callId",status_class="2xx"')).toBe(1);
  });

  it('Fastify', async () => {
    const registry = new Registry();
    const app = Fastify();
    await app.register(fastifyRequestMetrics(new RequestMetrics(registry)));
    app.get('/sms/:id', async () => 'ok');
    app.post('/ussd', async () => 'ok');
    app.get('/fail', async () => {
      throw new Error('boom');
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    await traffic(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
    await app.close();
    expectCommon(await registry.metrics());
  });

  it.each([
    ['with the deprecated getter', false],
    ['with matchedRoutes from hono/route', true],
  ])('Hono %s', async (_name, helper) => {
    const registry = new Registry();
    const app = new Hono();
    const rm = new RequestMetrics(registry);
    app.use('*', helper ? honoRequestMetrics(rm, { matchedRoutes }) : honoRequestMetrics(rm));
    app.get('/sms/:id', (c) => c.text('ok'));
    app.post('/ussd', (c) => c.text('ok'));
    app.get('/fail', () => {
      throw new Error('boom');
    });
    app.onError((_err, c) => c.text('failed', 500));
    const server = honoServe({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    await traffic(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    await new Promise<void>((r) => server.close(() => r()));
    expectCommon(await registry.metrics());
  });

  it('a client that leaves before the answer is counted as aborted, and in-flight returns to 0', async () => {
    const registry = new Registry();
    const rm = new RequestMetrics(registry);
    const server = createServer(rm.node(() => {}, { route: () => '/hang' }));
    const { base, close } = await listen(server);
    const ac = new AbortController();
    const pending = fetch(`${base}/hang`, { signal: ac.signal }).catch(() => undefined);
    await until(() => rm.inFlight.get() === 1, 'the request to arrive');
    ac.abort();
    await pending;
    await until(() => rm.inFlight.get() === 0, 'the abort to be seen');
    server.closeAllConnections();
    await close();
    expect(count(await registry.metrics(), 'method="GET",route="/hang",status_class="aborted"')).toBe(1);
  });

  it('odd methods and a custom prefix', async () => {
    const registry = new Registry();
    const rm = new RequestMetrics(registry, { prefix: 'webhook' });
    rm.begin('PROPFIND')('/dav', 207);
    rm.begin(undefined)(undefined, 999);
    const text = await registry.metrics();
    expect(sample(text, 'webhook_requests_total{method="other",route="/dav",status_class="2xx"}')).toBe(1);
    expect(
      sample(text, 'webhook_requests_total{method="GET",route="unmatched",status_class="aborted"}'),
    ).toBe(1);
  });
});

describe('routeMatcher and statusClass', () => {
  const route = routeMatcher(['/sms/inbound', '/sms/:id', '/ussd/*', '/']);
  it.each([
    ['/sms/inbound', '/sms/inbound'],
    ['/sms/123?x=1', '/sms/:id'],
    ['/sms/123/', '/sms/:id'],
    ['/sms/123/extra', undefined],
    ['/ussd', '/ussd/*'],
    ['/ussd/a/b/c', '/ussd/*'],
    ['/', '/'],
    ['/other', undefined],
  ])('%s → %s', (url, template) => {
    expect(route(url)).toBe(template);
  });

  it.each([
    [101, '1xx'],
    [204, '2xx'],
    [302, '3xx'],
    [404, '4xx'],
    [503, '5xx'],
    [0, 'aborted'],
    [700, 'aborted'],
  ])('%i → %s', (status, cls) => {
    expect(statusClass(status)).toBe(cls);
  });
});
