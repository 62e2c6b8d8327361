/** `sidetone config check FILE`, and the flag handling of `serve`/`demo` before they start. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from './helpers.js';

const SECRET = 'tok-9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const HASH = 'hash-key-aaaabbbbccccddddeeeeffff';

let tmp: ReturnType<typeof tempDir>;
const file = (name: string, text: string) => {
  const path = join(tmp.dir, name);
  writeFileSync(path, text);
  return path;
};

beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.remove());

describe('config check', () => {
  it('prints the resolved TOML with secrets masked, env applied', async () => {
    const toml = file(
      'good.toml',
      `[server]\nport = 9500\n\n[auth]\nscrape_tokens = ["${SECRET}"]\n\n[store]\npath = "data/calls.db"\nhash_key = "${HASH}"\n`,
    );
    const r = await run(['config', 'check', toml], { SIDETONE_SERVER_HOST: '0.0.0.0' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain(SECRET);
    expect(r.stdout).not.toContain(HASH);
    expect(r.stdout).toContain('********');
    expect(r.stdout).toMatch(/^port = 9500$/m);
    expect(r.stdout).toMatch(/^host = "0\.0\.0\.0"$/m);
    expect(r.stdout).toMatch(/^path = "data\/calls\.db"$/m);
  });

  it('--json prints the same configuration as JSON, masked', async () => {
    const toml = file('json.toml', `[auth]\nscrape_tokens = ["${SECRET}"]\n`);
    const r = await run(['config', 'check', toml, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const c = JSON.parse(r.stdout) as { auth: { scrape_tokens: string[] }; server: { port: number } };
    expect(c.auth.scrape_tokens).toEqual(['********']);
    expect(c.server.port).toBe(9464);
  });

  it('a bad value exits 1 naming the key and the source', async () => {
    const toml = file('bad.toml', '[server]\nport = "ninety"\n');
    const r = await run(['config', 'check', toml]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('server.port');
    expect(r.stderr).toContain(`file ${toml}`);
    expect(r.stdout).toBe('');
  });

  it('a bad secret is named but masked, and an unknown key gets a suggestion', async () => {
    const toml = file('secret.toml', '[auth]\nscrape_tokens = ["short-tok"]\n\n[server]\nprot = 1\n');
    const r = await run(['config', 'check', toml]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('auth.scrape_tokens');
    expect(r.stderr).not.toContain('short-tok');
    expect(r.stderr).toMatch(/server\.prot.*did you mean "port"/);
    // One line per problem, each prefixed so it reads on its own in a log.
    for (const line of r.stderr.trim().split('\n')) expect(line).toMatch(/^sidetone config: /);
  });

  it('invalid TOML and a missing file exit 1 with the location or the path', async () => {
    const broken = await run(['config', 'check', file('broken.toml', '[server\nport = 1\n')]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/not valid TOML at line 1/);
    const missing = await run(['config', 'check', join(tmp.dir, 'nope.toml')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read config file .*nope\.toml.*ENOENT/);
  });
});

describe('serve and demo before starting', () => {
  it('a config error stops serve with exit 1, before anything listens', async () => {
    const toml = file('serve-bad.toml', '[metrics]\npath = "metrics"\n');
    const r = await run(['serve', '--config', toml, '--port', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('metrics.path');
  });

  it("a bad configuration gets zod's messages, word for word, though a valid one loads no zod", async () => {
    // Byte for byte what serve printed before the generated fast path (main at a577379): the fast
    // path only says no, and zod, loaded then, words every problem (scripts/gen-config.mjs).
    const toml = file(
      'serve-many.toml',
      '[metrics]\npath = "metrics"\n[server]\nprot = 1\n[auth]\nscrape_tokens = ["short"]\n[push]\njob = "+447700900123"\n[otel]\nendpoint = "nope"\n',
    );
    const r = await run(['serve', '--config', toml, '--port', '0'], { SIDETONE_LOG_LEVEL: 'loud' });
    expect(r.code).toBe(1);
    expect(r.stderr.replaceAll(toml, 'FILE')).toBe(
      [
        'invalid configuration (6 problems):',
        '- server.prot: unknown key (from file FILE): expected one of host, port, body_limit_bytes, headers_timeout_ms, request_timeout_ms, keep_alive_timeout_ms, max_concurrent_scrapes (did you mean "port"?)',
        '- log.level: got "loud" (from env SIDETONE_LOG_LEVEL): expected one of trace, debug, info, warn, error, fatal, silent',
        '- auth.scrape_tokens[0]: got ******** (from file FILE): expected a token of at least 16 characters without whitespace (generate one with `openssl rand -hex 32`)',
        '- metrics.path: got "metrics" (from file FILE): expected an absolute URL path such as "/metrics" (letters, digits, "-", "_", no trailing slash)',
        '- otel.endpoint: got "nope" (from file FILE): expected an OTLP base URL such as "http://127.0.0.1:4318" (HTTP) or "http://127.0.0.1:4317" (gRPC)',
        '- push.job: got (a phone, not shown) (from file FILE): expected the job without personal data: it looks like phone, and every pushed series carries it (name a site or a host instead)',
      ]
        .map((l) => `sidetone serve: ${l}\n`)
        .join(''),
    );
  });

  it('bad flags exit 2 with the verb usage', async () => {
    const r = await run(['serve', '--port', 'http']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: sidetone serve');
    const d = await run(['demo', '--seed', 'x']);
    expect(d.code).toBe(2);
    expect(d.stderr).toContain('Usage: sidetone demo');
    const s = await run(['serve', '--store', 'mysql://db/x']);
    expect(s.code).toBe(2);
    expect(s.stderr).toContain('--store takes a postgres:// URL or a file (sqlite:PATH), got a mysql: URL');
  });

  it('a shared PostgreSQL store without a hash key refuses to start, naming the fix', async () => {
    const r = await run(['serve', '--port', '0', '--store', 'postgres://u:secret-pw@127.0.0.1:1/db']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('store.hash_key');
    expect(r.stderr).toContain('openssl rand -hex 32');
    expect(r.stderr).not.toContain('secret-pw');
  });
});
