import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type Served, serve } from '../../src/http/index.js';
import { isLoopback } from '../../src/http/node.js';
import { json } from '../../src/http/respond.js';
import { Registry } from '../../src/metrics/index.js';
import { deferred, parseRaw, rawGet, rawRequest, TOKEN, until } from './helpers.js';

const quiet = { info: () => {}, warn: () => {} };
const open: Served[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function start(app = createApp(), options: Parameters<typeof serve>[1] = {}): Promise<Served> {
  const s = await serve(app, { port: 0, logger: quiet, ...options });
  open.push(s);
  return s;
}

function echoApp() {
  const app = createApp();
  app.route('POST', '/events', async (req) => json(202, { bytes: (await req.arrayBuffer()).byteLength }), {
    auth: 'ingest',
  });
  return app;
}

describe('serve()', () => {
  it('serves over a real socket with keep-alive, HEAD and JSON errors', async () => {
    const s = await start(createApp({ registry: new Registry() }));
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const live = await fetch(`${s.url}/healthz`);
    expect(live.status).toBe(200);
    expect(await live.json()).toMatchObject({ status: 'ok' });
    const head = await fetch(`${s.url}/metrics`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const nf = await fetch(`${s.url}/nope`);
    expect(nf.status).toBe(404);
    expect(await nf.json()).toEqual({ error: { code: 'ST_NOT_FOUND', message: 'not found' } });
  });

  it('passes request bodies within the limit', async () => {
    const s = await start(echoApp(), { bodyLimitBytes: 1024 });
    const res = await fetch(`${s.url}/events`, { method: 'POST', body: 'x'.repeat(1000) });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ bytes: 1000 });
  });

  it('refuses a declared Content-Length over the limit with 413, unread', async () => {
    const s = await start(echoApp(), { bodyLimitBytes: 1024 });
    const res = await fetch(`${s.url}/events`, { method: 'POST', body: 'x'.repeat(5000) });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'ST_BODY_TOO_LARGE' } });
  });

  it('a client still sending a large body reads its 413, not a reset (20 in a row)', async () => {
    // Before, the answer was ended at once and node closed the socket with the body unread: the
    // kernel's RST reached the client first (fetch failed with EPIPE in a full test run).
    const s = await start(echoApp(), { bodyLimitBytes: 1024 });
    const body = 'x'.repeat(4 * 1024 * 1024);
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${s.url}/events`, { method: 'POST', body });
      expect(res.status).toBe(413);
      expect(res.headers.get('connection')).toBe('close');
      expect(await res.json()).toMatchObject({ error: { code: 'ST_BODY_TOO_LARGE' } });
    }
  });

  it('refuses a chunked body that grows past the limit with 413 and closes the connection', async () => {
    const s = await start(echoApp(), { bodyLimitBytes: 1024 });
    const chunk = `${(800).toString(16)}\r\n${'y'.repeat(800)}\r\n`;
    const res = await rawRequest(
      s.port,
      `POST /events HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n${chunk}${chunk}${chunk}0\r\n\r\n`,
    );
    expect(res.status).toBe(413);
    expect(res.headers.connection).toBe('close');
  });

  /** A socket to `port` with what it receives, its close and how long it stayed open. */
  function rawSocket(port: number) {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    const t0 = performance.now();
    socket.on('data', (c) => received.push(c));
    socket.on('error', () => {});
    const closed = new Promise<number>((resolve) =>
      socket.on('close', () => resolve(performance.now() - t0)),
    );
    const text = () => Buffer.concat(received).toString('latin1');
    /** Write one byte every 20 ms, as slowloris does, until the server closes the socket. */
    const trickle = (byte: string) => {
      const t = setInterval(() => {
        if (!socket.destroyed) socket.write(byte);
      }, 20);
      void closed.then(() => clearInterval(t));
    };
    return { socket, closed, text, trickle };
  }

  it('answers 408 and closes a slowloris connection that never finishes its headers', async () => {
    const s = await start(createApp(), { headersTimeoutMs: 200, requestTimeoutMs: 400 });
    const c = rawSocket(s.port);
    c.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n');
    c.trickle('X');
    const openMs = await c.closed;
    expect(parseRaw(c.text()).status).toBe(408);
    // The deadline (200 ms) plus at most one check (every 50 ms here), with room for a busy machine.
    expect(openMs).toBeGreaterThanOrEqual(200);
    expect(openMs).toBeLessThan(2000);
  });

  it('closes a kept-alive connection whose next head trickles in', async () => {
    const s = await start(createApp(), {
      headersTimeoutMs: 200,
      requestTimeoutMs: 400,
      keepAliveTimeoutMs: 300,
    });
    const c = rawSocket(s.port);
    c.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await until(() => c.text().includes('\r\n\r\n'), 'the first response');
    expect(parseRaw(c.text()).status).toBe(200);
    // Every byte resets the keep-alive timeout (an idle timer); only the head's deadline ends it.
    c.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n');
    c.trickle('X');
    const openMs = await c.closed;
    expect(openMs).toBeLessThan(3000);
    // node:http answers 408 where no response is in flight, as after a finished one.
    expect(c.text().match(/HTTP\/1\.1 \d+/g)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 408']);
  });

  it('closes a connection whose body trickles in past the request timeout', async () => {
    const s = await start(echoApp(), { headersTimeoutMs: 200, requestTimeoutMs: 400 });
    const c = rawSocket(s.port);
    c.socket.write(
      `POST /events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-ndjson\r\nContent-Length: 1000\r\n\r\n`,
    );
    c.trickle('{');
    const openMs = await c.closed;
    expect(openMs).toBeGreaterThanOrEqual(400);
    expect(openMs).toBeLessThan(3000);
    expect(parseRaw(c.text()).status).toBe(408);
  });

  it('calls onRequest as each request arrives, and not for a connection that sends none', async () => {
    const requests: number[] = [];
    const s = await start(createApp(), { onRequest: () => requests.push(1) });
    const socket = connect(s.port, '127.0.0.1');
    socket.on('error', () => {});
    await new Promise((r) => socket.once('connect', r));
    socket.destroy();
    expect(requests).toEqual([]);
    expect((await rawGet(s.port, '/healthz')).status).toBe(200);
    expect(requests).toEqual([1]);
  });

  it('closes an idle kept-alive connection after the keep-alive timeout', async () => {
    const s = await start(createApp(), { keepAliveTimeoutMs: 100 });
    const socket = connect(s.port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (c) => received.push(c));
    socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await new Promise((resolve) => socket.on('close', resolve));
    expect(parseRaw(Buffer.concat(received).toString('latin1')).status).toBe(200);
  });

  it('close() lets a request in flight finish, then stops', async () => {
    const app = createApp();
    const arrived = deferred();
    const gate = deferred();
    app.route(
      'GET',
      '/slow',
      async () => {
        arrived.resolve();
        await gate.promise;
        return json(200, { done: true });
      },
      { auth: 'none' },
    );
    const s = await serve(app, { port: 0, logger: quiet });
    const pending = rawGet(s.port, '/slow');
    await arrived.promise;
    const closing = s.close();
    gate.resolve();
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.body).toBe('{"done":true}');
    await closing;
    await expect(fetch(`${s.url}/healthz`)).rejects.toThrow();
  });

  it('refuses inconsistent timeouts', async () => {
    await expect(
      serve(createApp(), { port: 0, headersTimeoutMs: 5000, requestTimeoutMs: 1000, logger: quiet }),
    ).rejects.toThrow(expect.objectContaining({ code: 'ST_INVALID_OPTION' }));
  });
});

describe('start-up warnings', () => {
  function capture() {
    const lines: Array<{ obj: unknown; msg: string }> = [];
    return {
      lines,
      logger: {
        info: (obj: unknown, msg: string) => lines.push({ obj, msg }),
        warn: (obj: unknown, msg: string) => lines.push({ obj, msg: `WARN ${msg}` }),
      },
    };
  }

  it('warns when /metrics is open on a non-loopback address', async () => {
    const { lines, logger } = capture();
    const s = await start(createApp({ registry: new Registry() }), { host: '0.0.0.0', logger });
    const warns = lines.filter((l) => l.msg.startsWith('WARN'));
    expect(warns).toHaveLength(1);
    expect(warns[0]?.msg).toMatch(
      /serving \/metrics without auth on http:\/\/0\.0\.0\.0:\d+.*auth\.scrape_tokens/,
    );
    await s.close();
  });

  it('does not warn on loopback or with a token, and never logs the token', async () => {
    const { lines, logger } = capture();
    await start(createApp({ registry: new Registry() }), { host: '127.0.0.1', logger });
    await start(createApp({ registry: new Registry(), auth: { scrape: { tokens: [TOKEN] } } }), {
      host: '0.0.0.0',
      logger,
    });
    expect(lines.filter((l) => l.msg.startsWith('WARN'))).toEqual([]);
    expect(JSON.stringify(lines)).not.toContain(TOKEN);
  });

  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.10', false],
  ])('isLoopback(%s) = %s', (host, yes) => {
    expect(isLoopback(host)).toBe(yes);
  });
});
