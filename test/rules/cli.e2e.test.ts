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

  it('a bad threshold exits 1 naming the key and the range', async () => {
    const r = await run(['rules'], { SIDETONE_ALERTS_SIGNAL_MIN_DBM: '-20' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('alerts.signal_min_dbm');
    expect(r.stderr).toContain('-113 to -51');
  });
});
