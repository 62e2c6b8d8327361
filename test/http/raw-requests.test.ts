/**
 * Every request gets an answer, whatever its method or path, over a raw socket: a request the
 * server cannot map must never leave a socket open and unanswered (issue 12: `TRACE` hung, and 1,100
 * such connections exhausted the descriptors).
 */
import net from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { type Served, serve } from '../../src/http/node.js';
import { Registry } from '../../src/metrics/index.js';

const TOKEN = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
let served: Served;

beforeAll(async () => {
  const app = createApp({ registry: new Registry(), auth: { scrape: { tokens: [TOKEN] } } });
  app.route('GET', '/metrics/dashboard', () => new Response('{}'), { auth: 'scrape' });
  app.route('POST', '/events', () => new Response('{}'), { auth: 'scrape' });
  served = await serve(app, { port: 0, host: '127.0.0.1', logger: { info() {}, warn() {} } });
});
afterAll(() => served.close());

/** Send raw bytes; resolve with the status line, or `unanswered` if the socket stays silent 2 s. */
function raw(request: string): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect(served.port, '127.0.0.1');
    let data = '';
    const done = (v: string) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const timer = setTimeout(
      () => done(data === '' ? 'unanswered' : (data.split('\r\n')[0] as string)),
      2000,
    );
    sock.on('data', (d) => {
      data += d;
      if (data.includes('\r\n')) done(data.split('\r\n')[0] as string);
    });
    sock.on('error', () => done(data === '' ? 'reset' : (data.split('\r\n')[0] as string)));
    sock.on('close', () => done(data === '' ? 'closed unanswered' : (data.split('\r\n')[0] as string)));
    sock.write(request);
  });
}

describe('methods the fetch API cannot carry', () => {
  it.each(['TRACE', 'CONNECT'])('%s is answered 405', async (method) => {
    const target = method === 'CONNECT' ? '127.0.0.1:9' : '/healthz';
    expect(await raw(`${method} ${target} HTTP/1.1\r\nHost: x\r\n\r\n`)).toBe(
      'HTTP/1.1 405 Method Not Allowed',
    );
  });

  it('a TRACE with a body is answered too', async () => {
    expect(await raw('TRACE /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc')).toBe(
      'HTTP/1.1 405 Method Not Allowed',
    );
  });
});

describe('method and path fuzz', () => {
  it('every request is answered, and no protected route answers 2xx without credentials', async () => {
    const methods = [
      'GET',
      'HEAD',
      'POST',
      'PUT',
      'DELETE',
      'PATCH',
      'OPTIONS',
      'TRACE',
      'CONNECT',
      'PROPFIND',
      'M-SEARCH',
      'FOO',
    ];
    const paths = [
      '/metrics',
      '/metrics/',
      '/METRICS',
      '/metrics/dashboard',
      '//metrics',
      '/./metrics',
      '/metrics%2F',
      '/%6detrics',
      '/events',
      '/healthz',
      '/readyz',
      '/x/../metrics',
      '*',
      'http://evil/metrics',
      '/metrics?x=1#y',
      '/metrics;a',
    ];
    let tried = 0;
    const unanswered: string[] = [];
    const leaks: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...methods),
        fc.constantFrom(...paths),
        fc.boolean(),
        async (m, p, withBody) => {
          const body = withBody ? 'Content-Length: 2\r\n\r\n{}' : '\r\n';
          const line = await raw(`${m} ${p} HTTP/1.1\r\nHost: x\r\n${body}`);
          tried++;
          if (!line.startsWith('HTTP/1.1 ')) unanswered.push(`${m} ${p}: ${line}`);
          const open = /^\/(healthz|readyz)(\?|$)/.test(p);
          if (/^HTTP\/1\.1 2/.test(line) && !open) leaks.push(`${m} ${p}: ${line}`);
        },
      ),
      { numRuns: 300 },
    );
    expect(tried).toBe(300);
    expect(unanswered).toEqual([]);
    expect(leaks).toEqual([]);
  }, 120_000);
});
