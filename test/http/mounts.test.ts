import type { AddressInfo } from 'node:net';
import { serve as honoServe } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, expressMiddleware, fastifyPlugin, honoHandler } from '../../src/http/index.js';
import { json } from '../../src/http/respond.js';
import { Registry } from '../../src/metrics/index.js';
import { bearer, INGEST, rawGet, TOKEN } from './helpers.js';

function sidetone() {
  const registry = new Registry();
  registry.gauge({ name: 'modem_up', help: 'Modem up' }).set(1);
  const app = createApp({ registry, auth: { scrape: { tokens: [TOKEN] }, ingest: { tokens: [INGEST] } } });
  app.route('POST', '/events', async (req) => json(202, { echo: await req.text() }), { auth: 'ingest' });
  return app;
}

interface Running {
  port: number;
  close(): Promise<void>;
}

const frameworks: Array<[string, () => Promise<Running>]> = [
  [
    'express',
    async () => {
      const server = express();
      // A body parser before the mount: the middleware must still see the body.
      server.use(express.text({ type: '*/*' }));
      server.use(expressMiddleware(sidetone()));
      server.get('/sms/status', (_req, res) => {
        res.json({ own: 'express' });
      });
      const http = server.listen(0, '127.0.0.1');
      await new Promise((r) => http.once('listening', r));
      return {
        port: (http.address() as AddressInfo).port,
        close: () => new Promise<void>((r) => http.close(() => r())),
      };
    },
  ],
  [
    'fastify',
    async () => {
      const server = Fastify();
      await server.register(fastifyPlugin(sidetone()));
      server.get('/sms/status', async () => ({ own: 'fastify' }));
      await server.listen({ port: 0, host: '127.0.0.1' });
      return { port: (server.server.address() as AddressInfo).port, close: () => server.close() };
    },
  ],
  [
    'hono',
    async () => {
      const hono = new Hono();
      hono.use('*', honoHandler(sidetone()));
      hono.get('/sms/status', (c) => c.json({ own: 'hono' }));
      const http = honoServe({ fetch: hono.fetch, port: 0, hostname: '127.0.0.1' });
      await new Promise((r) => http.once('listening', r));
      return {
        port: (http.address() as AddressInfo).port,
        close: () => new Promise<void>((r) => http.close(() => r())),
      };
    },
  ],
];

describe.each(frameworks)('mounted in %s (real framework, real socket)', (name, boot) => {
  let running: Running;
  let base: string;
  beforeAll(async () => {
    running = await boot();
    base = `http://127.0.0.1:${running.port}`;
  });
  afterAll(() => running.close());

  it('/metrics asks for a token, then serves', async () => {
    const denied = await fetch(`${base}/metrics`);
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    const ok = await fetch(`${base}/metrics`, { headers: bearer(TOKEN) });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await ok.text()).toMatch(/^modem_up 1$/m);
  });

  it('gzip survives the framework', async () => {
    const res = await fetch(`${base}/metrics`, { headers: { ...bearer(TOKEN), 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    // fetch decompresses transparently.
    expect(await res.text()).toMatch(/^modem_up 1$/m);
  });

  it('the /metrics/* family is protected too', async () => {
    expect((await fetch(`${base}/metrics/anything`)).status).toBe(401);
    expect((await fetch(`${base}/metrics/anything`, { headers: bearer(TOKEN) })).status).toBe(404);
  });

  it('path tricks never serve metrics without a token', async () => {
    for (const target of [
      '//metrics',
      '/%2Fmetrics',
      '/METRICS',
      '/metrics/',
      '/%6Detrics',
      '/x/../metrics',
    ]) {
      const res = await rawGet(running.port, target);
      expect([400, 401, 404]).toContain(res.status);
      expect(res.body).not.toMatch(/modem_up/);
    }
  });

  it('health probes are open', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it("the framework's own routes are untouched", async () => {
    const res = await fetch(`${base}/sms/status`);
    expect(await res.json()).toEqual({ own: name });
  });

  it('ingest routes get the body and their own tokens', async () => {
    const post = (headers: Record<string, string>) =>
      fetch(`${base}/events`, {
        method: 'POST',
        body: '{"type":"sms.sent"}',
        headers: { 'content-type': 'application/json', ...headers },
      });
    // A scrape token is valid but not for ingest: 403 (RFC 6750 insufficient_scope).
    expect((await post(bearer(TOKEN))).status).toBe(403);
    expect((await post(bearer('not-a-configured-token-0123'))).status).toBe(401);
    const ok = await post(bearer(INGEST));
    expect(ok.status).toBe(202);
    expect(await ok.json()).toEqual({ echo: '{"type":"sms.sent"}' });
  });

  it('HEAD and 405 behave as on the node adapter', async () => {
    const head = await fetch(`${base}/healthz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await fetch(`${base}/healthz`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});
