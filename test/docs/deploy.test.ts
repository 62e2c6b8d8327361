import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/spawn.js';

// The deployment guide's examples are run, so they cannot rot.
const doc = readFileSync(new URL('../../docs/deploy.md', import.meta.url), 'utf8');
const blocks = (lang: string) =>
  [...doc.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => m[1] as string);
const dir = mkdtempSync(join(tmpdir(), 'sidetone-docs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('docs/deploy.md', () => {
  it('the TOML passes `sidetone config check`, with secrets from files masked', () => {
    const toml = (blocks('toml')[0] as string)
      .replaceAll('/etc/sidetone/', `${dir}/`)
      .replaceAll('/var/lib/sidetone/', `${dir}/`);
    for (const f of ['scrape.token', 'ingest.token', 'hash.key'])
      writeFileSync(join(dir, f), `${'ab12'.repeat(16)}\n`);
    writeFileSync(join(dir, 'sidetone.toml'), toml);
    const r = spawnSync(process.execPath, [CLI, 'config', 'check', join(dir, 'sidetone.toml')], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('compat_healthz');
    expect(r.stdout).not.toContain('ab12ab12');
  });

  it('the Prometheus scrape config and alert rules pass promtool', () => {
    const [scrape, rules] = blocks('yaml');
    writeFileSync(join(dir, 'token'), 'x');
    writeFileSync(
      join(dir, 'prometheus.yml'),
      (scrape as string).replace('/etc/prometheus/sidetone-scrape.token', join(dir, 'token')),
    );
    writeFileSync(join(dir, 'rules.yml'), rules as string);
    const c = spawnSync('promtool', ['check', 'config', join(dir, 'prometheus.yml')], { encoding: 'utf8' });
    expect(c.stdout + c.stderr).toMatch(/SUCCESS/);
    const r = spawnSync('promtool', ['check', 'rules', join(dir, 'rules.yml')], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toMatch(/SUCCESS: 4 rules found/);
  });
});
