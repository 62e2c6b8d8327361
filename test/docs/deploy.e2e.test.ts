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

  it('the rules command, the Prometheus config that loads its output, and the rules pass promtool', () => {
    const [rulesCmd] = blocks('sh').filter((b) => b.includes('sidetone rules'));
    const [prometheus] = blocks('yaml');
    const rulesFile = join(dir, 'sidetone-rules.yml');
    // Run the documented command as written, paths moved into the temp dir.
    const args = (rulesCmd as string).split('\n')[0]?.trim().split(/\s+/).slice(1) ?? [];
    expect(args).toEqual([
      'rules',
      '--config',
      '/etc/sidetone/sidetone.toml',
      '--out',
      '/etc/prometheus/rules/sidetone-rules.yml',
    ]);
    const gen = spawnSync(
      process.execPath,
      [CLI, 'rules', '--config', join(dir, 'sidetone.toml'), '--out', rulesFile],
      { encoding: 'utf8' },
    );
    expect(gen.stderr).toBe('');
    expect(gen.status).toBe(0);
    expect(readFileSync(rulesFile, 'utf8')).toBe(
      readFileSync(new URL('../../deploy/prometheus/sidetone-rules.yml', import.meta.url), 'utf8'),
    );
    writeFileSync(join(dir, 'token'), 'x');
    writeFileSync(
      join(dir, 'prometheus.yml'),
      (prometheus as string)
        .replace('/etc/prometheus/sidetone-scrape.token', join(dir, 'token'))
        .replace('/etc/prometheus/rules/sidetone-rules.yml', rulesFile),
    );
    // check config also loads and checks every rule file it names.
    const c = spawnSync('promtool', ['check', 'config', join(dir, 'prometheus.yml')], { encoding: 'utf8' });
    expect(c.stdout + c.stderr).toMatch(/SUCCESS: 1 rule files found/);
    expect(c.status).toBe(0);
    const r = spawnSync('promtool', ['check', 'rules', rulesFile], { encoding: 'utf8' });
    // 11 KPI recording rules, 20 alerts, the voice agents' 4 turn recording rules and 2 alerts, and
    // the human-connect rate of answering-machine detection and its alert (issue 52).
    expect(r.stdout + r.stderr).toMatch(/SUCCESS: 39 rules found/);
    expect(r.status).toBe(0);
  });

  it('the dashboards command writes the committed dashboards where the provisioning file points', () => {
    const [cmd] = blocks('sh').filter((b) => b.includes('sidetone dashboards'));
    const provisioning = blocks('yaml').find((b) => b.includes('providers:')) as string;
    const out = (cmd as string).match(/--out (\S+)/)?.[1];
    expect(provisioning).toContain(`path: ${out}`);
    const target = join(dir, 'grafana');
    const gen = spawnSync(process.execPath, [CLI, 'dashboards', '--out', target], { encoding: 'utf8' });
    expect(gen.status).toBe(0);
    const files = gen.stdout.trim().split('\n');
    expect(files).toHaveLength(6);
    for (const f of files) {
      const name = f.slice(target.length + 1);
      expect(readFileSync(f, 'utf8')).toBe(
        readFileSync(new URL(`../../deploy/grafana/${name}`, import.meta.url), 'utf8'),
      );
    }
  });
});
