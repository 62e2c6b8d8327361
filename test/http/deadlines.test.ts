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

  /**
   * A server with the deadlines on a clock the test moves (node's own keep-alive timeout set far
   * off, so only the deadlines can end a connection): the time under test is simulated, and the
   * test waits only for checks to have run (each reads the clock once).
   */
  async function simulated(o: { headersMs: number; keepAliveMs: number }) {
    let clock = 0;
    let reads = 0;
    const s = createServer({ headersTimeout: 0, requestTimeout: 0, keepAliveTimeout: 60_000 }, (req, res) => {
      deadlines.request(req, res);
      res.end('ok');
    });
    server = s;
    const deadlines = watchDeadlines(s, {
      headersMs: o.headersMs,
      requestMs: 1_000,
      keepAliveMs: o.keepAliveMs,
      checkEveryMs: 5,
      now: () => {
        reads++;
        return clock;
      },
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const socket = connect((s.address() as { port: number }).port, '127.0.0.1');
    socket.on('error', () => {});
    let text = '';
    socket.on('data', (c) => {
      text += c.toString('latin1');
    });
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    return {
      socket,
      closed,
      responses: () => text.match(/HTTP\/1\.1 \d+/g) ?? [],
      advance: (ms: number) => {
        clock += ms;
      },
      /** Wait until the check has read the clock `n` more times. */
      checks: async (n: number) => {
        const from = reads;
        await until(() => reads >= from + n, `${n} checks`);
      },
    };
  }

  it('keeps a kept-alive connection idle longer than the head timeout, within the keep-alive timeout', async () => {
    const c = await simulated({ headersMs: 200, keepAliveMs: 300 });
    c.socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await until(() => c.responses().length === 1, 'the first response');
    await c.checks(2); // one of them saw the response finished: the connection waits for a head
    c.advance(450); // past the head timeout, within it plus the keep-alive timeout (500)
    await c.checks(3);
    expect(c.socket.destroyed).toBe(false);
    c.socket.write('GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    await c.closed;
    expect(c.responses()).toEqual(['HTTP/1.1 200', 'HTTP/1.1 200']);
  });

  it('closes a kept-alive connection with no next head past the keep-alive timeout plus the head timeout', async () => {
    const c = await simulated({ headersMs: 200, keepAliveMs: 300 });
    c.socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await until(() => c.responses().length === 1, 'the first response');
    await c.checks(2);
    c.advance(501);
    await c.closed;
    // node:http answers 408 where no response is under way.
    expect(c.responses()).toEqual(['HTTP/1.1 200', 'HTTP/1.1 408']);
  });
});
