import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alertRules, renderRules } from '../../src/rules/index.js';
import { ALERT_DEFAULTS } from '../../src/rules/thresholds.js';
import { timeFactor } from '../setup/time-factor.js';
import { CASES } from './cases.js';

const COMMITTED = new URL('../../deploy/prometheus/sidetone-rules.yml', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'sidetone-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function promtool(args: string[]): { status: number; output: string } {
  const r = spawnSync('promtool', args, { encoding: 'utf8', cwd: dir });
  if (r.error) {
    throw new Error(
      `promtool could not run (${r.error.message}): install Debian's prometheus package (apt-get install prometheus); npm test does this as root`,
    );
  }
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

const j = (v: unknown) => JSON.stringify(v);

/** A promtool test group: series in, expected firing alerts at given minutes. */
function group(
  name: string,
  series: Array<[string, string]>,
  checks: Array<[number, string, Record<string, string> | null]>,
): string[] {
  return [
    `  - name: ${j(name)}`,
    '    interval: 1m',
    '    input_series:',
    ...series.flatMap(([s, v]) => [`      - series: ${j(s)}`, `        values: ${j(v)}`]),
    '    alert_rule_test:',
    ...checks.flatMap(([at, alert, labels]) => [
      `      - eval_time: ${at}m`,
      `        alertname: ${alert}`,
      labels === null ? '        exp_alerts: []' : '        exp_alerts:',
      ...(labels === null
        ? []
        : [
            '          - exp_labels:',
            ...Object.entries(labels).map(([k, v]) => `              ${k}: ${j(v)}`),
          ]),
    ]),
  ];
}

describe('generated Prometheus rules', () => {
  it('deploy/prometheus/sidetone-rules.yml is what `sidetone rules` generates (regenerate: node dist/bin/sidetone.js rules --out deploy/prometheus/sidetone-rules.yml)', () => {
    expect(readFileSync(COMMITTED, 'utf8')).toBe(renderRules());
  });

  it('promtool check rules accepts the committed file, templates included', () => {
    const r = promtool(['check', 'rules', COMMITTED.pathname]);
    expect(r.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.status).toBe(0);
  });

  it('a prefix (metrics.prefix) renames every metric, self-metrics included, and the file still checks', () => {
    const prefixed = renderRules({ prefix: 'callstack' });
    expect(prefixed.match(/\bsidetone_\w+/g) ?? []).toEqual([]);
    // The default file with one name swapped for the other, groups included; alert names stay.
    expect(prefixed).toBe(renderRules().replace(/\bsidetone([_-])(?=[a-z])/g, 'callstack$1'));
    writeFileSync(join(dir, 'callstack.yml'), prefixed);
    const r = promtool(['check', 'rules', 'callstack.yml']);
    expect(r.output).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('every alert has a severity, summary, description and a runbook anchor', () => {
    const text = readFileSync(COMMITTED, 'utf8');
    for (const a of alertRules(ALERT_DEFAULTS)) {
      const block = text.slice(text.indexOf(`- alert: ${a.alert}\n`)).split('\n      - ')[0] ?? '';
      expect(block).toMatch(/\n {10}severity: (critical|warning)\n/);
      expect(block).toMatch(/\n {10}summary: ".+"/);
      expect(block).toMatch(/\n {10}description: ".+"/);
      expect(block).toContain(`runbook_url: "${ALERT_DEFAULTS.runbook_url}#${a.alert.toLowerCase()}"`);
    }
    // Absolute: a relative link means nothing in a pager or a chat message. A default install's own
    // page (test/rules/runbook.test.ts follows each link to its section).
    expect(ALERT_DEFAULTS.runbook_url).toBe('http://127.0.0.1:9464/runbook');
  });

  it('every alert has a promtool case', () => {
    expect(CASES.map((c) => c.alert).sort()).toEqual(
      alertRules(ALERT_DEFAULTS)
        .map((a) => a.alert)
        .sort(),
    );
  });

  it(
    'promtool test rules: each alert fires at the edge of its for: and its near miss stays silent',
    () => {
      const severity = new Map(alertRules(ALERT_DEFAULTS).map((a) => [a.alert, a.severity]));
      writeFileSync(join(dir, 'rules.yml'), renderRules({ annotations: false }));
      const tests = ['rule_files:', '  - rules.yml', 'evaluation_interval: 1m', 'tests:'];
      for (const c of CASES) {
        const labels = { ...c.labels, severity: severity.get(c.alert) as string };
        tests.push(
          ...group(`${c.alert} fires`, c.fires, [
            [c.firesAt - 1, c.alert, null],
            [c.firesAt, c.alert, labels],
          ]),
          ...group(`${c.alert} near miss`, c.quiet, [
            [c.firesAt, c.alert, null],
            [c.quietUntil ?? c.firesAt + 2, c.alert, null],
          ]),
        );
      }
      writeFileSync(join(dir, 'tests.yml'), `${tests.join('\n')}\n`);
      const r = promtool(['test', 'rules', 'tests.yml']);
      expect(r.output).toContain('SUCCESS');
      expect(r.status).toBe(0);
      // promtool evaluates every case's hours minute by minute: 20 s quiet, 74 s at load 10.
    },
    120_000 * timeFactor(),
  );

  it('promtool test rules: the human-connect rate is human AMD verdicts over outbound attempts, none without attempts, 0 with machines only', () => {
    // gw1: 10 outbound attempts a minute (and 50 inbound, not attempts of a campaign), 3 found a
    // person, 5 a voicemail: 3/10. gw2: verdicts but no outbound attempt: no sample, not Inf or NaN.
    // gw3 below: only machines (absent before the rule's `or`, so SidetoneHumanConnectLow could not fire).
    writeFileSync(join(dir, 'rules.yml'), renderRules({ annotations: false }));
    const record = 'instance:sidetone_voiceai_human_connect:ratio_rate10m';
    const series: Array<[string, string]> = [
      [
        'sidetone_call_attempts_total{job="sidetone",instance="gw1:9464",direction="outbound",channel="sip",trunk="t1"}',
        '0+10x20',
      ],
      [
        'sidetone_call_attempts_total{job="sidetone",instance="gw1:9464",direction="inbound",channel="sip",trunk="t1"}',
        '0+50x20',
      ],
      [
        'sidetone_voiceai_amd_results_total{job="sidetone",instance="gw1:9464",agent="outbound",category="human"}',
        '0+3x20',
      ],
      [
        'sidetone_voiceai_amd_results_total{job="sidetone",instance="gw1:9464",agent="outbound",category="machine-vm"}',
        '0+5x20',
      ],
      [
        'sidetone_call_attempts_total{job="sidetone",instance="gw2:9464",direction="outbound",channel="sip",trunk="t1"}',
        '0+0x20',
      ],
      [
        'sidetone_voiceai_amd_results_total{job="sidetone",instance="gw2:9464",agent="outbound",category="human"}',
        '0+3x20',
      ],
      // gw3: 10 attempts a minute, every verdict a machine (no `human` series at all): 0, not absent.
      [
        'sidetone_call_attempts_total{job="sidetone",instance="gw3:9464",direction="outbound",channel="sip",trunk="t1"}',
        '0+10x20',
      ],
      [
        'sidetone_voiceai_amd_results_total{job="sidetone",instance="gw3:9464",agent="outbound",category="machine-vm"}',
        '0+6x20',
      ],
    ];
    const tests = [
      'rule_files:',
      '  - rules.yml',
      'evaluation_interval: 1m',
      'tests:',
      '  - interval: 1m',
      '    input_series:',
      ...series.flatMap(([s, v]) => [`      - series: ${j(s)}`, `        values: ${j(v)}`]),
      '    promql_expr_test:',
      `      - expr: ${record}`,
      '        eval_time: 15m',
      '        exp_samples:',
      `          - labels: ${j(`${record}{instance="gw1:9464", job="sidetone"}`)}`,
      '            value: 0.3',
      `          - labels: ${j(`${record}{instance="gw3:9464", job="sidetone"}`)}`,
      '            value: 0',
    ];
    writeFileSync(join(dir, 'human-connect.yml'), `${tests.join('\n')}\n`);
    const r = promtool(['test', 'rules', 'human-connect.yml']);
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  it('the unit-tested rules differ from the committed ones only by their annotations', () => {
    const strip = (t: string) =>
      t
        .split('\n')
        .filter((l) => !/^ {8}annotations:$|^ {10}(summary|description|runbook_url):/.test(l))
        .join('\n');
    expect(renderRules({ annotations: false })).toBe(strip(renderRules()));
  });
});

describe('docs/runbook.md', () => {
  const md = readFileSync(new URL('../../docs/runbook.md', import.meta.url), 'utf8');
  it('has one section per alert, in the order of the rules, each naming its severity', () => {
    const headings = [...md.matchAll(/^## (\S+)$/gm)].map((m) => m[1]);
    const alerts = alertRules(ALERT_DEFAULTS);
    expect(headings).toEqual(alerts.map((a) => a.alert));
    for (const a of alerts) {
      const section = md.slice(md.indexOf(`## ${a.alert}\n`)).split('\n## ')[0] ?? '';
      expect(section, a.alert).toContain(`**${a.severity}`);
      if (a.for !== '0m') expect(section, a.alert).toContain(`for ${a.for.replace(/(\d+)m$/, '$1 m')}`);
    }
  });
});
