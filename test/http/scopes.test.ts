/**
 * Scopes per configuration (docs/http.md, Auth): which routes are open, which ask for which
 * credential, and the 401/403 split, through `app.fetch` for every combination of configured
 * scopes. The sidecar's own routes are covered by test/server/route-scopes.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { type Credentials, createApp } from '../../src/http/index.js';
import { json } from '../../src/http/respond.js';
import { bearer, call } from './helpers.js';

const T = {
  scrape: 'scrape-token-0123456789ab',
  ingest: 'ingest-token-0123456789ab',
  admin: 'admin-token-0123456789abc',
};
type Scope = keyof typeof T;

function appWith(configured: Scope[]) {
  const auth: Partial<Record<Scope, Credentials>> = {};
  for (const s of configured) auth[s] = { tokens: [T[s]] };
  const app = createApp({ auth });
  app.route('GET', '/metrics/read', () => json(200, {}), { auth: 'scrape' });
  app.route('POST', '/events', () => json(200, {}), { auth: 'ingest' });
  app.route('POST', '/calls/cleanup', () => json(200, {}), { auth: 'admin' });
  return app;
}

const ROUTES: Array<[Scope, string, string]> = [
  ['scrape', 'GET', '/metrics/read'],
  ['ingest', 'POST', '/events'],
  ['admin', 'POST', '/calls/cleanup'],
];

/** What the docs promise: open while nothing grants the scope (admin: while nothing at all is set). */
function expected(configured: Scope[], route: Scope, sent: Scope | undefined): number {
  const guarded =
    route === 'admin' ? configured.length > 0 : configured.includes(route) || configured.includes('admin');
  if (!guarded) return 200;
  if (sent === undefined || !configured.includes(sent)) return 401;
  return sent === 'admin' || sent === route ? 200 : 403;
}

const CONFIGS: Scope[][] = [
  [],
  ['scrape'],
  ['ingest'],
  ['admin'],
  ['scrape', 'ingest'],
  ['scrape', 'ingest', 'admin'],
];

describe('scopes per configuration', () => {
  for (const configured of CONFIGS) {
    it(`configured: ${configured.join(', ') || 'nothing'}`, async () => {
      const app = appWith(configured);
      const got: string[] = [];
      const want: string[] = [];
      for (const [scope, method, path] of ROUTES) {
        for (const sent of [undefined, 'scrape', 'ingest', 'admin'] as const) {
          const res = await call(app, path, { method, headers: sent === undefined ? {} : bearer(T[sent]) });
          got.push(`${path} with ${sent ?? 'none'}: ${res.status}`);
          want.push(`${path} with ${sent ?? 'none'}: ${expected(configured, scope, sent)}`);
          if (res.status === 403) {
            expect(res.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
            expect(((await res.json()) as { error: { code: string } }).error.code).toBe('ST_FORBIDDEN');
          }
          if (res.status === 401) expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="/);
        }
      }
      expect(got).toEqual(want);
    });
  }

  it('unprotectedRoutes lists a cleanup route as open only while nothing is configured', () => {
    const open = (c: Scope[]) =>
      appWith(c)
        .unprotectedRoutes()
        .map((r) => r.path);
    expect(open([])).toContain('/calls/cleanup');
    expect(open(['scrape'])).not.toContain('/calls/cleanup');
    expect(open(['scrape'])).toContain('/events');
    expect(open(['admin'])).toEqual(['/healthz', '/readyz']);
  });
});
