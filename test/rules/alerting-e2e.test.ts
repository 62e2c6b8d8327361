import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardQueries } from '../../src/dashboards/index.js';
import { ALERT_DEFAULTS, alertRules, recordingRules, renderRules } from '../../src/rules/index.js';
import type { ScenarioName } from '../../src/sources/simulator/faults.js';
import { startAlertmanager, type WebhookAlert } from '../helpers/alertmanager.js';
import { freePort, startPrometheus } from '../helpers/prometheus.js';
import { startCli } from '../helpers/spawn.js';

/**
 * The generated rules in a real Prometheus, scraping `sidetone demo --scenario ...` (three
 * sidecars, one per fault, in one job), alerting through a real Alertmanager to a webhook in
 * this test. `for:` is shortened to 2 s and the SMS stall threshold to 8 s so that the whole
 * run takes about a minute and a half; expressions, labels and annotations are the shipped ones.
 */
const SCENARIOS: readonly ScenarioName[] = [
  'trunk-outage',
  'modem-flap',
  'sms-delivery-stall',
  'leaky-app',
  'voice-agent-slow-llm',
];
const FOR = '2s';

describe('generated alerts end to end: Prometheus, Alertmanager and `sidetone demo --scenario`', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sidetone-alerting-'));
  const demos = new Map<ScenarioName, { instance: string; demo: Awaited<ReturnType<typeof startCli>> }>();
  let am: Awaited<ReturnType<typeof startAlertmanager>>;
  let prom: Awaited<ReturnType<typeof startPrometheus>>;

  const arrived = (match: (a: WebhookAlert) => boolean, what: string, timeoutMs = 90_000) =>
    prom.waitFor(async () => am.alerts.find(match), what, timeoutMs);
  const is = (name: string, scenario: ScenarioName, status: WebhookAlert['status']) => (a: WebhookAlert) =>
    a.labels.alertname === name && a.labels.instance === demos.get(scenario)?.instance && a.status === status;

  beforeAll(async () => {
    am = await startAlertmanager();
    const ports = await Promise.all(SCENARIOS.map(() => freePort()));
    const instances = ports.map((p) => `127.0.0.1:${p}`);
    prom = await startPrometheus(
      [{ name: 'sidetone', target: instances[0] as string, more: instances.slice(1) }],
      {
        rules: renderRules({ alerts: { sms_pending_max_seconds: 8 }, for: () => FOR }),
        alertmanager: am.address,
      },
    );
    const started = await Promise.all(
      SCENARIOS.map((scenario, i) =>
        startCli(
          [
            'demo',
            '--port',
            String(ports[i]),
            '--db',
            join(dir, `${scenario}.db`),
            '--rate',
            '5',
            '--scenario',
            scenario,
          ],
          `http://${instances[i]}`,
          // A 20 s flapping window (default 600 s) lets the flapping alert resolve within the test.
          scenario === 'modem-flap' ? { SIDETONE_MODEM_FLAPPING_WINDOW_SECONDS: '20' } : {},
        ),
      ),
    );
    SCENARIOS.forEach((s, i) => {
      demos.set(s, {
        instance: instances[i] as string,
        demo: started[i] as Awaited<ReturnType<typeof startCli>>,
      });
    });
  }, 60_000);

  afterAll(async () => {
    for (const { demo } of demos.values()) {
      if (demo.child.exitCode === null) demo.child.kill('SIGTERM');
      await demo.exited;
    }
    await prom?.stop();
    await am?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('trunk-outage: SidetoneTrunkDown arrives with its labels and annotations, then resolves', async () => {
    const firing = await arrived(
      is('SidetoneTrunkDown', 'trunk-outage', 'firing'),
      'SidetoneTrunkDown firing',
    );
    expect(firing.labels).toEqual({
      alertname: 'SidetoneTrunkDown',
      severity: 'critical',
      job: 'sidetone',
      instance: demos.get('trunk-outage')?.instance,
      trunk: 'trunk-a',
    });
    expect(firing.annotations.summary).toBe(
      `trunk trunk-a on ${demos.get('trunk-outage')?.instance} is down`,
    );
    expect(firing.annotations.runbook_url).toBe(`${ALERT_DEFAULTS.runbook_url}#sidetonetrunkdown`);
    await arrived(is('SidetoneTrunkDown', 'trunk-outage', 'resolved'), 'SidetoneTrunkDown resolved');
    // The healthy trunk and the other sidecars never paged for a trunk.
    expect(
      am.alerts.filter((a) => a.labels.alertname === 'SidetoneTrunkDown' && a.labels.trunk !== 'trunk-a'),
    ).toEqual([]);
  }, 120_000);

  it('sms-delivery-stall: SidetoneSmsDeliveryReportsStalled arrives, then resolves when reports flow again', async () => {
    const firing = await arrived(
      is('SidetoneSmsDeliveryReportsStalled', 'sms-delivery-stall', 'firing'),
      'SidetoneSmsDeliveryReportsStalled firing',
    );
    expect(firing.labels).toEqual({
      alertname: 'SidetoneSmsDeliveryReportsStalled',
      severity: 'warning',
      job: 'sidetone',
      instance: demos.get('sms-delivery-stall')?.instance,
    });
    await arrived(
      is('SidetoneSmsDeliveryReportsStalled', 'sms-delivery-stall', 'resolved'),
      'SidetoneSmsDeliveryReportsStalled resolved',
    );
    expect(
      am.alerts.filter(
        (a) =>
          a.labels.alertname === 'SidetoneSmsDeliveryReportsStalled' &&
          a.labels.instance !== demos.get('sms-delivery-stall')?.instance,
      ),
    ).toEqual([]);
  }, 120_000);

  it('modem-flap: SidetoneModemFlapping arrives for modem0 of that sidecar only, then resolves', async () => {
    const firing = await arrived(
      is('SidetoneModemFlapping', 'modem-flap', 'firing'),
      'SidetoneModemFlapping firing',
    );
    expect(firing.labels).toEqual({
      alertname: 'SidetoneModemFlapping',
      severity: 'warning',
      job: 'sidetone',
      instance: demos.get('modem-flap')?.instance,
      modem: 'modem0',
    });
    expect(
      am.alerts.filter(
        (a) =>
          a.labels.alertname === 'SidetoneModemFlapping' &&
          a.labels.instance !== demos.get('modem-flap')?.instance,
      ),
    ).toEqual([]);
    // The scenario ends 55 s in; 20 s later no reconnect is left in the window.
    await arrived(
      is('SidetoneModemFlapping', 'modem-flap', 'resolved'),
      'SidetoneModemFlapping resolved',
      120_000,
    );
  }, 150_000);

  it('voice-agent-slow-llm: SidetoneVoiceAgentSlow arrives for the agent on the slow LLM only', async () => {
    const firing = await arrived(
      is('SidetoneVoiceAgentSlow', 'voice-agent-slow-llm', 'firing'),
      'SidetoneVoiceAgentSlow firing',
    );
    // support-bot runs on gpt-4.1-mini, the model the scenario slows (src/sources/simulator/voice.ts).
    expect(firing.labels).toEqual({
      alertname: 'SidetoneVoiceAgentSlow',
      severity: 'warning',
      job: 'sidetone',
      instance: demos.get('voice-agent-slow-llm')?.instance,
      agent: 'support-bot',
    });
    expect(firing.annotations.summary).toMatch(
      new RegExp(
        `^callers of voice agent support-bot on ${demos.get('voice-agent-slow-llm')?.instance} wait \\d+\\.\\d s \\(p95\\)$`,
      ),
    );
    expect(firing.annotations.runbook_url).toBe(`${ALERT_DEFAULTS.runbook_url}#sidetonevoiceagentslow`);
    // The other agent, and the other sidecars' agents at their normal latency, never paged.
    expect(
      am.alerts.filter(
        (a) =>
          a.labels.alertname === 'SidetoneVoiceAgentSlow' &&
          (a.labels.agent !== 'support-bot' ||
            a.labels.instance !== demos.get('voice-agent-slow-llm')?.instance),
      ),
    ).toEqual([]);
  }, 120_000);

  it('every recording rule, alert signal and dashboard query parses and returns data from the demos', async () => {
    // Dashboard variables as "All"; `or vector(0)` stripped so that a typo cannot hide behind it.
    const grafana = (expr: string) =>
      expr
        .replaceAll('$job', 'sidetone')
        .replaceAll('$instance', '.+')
        .replaceAll('$trunk', '.+')
        .replaceAll('$__rate_interval', '30s')
        .replaceAll(' or vector(0)', '');
    const queries = [
      ...recordingRules().map((r) => [r.record, r.expr] as const),
      ...alertRules(ALERT_DEFAULTS).flatMap((a) =>
        a.signal === undefined ? [] : [[a.alert, a.signal] as const],
      ),
      ...dashboardQueries().map((q) => [`${q.board} / ${q.panel}`, grafana(q.expr)] as const),
    ];
    expect(queries.length).toBeGreaterThan(60);
    // Every query, the self-metrics' too: the leaky-app demo makes samples dropped, redactions and
    // overflow happen, so no query is exempt from returning data.
    const empty: string[] = [];
    for (const [name, expr] of queries) {
      const r = await prom
        .waitFor(
          async () => {
            const got = await prom.query(expr);
            return got.length > 0 ? got : undefined;
          },
          `${name} to return data`,
          30_000,
        )
        .catch((err: Error) => (/bad_data|parse error/i.test(err.message) ? err : undefined));
      if (r instanceof Error) throw new Error(`${name} does not parse: ${r.message}`);
      if (r === undefined) empty.push(`${name}: ${expr}`);
    }
    expect(empty).toEqual([]);
  }, 150_000);

  it('leaky-app: SidetonePiiRedacted and SidetoneSeriesOverflow arrive for its metrics; no number leaks', async () => {
    const redacted = await arrived(
      is('SidetonePiiRedacted', 'leaky-app', 'firing'),
      'SidetonePiiRedacted firing',
    );
    expect(redacted.labels).toEqual({
      alertname: 'SidetonePiiRedacted',
      severity: 'warning',
      job: 'sidetone',
      instance: demos.get('leaky-app')?.instance,
      metric: 'demo_app_calls',
    });
    const overflow = await arrived(
      is('SidetoneSeriesOverflow', 'leaky-app', 'firing'),
      'SidetoneSeriesOverflow firing',
    );
    expect(overflow.labels.metric).toBe('demo_app_session_active');
    const dropped = await prom.query(
      `sidetone_samples_dropped_total{instance="${demos.get('leaky-app')?.instance}",metric="demo_app_latency_seconds",reason="nan"}`,
    );
    expect(Number(dropped[0]?.value[1])).toBeGreaterThan(0);
    const calls = await prom.query(`demo_app_calls_total{instance="${demos.get('leaky-app')?.instance}"}`);
    expect(calls.map((s) => s.metric.caller)).toEqual(['redacted']);
  }, 120_000);

  it("trunk-outage: the trunk's calls fail too, so its ASR drops while the other trunk's does not", async () => {
    const instance = demos.get('trunk-outage')?.instance;
    const asr = async (trunk: string) =>
      Number(
        (
          await prom.query(
            `sum(increase(sidetone_call_answered_total{instance="${instance}",trunk="${trunk}"}[1m])) / sum(increase(sidetone_call_attempts_total{instance="${instance}",trunk="${trunk}"}[1m]))`,
          )
        )[0]?.value[1],
      );
    const failed = await prom.waitFor(
      async () => {
        const got = await prom.query(
          `sum(increase(sidetone_call_outcomes_total{instance="${instance}",trunk="trunk-a",outcome="ineffective"}[1m]))`,
        );
        return Number(got[0]?.value[1]) > 0 ? got : undefined;
      },
      'ineffective (503) calls on trunk-a',
      60_000,
    );
    expect(failed.length).toBe(1);
    expect(await asr('trunk-a')).toBeLessThan(await asr('trunk-b'));
  }, 90_000);

  it('no alert carries PII, and every label is one the rules or the enums produce', () => {
    const text = am.raw.join('\n');
    expect(am.raw.length).toBeGreaterThan(0);
    // The simulator's numbers are all +1555xxxxxxx, its call ids end in @sim.invalid, its IMEI is fixed.
    expect(text).not.toMatch(/(?<![\d.])1555\d{7}(?!\d)/); // a number, not digits inside a float
    expect(text).not.toContain('sim.invalid');
    expect(text).not.toContain('356938035643809');
    expect(text).not.toContain('482913');
    const keys = new Set(am.alerts.flatMap((a) => Object.keys(a.labels)));
    for (const k of keys)
      expect([
        'alertname',
        'severity',
        'job',
        'instance',
        'trunk',
        'direction',
        'modem',
        'metric',
        'agent',
      ]).toContain(k);
  });

  it('killing a sidecar fires SidetoneDown for its instance', async () => {
    const victim = demos.get('trunk-outage');
    victim?.demo.child.kill('SIGKILL');
    await victim?.demo.exited;
    const down = await arrived(is('SidetoneDown', 'trunk-outage', 'firing'), 'SidetoneDown firing', 60_000);
    expect(down.labels).toEqual({
      alertname: 'SidetoneDown',
      severity: 'critical',
      job: 'sidetone',
      instance: victim?.instance,
    });
    expect(down.annotations.runbook_url).toBe(`${ALERT_DEFAULTS.runbook_url}#sidetonedown`);
  }, 90_000);
});
