import { describe, expect, it } from 'vitest';
import { Authenticator } from '../../src/http/auth.js';
import { type Credentials, createApp } from '../../src/http/index.js';
import { Registry } from '../../src/metrics/index.js';
import { basic, bearer, call, TOKEN, TOKEN_B } from './helpers.js';

function appWith(scrape?: Credentials) {
  const registry = new Registry();
  registry.gauge({ name: 'modem_up', help: 'Modem up' }).set(1);
  return createApp({ registry, auth: scrape === undefined ? {} : { scrape } });
}

const USER = { username: 'prometheus', password: 'correct horse battery' };

interface Case {
  name: string;
  scrape?: Credentials;
  headers: Record<string, string>;
  status: number;
  challenge?: string;
}

const cases: Case[] = [
  { name: 'no credentials configured: open', headers: {}, status: 200 },
  { name: 'no credentials configured: any header is ignored', headers: bearer('whatever'), status: 200 },
  { name: 'right token', scrape: { tokens: [TOKEN] }, headers: bearer(TOKEN), status: 200 },
  {
    name: 'scheme is case-insensitive',
    scrape: { tokens: [TOKEN] },
    headers: { authorization: `bearer ${TOKEN}` },
    status: 200,
  },
  {
    name: 'missing header',
    scrape: { tokens: [TOKEN] },
    headers: {},
    status: 401,
    challenge: 'Bearer realm="metrics"',
  },
  {
    name: 'wrong token',
    scrape: { tokens: [TOKEN] },
    headers: bearer(`${TOKEN}x`),
    status: 401,
    challenge: 'Bearer realm="metrics", error="invalid_token"',
  },
  {
    name: 'token prefix',
    scrape: { tokens: [TOKEN] },
    headers: bearer(TOKEN.slice(0, -1)),
    status: 401,
    challenge: 'Bearer realm="metrics", error="invalid_token"',
  },
  {
    name: 'empty bearer',
    scrape: { tokens: [TOKEN] },
    headers: { authorization: 'Bearer ' },
    status: 401,
    challenge: 'Bearer realm="metrics", error="invalid_token"',
  },
  {
    name: 'scheme only',
    scrape: { tokens: [TOKEN] },
    headers: { authorization: 'Bearer' },
    status: 401,
    challenge: 'Bearer realm="metrics", error="invalid_token"',
  },
  {
    name: 'token without scheme',
    scrape: { tokens: [TOKEN] },
    headers: { authorization: TOKEN },
    status: 401,
  },
  { name: 'rotation: old token', scrape: { tokens: [TOKEN, TOKEN_B] }, headers: bearer(TOKEN), status: 200 },
  {
    name: 'rotation: new token',
    scrape: { tokens: [TOKEN, TOKEN_B] },
    headers: bearer(TOKEN_B),
    status: 200,
  },
  {
    name: 'rotation done: old token refused',
    scrape: { tokens: [TOKEN_B] },
    headers: bearer(TOKEN),
    status: 401,
  },
  {
    name: 'Basic: right',
    scrape: { basic: [USER] },
    headers: basic(USER.username, USER.password),
    status: 200,
  },
  {
    name: 'Basic: wrong password',
    scrape: { basic: [USER] },
    headers: basic(USER.username, 'wrong'),
    status: 401,
    challenge: 'Basic realm="metrics", charset="UTF-8"',
  },
  {
    name: 'Basic: wrong user',
    scrape: { basic: [USER] },
    headers: basic('grafana', USER.password),
    status: 401,
  },
  {
    name: 'Basic: no colon',
    scrape: { basic: [USER] },
    headers: { authorization: 'Basic cHJvbWV0aGV1cw==' },
    status: 401,
  },
  { name: 'Basic: garbage', scrape: { basic: [USER] }, headers: { authorization: 'Basic %%%' }, status: 401 },
  {
    name: 'Basic sent, only tokens configured',
    scrape: { tokens: [TOKEN] },
    headers: basic('a', TOKEN),
    status: 401,
  },
  {
    name: 'Bearer sent, only Basic configured',
    scrape: { basic: [USER] },
    headers: bearer(TOKEN),
    status: 401,
  },
  {
    name: 'both configured: token works',
    scrape: { tokens: [TOKEN], basic: [USER] },
    headers: bearer(TOKEN),
    status: 200,
  },
  {
    name: 'both configured: Basic works',
    scrape: { tokens: [TOKEN], basic: [USER] },
    headers: basic(USER.username, USER.password),
    status: 200,
  },
  {
    name: 'both configured: both challenges',
    scrape: { tokens: [TOKEN], basic: [USER] },
    headers: {},
    status: 401,
    challenge: 'Bearer realm="metrics", Basic realm="metrics", charset="UTF-8"',
  },
];

describe('/metrics auth matrix', () => {
  it.each(cases)('$name → $status', async ({ scrape, headers, status, challenge }) => {
    const res = await call(appWith(scrape), '/metrics', { headers });
    expect(res.status).toBe(status);
    const body = await res.text();
    if (status === 200) {
      expect(body).toMatch(/^modem_up 1$/m);
      return;
    }
    expect(JSON.parse(body)).toMatchObject({ error: { code: 'ST_UNAUTHORIZED' } });
    expect(res.headers.get('www-authenticate')).toBe(
      challenge ??
        (scrape?.tokens
          ? 'Bearer realm="metrics", error="invalid_token"'
          : 'Basic realm="metrics", charset="UTF-8"'),
    );
    // Nothing sent or configured is echoed back.
    const everything = `${body}${[...res.headers].join()}`;
    const sent = (headers.authorization ?? '').split(' ')[1] ?? '';
    for (const secret of [TOKEN, TOKEN_B, USER.password, ...(sent.length >= 8 ? [sent] : [])]) {
      expect(everything.includes(secret)).toBe(false);
    }
    expect(body).not.toMatch(/modem_up/);
  });
});

describe('Authenticator', () => {
  it.each([
    [{ tokens: [''] }],
    [{ tokens: ['has space in it'] }],
    [{ tokens: ['tab\tinside'] }],
    [{ basic: [{ username: '', password: 'x' }] }],
    [{ basic: [{ username: 'a:b', password: 'x' }] }],
    [{ basic: [{ username: 'a', password: '' }] }],
  ])('refuses unusable credentials %j without echoing them', (creds) => {
    let err: unknown;
    try {
      new Authenticator('metrics', creds as Credentials);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'ST_INVALID_CREDENTIALS' });
    expect(String((err as Error).message)).not.toMatch(/has space in it|tab\tinside/);
  });

  it('is open only when nothing is configured', () => {
    expect(new Authenticator('metrics').configured).toBe(false);
    expect(new Authenticator('metrics', { tokens: [], basic: [] }).configured).toBe(false);
    expect(new Authenticator('metrics', { tokens: [TOKEN] }).configured).toBe(true);
  });

  it('uses the realm of its family', () => {
    const out = new Authenticator('ingest', { tokens: [TOKEN] }).check(undefined);
    expect(out).toEqual({ ok: false, reason: 'missing', challenge: 'Bearer realm="ingest"' });
  });
});
