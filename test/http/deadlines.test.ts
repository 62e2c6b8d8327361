import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { watchDeadlines } from '../../src/http/deadlines.js';
import { until } from '../helpers/until.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  server = undefined;
});

describe('watchDeadlines', () => {
  it('checks only while a connection is open: an idle server has no timer (issue 51)', async () => {
    const s = createServer({ headersTimeout: 0, requestTimeout: 0 }, (req, res) => {
      deadlines.request(req, res);
      res.end('ok');
    });
    server = s;
    const deadlines = watchDeadlines(s, {
      headersMs: 10_000,
      requestMs: 30_000,
      keepAliveMs: 5_000,
      checkEveryMs: 1_000,
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    expect(deadlines.checking).toBe(false);
    const port = (s.address() as { port: number }).port;
    const a = connect(port, '127.0.0.1');
    const b = connect(port, '127.0.0.1');
    const connections = () => new Promise<number>((r) => s.getConnections((_e, n) => r(n)));
    await until(async () => (await connections()) === 2, 'two connections');
    expect(deadlines.checking).toBe(true);
    a.destroy();
    await until(async () => (await connections()) === 1, 'one connection');
    expect(deadlines.checking).toBe(true);
    b.destroy();
    await until(async () => !deadlines.checking, 'the check to stop');
    expect(await connections()).toBe(0);
  });
});
