import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/index.js';
import type { HttpRequest } from '../../src/http/request.js';
import type { RouteContext } from '../../src/http/router.js';

/** A GET over no server, carrying `payload` as a request holds its headers and body. */
function request(url: string, payload?: unknown): HttpRequest & { payload?: unknown } {
  const unread = () => Promise.reject(new Error('no body'));
  return {
    method: 'GET',
    url,
    headers: { get: () => null },
    text: unread,
    bytes: unread,
    arrayBuffer: unread,
    lines: unread,
    payload,
  };
}

const oldSpaceBytes = () =>
  getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')?.space_used_size ?? Number.NaN;

describe('the route context (issue 49)', () => {
  it('gives the path, the params and the URL parsed when first read, from its prototype', async () => {
    const app = createApp();
    const seen: RouteContext[] = [];
    app.route(
      'GET',
      '/things/:id',
      (_req, ctx) => {
        seen.push(ctx);
        return { status: 200, body: {} };
      },
      { auth: 'none' },
    );
    expect((await app.answer(request('http://localhost/things/42?window=1h'))).status).toBe(200);
    const ctx = seen[0] as RouteContext;
    expect(ctx.path).toBe('/things/42');
    expect(ctx.params).toEqual({ id: '42' });
    // No accessor of its own: a getter defined per request is what kept every request alive (below).
    expect(Object.getOwnPropertyDescriptor(ctx, 'url')).toBeUndefined();
    expect(ctx.url.searchParams.get('window')).toBe('1h');
    const { url } = ctx;
    expect(url).toBe(ctx.url);
  });

  it('keeps no request alive past a scavenge: a request the dispatch answered dies young', async () => {
    // The context was an object literal with a `get url()` over the request. V8 keeps such an object
    // in dictionary mode and allocates its accessor pair in old space, so until the next full GC
    // every scavenge saw the request (an IncomingMessage, its headers and body, the reply) as live
    // and promoted it: at a Pi's rate 420 KiB promoted a scavenge against 60 KiB without it, and the
    // sidecar's CPU per one-event POST ~9 % over the direct path's (bench/pi.bench.mjs).
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as (options?: { type: 'major' | 'minor' }) => void;
    const app = createApp();
    app.route('GET', '/r', () => ({ status: 200, body: {} }), { auth: 'none' });
    const n = 400;
    gc();
    gc();
    const before = oldSpaceBytes();
    for (let i = 0; i < n; i++) {
      // 2,048 small integers: 16 KiB on the heap a request, 6.25 MiB for all of them.
      const res = await app.answer(request('http://localhost/r', new Array(2048).fill(i)));
      expect(res.status).toBe(200);
    }
    // Two scavenges: what survives the first is promoted by the second.
    gc({ type: 'minor' });
    gc({ type: 'minor' });
    const grown = oldSpaceBytes() - before;
    // Before: 6.3-6.6 MiB (every payload); after: well under 1 MiB.
    expect(grown).toBeLessThan(1024 * 1024);
  });
});
