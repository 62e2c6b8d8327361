import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { serve as honoServe } from '@hono/node-server';
import { it, expect } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { expressMiddleware, fastifyPlugin, honoHandler } from '../../src/http/mounts.js';
import { Registry } from '../../src/metrics/index.js';

it('scratch', async () => {
  const registry = new Registry();
  const app = createApp({ registry, auth: { scrape: { tokens: ['secret-token-123456'] } } });
  const e = express();
  e.use(expressMiddleware(app));
  e.get('/x', (_req, res) => { res.send('x'); });
  const f = Fastify();
  await f.register(fastifyPlugin(app));
  f.get('/x', async () => 'x');
  const h = new Hono();
  h.use('*', honoHandler(app));
  h.get('/x', (c) => c.text('x'));
  await f.listen({ port: 0, host: '127.0.0.1' });
  const port = (f.server.address() as { port: number }).port;
  for (const [m, p, a] of [['GET', '/metrics', true], ['HEAD', '/metrics', true], ['GET', '/metrics', false], ['GET','/metrics/foo', false], ['GET', '/x', false], ['POST', '/metrics', true], ['GET','/healthz',false], ['HEAD','/healthz',false]] as const) {
    const r = await fetch(`http://127.0.0.1:${port}${p}`, { method: m, headers: a ? { authorization: 'Bearer secret-token-123456' } : {} });
    console.log(m, p, a, r.status, [...r.headers].map(x=>x.join(':')).join(' | '), (await r.text()).slice(0, 80));
  }
  await f.close();
  expect(1).toBe(1);
});
