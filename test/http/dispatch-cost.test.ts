import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp, expressMiddleware, type Served, serve } from '../../src/http/index.js';
import { requestTarget, targetPathname, urlPathname } from '../../src/http/path.js';
import { type HttpRequest, nodeRequest } from '../../src/http/request.js';
import { RequestMetrics } from '../../src/http/request-metrics.js';
import { Registry } from '../../src/metrics/index.js';

// What the one dispatch does per request (issue 49, CPU per event at 20 calls/s, issue 51): its
// answer leaves in one chunk, the path is read once without a URL built for it, and a request
// takes few promise turns. Each figure below is what the code before read.

const quiet = { info: () => {}, warn: () => {} };
const open: Array<{ close(): Promise<void> | void }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/** Microtask turns until `p` settles (each turn one `await` of a resolved promise). */
async function turns(p: Promise<unknown>): Promise<number> {
  let settled = false;
  p.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  let n = 0;
  while (!settled && n < 1000) {
    await Promise.resolve();
    n++;
  }
  return n;
}

/** A node request with no socket: a method, a target, headers, and a body emitted when told. */
function fakeNode(method: string, url: string, headers: Record<string, string> = {}) {
  const req = Object.assign(new EventEmitter(), { method, url, headers, pause() {}, resume() {} });
  return req as unknown as IncomingMessage & EventEmitter;
}

describe('the one dispatch, per request (issue 49)', () => {
  it("writes a JSON answer's head and body as one chunk, not two", async () => {
    const app = createApp();
    app.route(
      'POST',
      '/events',
      async (req) => ({ status: 200, body: { accepted: (await req.text()).length } }),
      {
        auth: 'none',
      },
    );
    const served: Served = await serve(app, { port: 0, logger: quiet });
    open.push(served);
    const chunks: number[] = [];
    served.server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
      const socket = res.socket as Socket & {
        _write(chunk: unknown, enc: unknown, cb: unknown): void;
        _writev(chunks: unknown[], cb: unknown): void;
      };
      const write = socket._write;
      const writev = socket._writev;
      socket._write = function (chunk, enc, cb) {
        chunks.push(1);
        return write.call(this, chunk, enc, cb);
      };
      socket._writev = function (list, cb) {
        chunks.push(list.length);
        return writev.call(this, list, cb);
      };
    });
    const res = await fetch(`${served.url}/events`, { method: 'POST', body: '{"type":"x"}' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe('15');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ accepted: 12 });
    // One writev of the head with the body, and node's empty end-of-message chunk. Before: [3] (the
    // head as a string, the body as a Buffer, and that empty chunk).
    expect(chunks).toEqual([2]);
  });

  it('answers a synchronous route in at most 2 promise turns (before: 3, an async dispatch inside an async answer)', async () => {
    const app = createApp();
    app.route('GET', '/r', () => ({ status: 200, body: {} }), { auth: 'none' });
    const req: HttpRequest = {
      method: 'GET',
      url: 'http://localhost/r',
      headers: { get: () => null },
      text: () => Promise.resolve(''),
      bytes: () => Promise.resolve(new Uint8Array()),
      arrayBuffer: () => Promise.resolve(new ArrayBuffer(0)),
      lines: () => Promise.reject(new Error('no body')),
    };
    expect(await turns(app.answer(req))).toBeLessThanOrEqual(2);
  });

  it("reads a node request's body in at most 2 promise turns after its end (before: 3, text over bytes over the read)", async () => {
    const req = fakeNode('POST', '/events');
    const text = nodeRequest(req, 1024).text();
    req.emit('data', Buffer.from('{"type":"x"}'));
    req.emit('end');
    expect(await turns(text)).toBeLessThanOrEqual(2);
    expect(await text).toBe('{"type":"x"}');
  });

  it("routes a node request on its target without building its URL (the url getter's string)", async () => {
    const app = createApp();
    app.route('GET', '/r', (_req, ctx) => ({ status: 200, body: { path: ctx.path } }), { auth: 'none' });
    const req = nodeRequest(fakeNode('GET', '/r?x=1'), 1024);
    const res = await app.answer(req);
    expect(res).toMatchObject({ status: 200, body: { path: '/r' } });
    // Before: `http://localhost/r?x=1`, built to be scanned for its path again.
    expect((req as unknown as { target?: string }).target).toBeUndefined();
  });

  it('reads the pathname of any request target as the WHATWG URL parser does', () => {
    const target = fc.oneof(
      fc.webPath(),
      fc.tuple(fc.webPath(), fc.webQueryParameters()).map(([p, q]) => `${p}?${q}`),
      fc.stringMatching(/^\/[\w.~%/\\-]{0,20}(?:\?[\w=&]{0,8})?$/),
      fc.webUrl(),
      fc.constantFrom('*', '', '//metrics', '/a/../metrics', '/%6Detrics', '/a#b'),
    );
    fc.assert(
      fc.property(target, (raw) => {
        const whatwg = new URL(`http://localhost${requestTarget(raw)}`).pathname;
        expect(targetPathname(raw)).toBe(whatwg);
        expect(urlPathname(`http://localhost${requestTarget(raw)}`)).toBe(whatwg);
      }),
      { numRuns: 300 },
    );
  });

  it("a route's own body limit holds over the Express mount as over serve() (one limit, where it is routed)", async () => {
    const app = createApp();
    const echo = async (req: HttpRequest) => ({ status: 200, body: { n: (await req.bytes()).byteLength } });
    app.route('POST', '/small', echo, { auth: 'none', bodyLimitBytes: 100 });
    app.route('POST', '/large', echo, { auth: 'none', bodyLimitBytes: 4096 });
    const mount = expressMiddleware(app, { bodyLimitBytes: 1024 });
    const server: Server = createServer((req, res) =>
      mount(req, res, () => {
        res.statusCode = 404;
        res.end();
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    open.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const post = (path: string, n: number) => fetch(`${url}${path}`, { method: 'POST', body: 'x'.repeat(n) });
    // Before: 200 (the mount's 1 MiB-class limit, not the route's 100 bytes).
    const small = await post('/small', 500);
    expect(small.status).toBe(413);
    await small.arrayBuffer();
    // Before: 413 (the mount's 1,024 bytes over the route's 4,096).
    const large = await post('/large', 2000);
    expect(large.status).toBe(200);
    expect(await large.json()).toEqual({ n: 2000 });
  });

  it("finds a request's metric series once per method, route and class, and counts every request", () => {
    const rm = new RequestMetrics(new Registry(), { maxSeries: 3 });
    const labels = vi.spyOn(rm.requests, 'labels');
    for (let i = 0; i < 50; i++) rm.begin('POST')('/events', 200);
    // Before: 50 (a label object built and its series looked up for every request).
    expect(labels).toHaveBeenCalledTimes(1);
    expect(rm.requests.labels({ method: 'POST', route: '/events', status_class: '2xx' }).value).toBe(50);
    // Past the bound (maxSeries) nothing more is kept, and every request still counts.
    for (const route of ['/a', '/b', '/c', '/d'])
      for (let i = 0; i < 3; i++) rm.begin('get')(route, i === 0 ? 0 : 503);
    const total = (status_class: string, route: string) =>
      rm.requests.labels({ method: 'GET', route, status_class }).value;
    expect(total('aborted', '/a') + total('5xx', '/a')).toBe(3);
    expect(labels.mock.calls.length).toBeGreaterThan(1 + 4 * 2);
  });
});
