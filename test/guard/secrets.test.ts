/**
 * The one redaction list for secrets (src/guard/secrets.ts): key names, credentials in URLs and
 * headers, remembered values. Table-driven vectors, then a property over generated URLs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isSecretKey,
  MASK,
  maskSecretsIn,
  redactSecrets,
  redactUrlCredentials,
  rememberSecrets,
  secretValues,
} from '../../src/secrets.js';

describe('isSecretKey', () => {
  it.each([
    ['push.password', true],
    ['push.bearer_token', true],
    ['auth.scrape_tokens', true],
    ['auth.scrape_tokens.0', true],
    ['auth.basic_users.0.password', true],
    ['store.hash_key', true],
    ['api_key', true],
    ['client_secret', true],
    ['authorization', true],
    ['push.bearer_token_file', false],
    ['store.hash_key_file', false],
    ['push.username', false],
    ['key', false],
    ['metrics.max_series', false],
    ['trace_id', false],
  ])('%s: %s', (path, secret) => expect(isSecretKey(path)).toBe(secret));
});

describe('redactUrlCredentials', () => {
  it.each([
    ['postgres://app:hunter2@db:5432/x', `postgres://app:${MASK}@db:5432/x`],
    ['https://u:p%40ss@rw.example/api/v1/write', `https://u:${MASK}@rw.example/api/v1/write`],
    ['https://rw.example/w?access_token=abc&job=x', `https://rw.example/w?access_token=${MASK}&job=x`],
    ['http://c:4318/?api_key=k1&token=t2', `http://c:4318/?api_key=${MASK}&token=${MASK}`],
    ['postgres://db/x?sslmode=require&password=p', `postgres://db/x?sslmode=require&password=${MASK}`],
    ['host=db user=app password=pw dbname=x', `host=db user=app password=${MASK} dbname=x`],
    ['https:/u:pw@host', `https:/u:${MASK}@host`],
    ['push failed: Authorization: Bearer abcdefgh12345', `push failed: Authorization: Bearer ${MASK}`],
    ['postgres://sidetone@db:5432/sidetone', 'postgres://sidetone@db:5432/sidetone'],
    ['http://127.0.0.1:9464/metrics?days=1&format=csv', 'http://127.0.0.1:9464/metrics?days=1&format=csv'],
    ['plain text, nothing here', 'plain text, nothing here'],
  ])('%s', (input, output) => expect(redactUrlCredentials(input)).toBe(output));

  it('never returns the password or a credential parameter of a URL (property)', () => {
    const part = fc.stringMatching(/^[A-Za-z0-9._~-]{6,24}$/);
    fc.assert(
      fc.property(
        fc.constantFrom('http', 'https', 'postgres', 'postgresql'),
        part,
        part,
        part,
        fc.constantFrom('token', 'access_token', 'api_key', 'password', 'apikey', 'X-Amz-Signature'),
        (scheme, user, pass, value, param) => {
          const url = `${scheme}://${user}:${pass}@host.example:5432/p?x=1&${param}=${value}`;
          const out = redactUrlCredentials(`error at ${url} (retrying)`);
          expect(out).not.toContain(`:${pass}@`);
          expect(out).not.toContain(`${param}=${value}`);
          expect(out).toContain(`${scheme}://${user}:${MASK}@host.example:5432/p?x=1&`);
        },
      ),
    );
  });
});

describe('remembered secrets and masking objects', () => {
  it('masks a remembered value anywhere, also percent-encoded; ignores values too short to be secrets', () => {
    rememberSecrets(['capture-secret-0001', 'p@ss word!', 'abc']);
    expect(redactSecrets('HEP password capture-secret-0001 refused')).toBe(`HEP password ${MASK} refused`);
    expect(redactSecrets('dsn postgres://db/x?opt=p%40ss%20word!')).toBe(`dsn postgres://db/x?opt=${MASK}`);
    expect(redactSecrets('abc stays')).toBe('abc stays');
  });

  it('maskSecretsIn masks secret keys whole (lists keep their length) and credentials in strings', () => {
    const masked = maskSecretsIn({
      auth: { scrape_tokens: ['a', 'b'], basic_users: [{ username: 'prom', password: 'x' }] },
      push: { password: 'pw', username: 'u', remote_write_url: 'https://u:pw@rw/w?token=t' },
      hep: { password: undefined, max_calls: 3 },
    });
    expect(masked).toEqual({
      auth: { scrape_tokens: [MASK, MASK], basic_users: [{ username: 'prom', password: MASK }] },
      push: { password: MASK, username: 'u', remote_write_url: `https://u:${MASK}@rw/w?token=${MASK}` },
      hep: { password: undefined, max_calls: 3 },
    });
  });

  it('secretValues finds the values of secret keys and the credentials inside URLs', () => {
    expect(
      secretValues({
        hep: { password: 'hep-pw' },
        store: { url: 'postgres://u:db%2Fpw@h/x?password=q1', path: 'x.db' },
        push: { username: 'u' },
      }).sort(),
    ).toEqual(['db/pw', 'hep-pw', 'q1']);
  });
});
