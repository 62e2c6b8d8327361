import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  configCheck,
  formatConfig,
  loadConfig,
  maskSecrets,
  parseConfigFlags,
} from '../../src/config/index.js';
import { httpOptionsFromConfig } from '../../src/http/index.js';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TOKEN = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const TOKEN2 = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

// `sidetone config check FILE` and the helpers the CLI and the sidecar build on.
describe('config check output', () => {
  it('maskSecrets hides tokens, passwords and the hash key, keeping counts and usernames', () => {
    const c = loadConfig({
      env: {
        SIDETONE_AUTH_SCRAPE_TOKENS: `${TOKEN},${TOKEN2}`,
        SIDETONE_AUTH_BASIC_USERS: 'prom:a-long-password',
        SIDETONE_STORE_HASH_KEY: 'h'.repeat(32),
      },
    });
    const m = maskSecrets(c);
    expect(m.auth.scrape_tokens).toEqual(['********', '********']);
    expect(m.auth.basic_users).toEqual([{ username: 'prom', password: '********' }]);
    expect(m.store.hash_key).toBe('********');
    expect(c.auth.scrape_tokens).toEqual([TOKEN, TOKEN2]);
  });

  it('configCheck prints the resolved TOML with secrets masked, and it loads back', () => {
    const f = file('check.toml', `[auth]\nscrape_tokens = ["${TOKEN}"]\n[server]\nport = 9101\n`);
    const out = configCheck(f, { env: { SIDETONE_PACKS_SMS: 'true' } });
    expect(out).toMatch(/^# sidetone configuration resolved from .*check\.toml/);
    expect(out).toContain('port = 9101');
    expect(out).toContain('sms = true');
    expect(out).not.toContain(TOKEN);
    expect(out).toContain('"********"');
    const again = file('again.toml', out.replace('"********"', `"${TOKEN}"`));
    expect(loadConfig({ file: again, env: {} })).toEqual(
      loadConfig({ file: f, env: { SIDETONE_PACKS_SMS: 'true' } }),
    );
    expect(JSON.parse(formatConfig(loadConfig({ env: {} }), 'json')).server.port).toBe(9464);
  });

  it('parseConfigFlags takes schema keys and leaves the rest', () => {
    const { flags, rest } = parseConfigFlags([
      'serve',
      '--server.port',
      '9100',
      '--server.host=0.0.0.0',
      '--packs.sms',
      '--no-metrics.gzip',
      '--auth.scrape-tokens',
      TOKEN,
      '--verbose',
      'extra',
    ]);
    expect(flags).toEqual({
      'server.port': '9100',
      'server.host': '0.0.0.0',
      'packs.sms': true,
      'metrics.gzip': false,
      'auth.scrape_tokens': TOKEN,
    });
    expect(rest).toEqual(['serve', '--verbose', 'extra']);
    const c = loadConfig({ env: {}, flags });
    expect(c).toMatchObject({
      server: { port: 9100, host: '0.0.0.0' },
      packs: { sms: true },
      metrics: { gzip: false },
    });
    expect(() => parseConfigFlags(['--no-server.port'])).toThrow(
      expect.objectContaining({ code: 'ST_CONFIG_FLAG' }),
    );
    expect(() => parseConfigFlags(['--server.port'])).toThrow(
      expect.objectContaining({ code: 'ST_CONFIG_FLAG' }),
    );
  });

  it('maps to createApp and serve options', () => {
    const c = loadConfig({
      env: {
        SIDETONE_AUTH_SCRAPE_TOKENS: TOKEN,
        SIDETONE_HEALTH_PROTECT: 'true',
        SIDETONE_SERVER_PORT: '9102',
      },
    });
    const o = httpOptionsFromConfig(c);
    expect(o.app.auth?.scrape?.tokens).toEqual([TOKEN]);
    expect(o.app.auth?.protectHealth).toBe(true);
    expect(o.app.paths).toEqual({ metrics: '/metrics', healthz: '/healthz', readyz: '/readyz' });
    expect(o.serve).toMatchObject({ port: 9102, host: '127.0.0.1', bodyLimitBytes: 1048576 });
  });
});
