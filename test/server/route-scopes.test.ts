/**
 * Authorisation per route family (issue 31, defect 6: the read-only scrape token could
 * `POST /calls/cleanup`). Every route is taken from the running sidecar's router and from the
 * table in docs/http.md ("Route scopes"); a route missing from either fails, so no route is added
 * without a scope. Each kind of credential is then sent to each route, over a real socket, and
 * must get what the table says: 2xx when its scope covers the route, 403 when it is valid but of
 * another scope, 401 when missing or wrong.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/logs/index.js';
import { type SidecarHandle, startSidecar } from '../../src/server/sidecar.js';
import { captureLines } from '../helpers/lines.js';

const SCRAPE = 'scrape-scope-token-0123456789';
const INGEST = 'ingest-scope-token-0123456789';
const ADMIN = 'admin-scope-token-0123456789ab';
const USER = { username: 'prometheus', password: 'basic-user-password-42' };

type Scope = 'none' | 'scrape' | 'ingest' | 'admin';

/** The credentials an operator can hold, and the scopes each may use. */
const CREDENTIALS: Array<{ name: string; header?: string; may: Scope[] }> = [
  { name: 'no credential', may: ['none'] },
  { name: 'wrong token', header: 'Bearer not-a-configured-token-xyz', may: ['none'] },
  { name: 'scrape token', header: `Bearer ${SCRAPE}`, may: ['none', 'scrape'] },
  {
    name: 'basic user',
    header: `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString('base64')}`,
    may: ['none', 'scrape'],
  },
  { name: 'ingest token', header: `Bearer ${INGEST}`, may: ['none', 'ingest'] },
  { name: 'admin token', header: `Bearer ${ADMIN}`, may: ['none', 'scrape', 'ingest', 'admin'] },
];

/** A request each route answers 2xx to when authorised (a body where it needs one). */
const EVENT = JSON.stringify({
  type: 'call.started',
  callId: 'scope-call-1',
  direction: 'inbound',
  channel: 'sip',
});
const BODIES: Record<string, { body: string; type: string }> = {
  'POST /events': { body: EVENT, type: 'application/json' },
  // An empty OTLP export: a success with nothing in it.
  'POST /v1/traces': { body: '{}', type: 'application/json' },
};

/** `| \`GET /metrics\` | scrape |` rows of the Route scopes table: the first word is the scope. */
function documentedScopes(): Map<string, Scope> {
  const doc = readFileSync(new URL('../../docs/http.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('### Route scopes'), doc.indexOf('### Path policy'));
  const out = new Map<string, Scope>();
  for (const m of section.matchAll(/^\| `([A-Z]+ \/[^`]*)` \| (\w+)/gm))
    out.set(m[1] as string, m[2] as Scope);
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'sidetone-scopes-'));
let sidecar: SidecarHandle;

describe('route scopes', () => {
  beforeAll(async () => {
    const config = loadConfig({
      env: {},
      flags: {
        'server.port': 0,
        'store.path': join(dir, 'calls.db'),
        'auth.scrape_tokens': SCRAPE,
        'auth.ingest_tokens': INGEST,
        'auth.admin_tokens': ADMIN,
        'auth.basic_users': `${USER.username}:${USER.password}`,
      },
    });
    sidecar = await startSidecar(config, { signals: false, logger: createLogger({ level: 'silent' }) });
  });
  afterAll(async () => {
    await sidecar?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every route of the router is in the docs table with the scope it has, and no other', () => {
    const routed = new Map(sidecar.routes().map((r) => [`${r.method} ${r.path}`, r.auth as Scope]));
    expect(Object.fromEntries(routed)).toEqual(Object.fromEntries(documentedScopes()));
    // The table covers every family, so the matrix below tries each outcome.
    expect(new Set(routed.values())).toEqual(new Set(['none', 'scrape', 'ingest', 'admin']));
  });

  it('each credential against each route: 2xx in scope, 403 valid but out of scope, 401 otherwise', async () => {
    const got: string[] = [];
    const want: string[] = [];
    for (const route of sidecar.routes()) {
      for (const cred of CREDENTIALS) {
        const key = `${route.method} ${route.path}`;
        const body = BODIES[key];
        const headers: Record<string, string> = {};
        if (cred.header !== undefined) headers.authorization = cred.header;
        if (body !== undefined) headers['content-type'] = body.type;
        // A lookup route asks for the call the matrix posted first (POST /events below).
        const path = route.path.replace(/:id$/, 'scope-call-1');
        const res = await fetch(`${sidecar.url}${path}`, {
          method: route.method,
          headers,
          ...(body !== undefined && { body: body.body }),
        });
        await res.arrayBuffer();
        const outcome =
          res.status === 401 || res.status === 403
            ? String(res.status)
            : res.status < 300
              ? '2xx'
              : res.status;
        const valid = cred.may.length > 1;
        const expected = cred.may.includes(route.auth as Scope) ? '2xx' : valid ? '403' : '401';
        got.push(`${key} with ${cred.name}: ${outcome}`);
        want.push(`${key} with ${cred.name}: ${expected}`);
        if (res.status === 401 || res.status === 403)
          expect(res.headers.get('www-authenticate'), `${key} with ${cred.name}`).toBeTruthy();
      }
    }
    expect(got).toEqual(want);
    expect(got.length).toBeGreaterThanOrEqual(18 * CREDENTIALS.length);
  });
});

describe('a scrape token alone', () => {
  it('with only a scrape token configured, cleanup is refused to it (403) and to no token (401)', async () => {
    const d = mkdtempSync(join(tmpdir(), 'sidetone-scopes-'));
    const { destination, lines } = captureLines();
    const only = await startSidecar(
      loadConfig({
        env: {},
        flags: { 'server.port': 0, 'store.path': join(d, 'calls.db'), 'auth.scrape_tokens': SCRAPE },
      }),
      { signals: false, logger: createLogger({ level: 'info', destination }) },
    );
    try {
      const post = (path: string, headers: Record<string, string> = {}) =>
        fetch(`${only.url}${path}`, { method: 'POST', headers }).then(async (r) => {
          await r.arrayBuffer();
          return r.status;
        });
      for (const path of ['/calls/cleanup', '/cleanup-stale-calls']) {
        expect(await post(path, { authorization: `Bearer ${SCRAPE}` }), path).toBe(403);
        expect(await post(path), path).toBe(401);
      }
      // Each refusal is audited; the valid token of the wrong scope as such, never the token.
      const audits = lines.filter((l) => l.includes('"credential_refused"')).map((l) => JSON.parse(l));
      expect(audits.map((a) => [a.path, a.reason])).toEqual([
        ['/calls/cleanup', 'scope'],
        ['/calls/cleanup', 'missing'],
        ['/cleanup-stale-calls', 'scope'],
        ['/cleanup-stale-calls', 'missing'],
      ]);
      expect(lines.join('\n')).not.toContain(SCRAPE);
      // Reads still work with it; ingest stays open as before (no ingest token configured).
      expect(
        (await fetch(`${only.url}/metrics`, { headers: { authorization: `Bearer ${SCRAPE}` } })).status,
      ).toBe(200);
    } finally {
      await only.close();
      rmSync(d, { recursive: true, force: true });
    }
  });
});
