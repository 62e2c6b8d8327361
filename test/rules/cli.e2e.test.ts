import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderRules } from '../../src/rules/index.js';
import { run } from '../cli/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-rules-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sidetone rules', () => {
  it('prints the default rules', async () => {
    const r = await run(['rules']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(renderRules());
  });

  it('takes thresholds from [alerts] in the config and from SIDETONE_ALERTS_*', async () => {
    const file = join(dir, 'sidetone.toml');
    writeFileSync(
      file,
      '[alerts]\njob = "pbx-sidecar"\nrunbook_url = "https://wiki.example/sidetone/runbook"\n\n[metrics]\nprefix = "callstack"\n',
    );
    const out = join(dir, 'rules.yml');
    const r = await run(['rules', '--config', file, '--out', out], { SIDETONE_ALERTS_SIGNAL_MIN_DBM: '-95' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('expr: "up{job=\\"pbx-sidecar\\"} == 0"');
    expect(text).toContain('expr: "callstack_modem_signal_rssi_dbm < -95"');
    expect(text).toContain('runbook_url: "https://wiki.example/sidetone/runbook#sidetonedown"');
    expect(text).not.toContain('sidetone_call_attempts_total');
  });

  it('--out where it cannot write exits 1 naming the path, the cause and the fix, not "unexpected error"', async () => {
    const missing = await run(['rules', '--out', '/nonexistent/x.yml']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).not.toContain('unexpected error');
    expect(missing.stderr).toContain('"/nonexistent/x.yml"');
    expect(missing.stderr).toContain('the directory "/nonexistent" does not exist');
    expect(missing.stderr).toContain('mkdir -p "/nonexistent"');
    // A directory given as the file, and a file given as a directory of dashboards.
    const isDir = await run(['rules', '--out', dir]);
    expect(isDir.code).toBe(1);
    expect(isDir.stderr).toContain(`${JSON.stringify(dir)}: it is a directory`);
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const dash = await run(['dashboards', '--out', join(file, 'dash')]);
    expect(dash.code).toBe(1);
    expect(dash.stderr).not.toContain('unexpected error');
    expect(dash.stderr).toContain(JSON.stringify(join(file, 'dash')));
  });

  it('a bad threshold exits 1 naming the key and the range', async () => {
    const r = await run(['rules'], { SIDETONE_ALERTS_SIGNAL_MIN_DBM: '-20' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('alerts.signal_min_dbm');
    expect(r.stderr).toContain('-113 to -51');
  });
});
