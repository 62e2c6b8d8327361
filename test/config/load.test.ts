import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigValidationError, loadConfig } from '../../src/config/index.js';
import { CONFIG_KEYS } from '../../src/config/keys.js';
import { ConfigError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TOKEN = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const TOKEN2 = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function failure(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('fills every default from nothing: loopback, open, no pack set (serve runs them all)', () => {
    const c = loadConfig({ env: {} });
    expect(c.server).toMatchObject({ host: '127.0.0.1', port: 9464, max_concurrent_scrapes: 4 });
    expect(c.auth.scrape_tokens).toEqual([]);
    expect(c.health).toEqual({
      liveness_path: '/healthz',
      readiness_path: '/readyz',
      compat_healthz: false,
      protect: false,
      source_silence_seconds: 0,
    });
    expect(c.metrics).toMatchObject({ path: '/metrics', prefix: 'sidetone' });
    // Unset, not false: only an explicit false turns a pack off.
    expect(c.packs).toEqual({});
    expect(c.labels.modems).toEqual(['modem0']);
    expect(c.store).toMatchObject({
      store_raw_numbers: false,
      retention_days: 90,
      zombie_max_seconds: 14400,
    });
  });

  it('still loads the removed store thread keys (issue 49), unset unless given, so a file setting them starts', () => {
    const c = loadConfig({ env: {} });
    expect([c.store.threads, c.store.writer_thread, c.store.checkpoint_thread]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    const given = loadConfig({
      file: file(
        'threads.toml',
        '[store]\nthreads = "never"\nwriter_thread = false\ncheckpoint_thread = true\n',
      ),
      env: { SIDETONE_STORE_WRITER_THREAD: 'true' },
    });
    expect(given.store).toMatchObject({ threads: 'never', writer_thread: true, checkpoint_thread: true });
    expect(() => loadConfig({ env: { SIDETONE_STORE_THREADS: 'sometimes' } })).toThrow(ConfigValidationError);
  });

  it('reads TOML and JSON alike', () => {
    const toml = file(
      'a.toml',
      `[server]\nport = 9100\nhost = "0.0.0.0"\n\n[auth]\nscrape_tokens = ["${TOKEN}"]\n\n[packs]\nsms = true\nmodem = true\n`,
    );
    const json = file(
      'a.json',
      JSON.stringify({
        server: { port: 9100, host: '0.0.0.0' },
        auth: { scrape_tokens: [TOKEN] },
        packs: { sms: true, modem: true },
      }),
    );
    const a = loadConfig({ file: toml, env: {} });
    expect(a).toEqual(loadConfig({ file: json, env: {} }));
    expect(a.server.port).toBe(9100);
    expect(a.packs).toEqual({ sms: true, modem: true });
  });

  it('precedence: defaults < file < environment < flags', () => {
    const f = file('p.toml', '[server]\nport = 9100\nhost = "10.0.0.1"\nmax_concurrent_scrapes = 2\n');
    const c = loadConfig({
      file: f,
      env: { SIDETONE_SERVER_PORT: '9200', SIDETONE_SERVER_HOST: '0.0.0.0', PATH: '/bin' },
      flags: { 'server.port': '9300' },
    });
    expect(c.server).toMatchObject({
      port: 9300,
      host: '0.0.0.0',
      max_concurrent_scrapes: 2,
      keep_alive_timeout_ms: 5000,
    });
  });

  it('lets a CLI keep its own SIDETONE_* variables', () => {
    expect(() => loadConfig({ env: { SIDETONE_TOKEN: 'x' } })).toThrow(
      /SIDETONE_TOKEN: unknown environment variable/,
    );
    expect(loadConfig({ env: { SIDETONE_TOKEN: 'x' }, allowEnv: ['SIDETONE_TOKEN'] }).server.port).toBe(9464);
  });

  it('takes the file from SIDETONE_CONFIG', () => {
    const f = file('env.json', '{"demo":{"rate":5}}');
    expect(loadConfig({ env: { SIDETONE_CONFIG: f } }).demo.rate).toBe(5);
  });

  it('parses env values by key kind: numbers, booleans, lists, Basic users', () => {
    const c = loadConfig({
      env: {
        SIDETONE_SERVER_PORT: '9111',
        SIDETONE_HEALTH_COMPAT_HEALTHZ: 'yes',
        SIDETONE_PACKS_SIP: 'on',
        SIDETONE_METRICS_GZIP: 'false',
        SIDETONE_AUTH_SCRAPE_TOKENS: ` ${TOKEN}, ${TOKEN2} ,`,
        SIDETONE_AUTH_BASIC_USERS: 'prom:pass:with:colons123,graf:another-password',
        SIDETONE_LABELS_TRUNKS: 'trunk-a,trunk-b',
        SIDETONE_DEMO_RATE: '2.5',
      },
    });
    expect(c.server.port).toBe(9111);
    expect(c.health.compat_healthz).toBe(true);
    expect(c.packs.sip).toBe(true);
    expect(c.metrics.gzip).toBe(false);
    expect(c.auth.scrape_tokens).toEqual([TOKEN, TOKEN2]);
    expect(c.auth.basic_users).toEqual([
      { username: 'prom', password: 'pass:with:colons123' },
      { username: 'graf', password: 'another-password' },
    ]);
    expect(c.labels.trunks).toEqual(['trunk-a', 'trunk-b']);
    expect(c.demo.rate).toBe(2.5);
  });

  it('maps every key to SIDETONE_<SECTION>_<KEY>', () => {
    for (const k of CONFIG_KEYS) expect(k.env).toBe(`SIDETONE_${k.path.replace(/\./g, '_').toUpperCase()}`);
    expect(CONFIG_KEYS.find((k) => k.path === 'server.port')).toEqual({
      path: 'server.port',
      env: 'SIDETONE_SERVER_PORT',
      kind: 'number',
    });
  });

  it('reads tokens, users and the hash key from files, added to inline ones (rotation)', () => {
    const tokens = file('scrape.tokens', `# current\n${TOKEN2}\n\n`);
    const users = file('users.txt', 'prom:pass,with,commas\n# comment\n');
    const key = file('hash.key', `${'k'.repeat(40)}\n`);
    chmodSync(tokens, 0o600);
    const c = loadConfig({
      file: file(
        'f.toml',
        `[auth]\nscrape_tokens = ["${TOKEN}"]\nscrape_tokens_file = "${tokens}"\nbasic_users_file = "${users}"\n[store]\nhash_key_file = "${key}"\n`,
      ),
      env: { SIDETONE_AUTH_INGEST_TOKENS_FILE: tokens },
    });
    expect(c.auth.scrape_tokens).toEqual([TOKEN, TOKEN2]);
    expect(c.auth.ingest_tokens).toEqual([TOKEN2]);
    expect(c.auth.basic_users).toEqual([{ username: 'prom', password: 'pass,with,commas' }]);
    expect(c.store.hash_key).toBe('k'.repeat(40));
  });

  it('a missing token file names the key and the path', () => {
    const e = failure(() => loadConfig({ env: { SIDETONE_AUTH_SCRAPE_TOKENS_FILE: join(dir, 'nope') } }));
    expect(e.code).toBe('ST_CONFIG_FILE');
    expect(e.message).toMatch(/cannot read auth\.scrape_tokens_file ".*nope" \(ENOENT\)/);
  });

  it('refuses a hash key given twice', () => {
    const key = file('k2', 'k'.repeat(40));
    const e = failure(() =>
      loadConfig({ env: { SIDETONE_STORE_HASH_KEY: 'q'.repeat(40), SIDETONE_STORE_HASH_KEY_FILE: key } }),
    );
    expect(e.message).toMatch(/store\.hash_key: set both inline and through store\.hash_key_file/);
    expect(e.message).not.toContain('q'.repeat(40));
  });
});

describe('errors name the key, the value (masked when secret), the source and what is expected', () => {
  it('lists every problem at once', () => {
    const f = file(
      'bad.toml',
      '[server]\nport = 70000\nprot = 1\n[auth]\nscrape_tokens = ["short-secret"]\n',
    );
    const e = failure(() =>
      loadConfig({
        file: f,
        env: { SIDETONE_HEALTH_PROTECT: 'maybe', SIDETONE_SERVR_HOST: 'x' },
        flags: { 'metrics.path': 'metrics', 'server.max-concurrent-scrapes': '0', 'server.nope': '1' },
      }),
    ) as ConfigValidationError;
    expect(e).toBeInstanceOf(ConfigValidationError);
    expect(e.code).toBe('ST_CONFIG_INVALID');
    const byPath = Object.fromEntries(e.issues.map((i) => [i.path, i.message]));
    expect(byPath['server.port']).toBe(`got 70000 (from file ${f}): expected an integer from 0 to 65535`);
    expect(byPath['server.prot']).toMatch(
      /^unknown key \(from file .*\): expected one of host, port, .* \(did you mean "port"\?\)$/,
    );
    expect(byPath['auth.scrape_tokens[0]']).toBe(
      `got ******** (from file ${f}): expected a token of at least 16 characters without whitespace (generate one with \`openssl rand -hex 32\`)`,
    );
    expect(byPath['health.protect']).toBe(
      'got "maybe" (from env SIDETONE_HEALTH_PROTECT): expected true or false',
    );
    expect(byPath.SIDETONE_SERVR_HOST).toMatch(
      /unknown environment variable: did you mean SIDETONE_SERVER_HOST\?/,
    );
    expect(byPath['metrics.path']).toMatch(
      /^got "metrics" \(from flag --metrics\.path\): expected an absolute URL path/,
    );
    expect(byPath['server.max_concurrent_scrapes']).toMatch(/from flag --server\.max_concurrent_scrapes/);
    expect(byPath['--server.nope']).toBe('unknown flag');
    // The whole message never carries a secret.
    expect(e.message).not.toContain('short-secret');
  });

  it('masks Basic passwords and the hash key in errors', () => {
    const e = failure(() =>
      loadConfig({ env: { SIDETONE_AUTH_BASIC_USERS: 'prom:tiny', SIDETONE_STORE_HASH_KEY: 'shortkey' } }),
    );
    expect(e.message).not.toMatch(/tiny|shortkey/);
    expect(e.message).toMatch(/auth\.basic_users\[0\]\.password: got \*{8}/);
    expect(e.message).toMatch(
      /store\.hash_key: got \*{8} \(from env SIDETONE_STORE_HASH_KEY\): expected a secret/,
    );
  });

  it('cross-field rules', () => {
    const e = failure(() =>
      loadConfig({
        env: {
          SIDETONE_SERVER_HEADERS_TIMEOUT_MS: '40000',
          SIDETONE_SERVER_REQUEST_TIMEOUT_MS: '30000',
          SIDETONE_METRICS_PATH: '/healthz',
        },
      }),
    ) as ConfigValidationError;
    expect(e.issues.map((i) => i.path).sort()).toEqual(['metrics.path', 'server.headers_timeout_ms']);
  });

  it.each([
    ['bad.yaml', 'a: 1', /expected a \.toml or \.json file/],
    ['broken.json', `{"auth": {"scrape_tokens": ["${TOKEN}"`, /is not valid JSON/],
    [
      'broken.toml',
      `[auth]\nscrape_tokens = ["${TOKEN}"\nport = `,
      /is not valid TOML at line \d+, column \d+/,
    ],
    ['array.json', '[1,2]', /must hold a table\/object of sections/],
  ])('%s', (name, text, message) => {
    const e = failure(() => loadConfig({ file: file(name, text), env: {} }));
    expect(e.message).toMatch(message);
    // A parse error never quotes the file, where a token may sit.
    expect(e.message).not.toContain(TOKEN);
  });
});

describe('[push] identity', () => {
  it('job, instance and external labels from a file, the environment or a flag', () => {
    const toml = file(
      'push.toml',
      '[push]\njob = "gateways"\ninstance = "pi-kitchen"\n\n[push.external_labels]\nsite = "kitchen"\nregion = "eu"\n',
    );
    expect(loadConfig({ file: toml, env: {} }).push).toMatchObject({
      job: 'gateways',
      instance: 'pi-kitchen',
      external_labels: { site: 'kitchen', region: 'eu' },
    });
    const env = loadConfig({ env: { SIDETONE_PUSH_EXTERNAL_LABELS: 'site=kitchen, region=eu' } });
    expect(env.push.external_labels).toEqual({ site: 'kitchen', region: 'eu' });
    // Unset: job `sidetone` and the host name are filled in where the pushers start.
    expect(loadConfig({ env: {} }).push).toMatchObject({ external_labels: {} });
    expect(loadConfig({ env: {} }).push.job).toBeUndefined();
  });

  it.each([
    ['a label name that is not one', { '1site': 'x' }, 'push.external_labels.1site'],
    ['job (it has its own key)', { job: 'x' }, 'push.external_labels.job'],
    ['a reserved name', { __name__: 'x' }, 'push.external_labels.__name__'],
    ['a phone number as a value', { site: '+44 7700 900123' }, 'push.external_labels.site'],
    ['an IP address as a value', { site: '10.1.2.3' }, 'push.external_labels.site'],
  ])('refuses %s', (_what, labels, path) => {
    const e = failure(() =>
      loadConfig({
        file: file('bad-push.json', JSON.stringify({ push: { external_labels: labels } })),
        env: {},
      }),
    ) as ConfigValidationError;
    expect(e.issues.map((i) => i.path)).toEqual([path]);
    // The personal data is named by kind, never echoed.
    expect(e.message).not.toContain('7700');
  });

  it('refuses personal data as the instance', () => {
    const e = failure(() => loadConfig({ env: { SIDETONE_PUSH_INSTANCE: 'pi-447700900123' } }));
    expect(e.message).toMatch(/push\.instance.*looks like phone/s);
    expect(e.message).not.toContain('447700900123');
  });
});
