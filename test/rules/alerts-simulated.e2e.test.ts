import { describe, expect, it } from 'vitest';
import { SCENARIO_NAMES, type ScenarioName } from '../../src/config/source-defaults.js';
import { alertRules } from '../../src/rules/index.js';
import { ALERT_DEFAULTS } from '../../src/rules/thresholds.js';
import { FAULT_DURATION_MS } from '../../src/sources/simulator/faults.js';
import { timeFactor } from '../setup/time-factor.js';
import {
  ALERT_LABEL_KEYS,
  type AlertCheck,
  type Check,
  firedExpr,
  keepRuleInputs as keep,
  labelText,
  MIN,
  promtoolRules as promtool,
  RULES_TEXT,
  type SimulatedScrapes,
  simulateDemo,
} from './simulated.js';

/**
 * The shipped rule file, byte for byte (deploy/prometheus/sidetone-rules.yml), evaluated by the
 * real `promtool test rules` over the demo's own metrics in virtual time: the simulator and the
 * sidecar's packs run as `sidetone demo` runs them, scraped every virtual minute (./simulated.ts),
 * with no wall clock to wait for. Each fault scenario fires its alerts, with its labels, while the fault is on, and nothing outside its family. One
 * real-time run keeps the wiring honest (./alerting.e2e.test.ts: sidecar -> Prometheus ->
 * Alertmanager -> a webhook). promtool evaluates every minute, as its `evaluation_interval` says.
 */
const SEVERITY = new Map(alertRules(ALERT_DEFAULTS).map((a) => [a.alert, a.severity]));
const j = JSON.stringify;
const runbook = (alert: string) => `${ALERT_DEFAULTS.runbook_url}#${alert.toLowerCase()}`;

/**
 * What the operator reads, as Prometheus renders each alert's templates from the scenario's
 * labels, written out here (not rendered by our code): the alerts whose text holds no sample value.
 */
const RENDERED: Readonly<Record<string, (instance: string) => Record<string, string>>> = {
  SidetoneTrunkDown: (i) => ({
    summary: `trunk trunk-a on ${i} is down`,
    description:
      'SIP OPTIONS probes to trunk trunk-a have failed for 2 minutes: calls on it fail or reroute.',
    runbook_url: runbook('SidetoneTrunkDown'),
  }),
  SidetoneModemFlapping: (i) => ({
    summary: `modem modem0 on ${i} keeps reconnecting`,
    description:
      'Modem modem0 reconnected more often than modem.flapping allows: a loose cable, a failing USB hub or a power problem.',
    runbook_url: runbook('SidetoneModemFlapping'),
  }),
  SidetonePiiRedacted: (i) => ({
    summary: `sidetone redacted PII from labels of demo_app_calls on ${i}`,
    description:
      'The guard replaced label values that looked like personal data: an integration passes numbers or addresses where an enum belongs. Nothing leaked; fix the integration.',
    runbook_url: runbook('SidetonePiiRedacted'),
  }),
  SidetoneSeriesOverflow: (i) => ({
    summary: `series cap reached for demo_app_session_active on ${i}`,
    description:
      'New series went to the overflow series because metrics.max_series was reached: some breakdowns are merged. Raise the cap or find the label driving cardinality (sidetone lint).',
    runbook_url: runbook('SidetoneSeriesOverflow'),
  }),
};

/**
 * A label value that looks like personal data: the simulator's numbers (+1555xxxxxxx), its IMEI
 * and its 6-digit ids are runs of 6 or more digits; its call ids end in @sim.invalid.
 */
const PII_VALUE = '.*([0-9]{6,}|[+][0-9]|@|sim[.]invalid).*';

/**
 * What each scenario must fire, and every alert it may fire besides (its consequences), as the
 * real-time test listed them. With a history that is a real series here (not one step at the
 * first scrape, as a Prometheus started after a backfill saw it), a trunk outage's KPI alerts may
 * fire too.
 */
const FAMILY: Readonly<
  Record<ScenarioName, { fires: Record<string, Record<string, string>>; may: readonly string[] }>
> = {
  'leaky-app': {
    fires: {
      SidetonePiiRedacted: { metric: 'demo_app_calls' },
      SidetoneSeriesOverflow: { metric: 'demo_app_session_active' },
    },
    may: [],
  },
  // Flapping is an alert, not unreadiness (docs/sources/modem.md): nothing else fires.
  'modem-flap': { fires: { SidetoneModemFlapping: { modem: 'modem0' } }, may: [] },
  'trunk-outage': {
    fires: { SidetoneTrunkDown: { trunk: 'trunk-a' } },
    may: ['SidetoneTrunkNerLow', 'SidetoneTrunkNerDrop', 'SidetoneTrunkAsrDrop'],
  },
  'signal-drop': { fires: { SidetoneModemSignalWeak: { modem: 'modem0' } }, may: [] },
  'sms-delivery-stall': { fires: { SidetoneSmsDeliveryReportsStalled: {} }, may: [] },
  // support-bot runs on gpt-4.1-mini, the model the scenario slows (src/sources/simulator/voice.ts);
  // its callers wait 4-6 s, so its dead air may page too; sales-bot never.
  'voice-agent-slow-llm': {
    fires: { SidetoneVoiceAgentSlow: { agent: 'support-bot' } },
    may: ['SidetoneVoiceAgentDeadAir'],
  },
  // Per instance (the SIP counters carry no agent): its detector's verdicts, nothing else moves.
  'answering-machine': { fires: { SidetoneHumanConnectLow: {} }, may: [] },
};

// CPU-bound: a simulated hour or two and promtool's evaluation of every minute (10-40 s each under load).
describe('the shipped alerts over the demo in virtual time (promtool test rules)', {
  timeout: 300_000 * timeFactor(),
}, () => {
  it.each(
    SCENARIO_NAMES,
  )('%s fires its alerts with their labels while the fault is on, and nothing outside its family', async (scenario) => {
    const { fires, may } = FAMILY[scenario];
    // An hour of history, the fault, then 15 minutes for it to clear.
    const hours = (60 * MIN + FAULT_DURATION_MS[scenario] + 16 * MIN) / (60 * MIN);
    const run = await simulateDemo({ hours, scenario, keep });
    const fault = run.fault as NonNullable<SimulatedScrapes['fault']>;
    const end = run.at.length - 1;
    const faultEnd = Math.floor(fault.end / MIN);
    const faultMinutes = Math.floor((fault.end - fault.start) / MIN);
    const instance = `${scenario}:9464`;
    const checks: Check[] = Object.entries(fires).map(([alert, labels]) => ({
      expr: `max_over_time(ALERTS{alertname=${j(alert)}, alertstate="firing"}[${faultMinutes}m])`,
      at: faultEnd,
      samples: [
        {
          labels: labelText({
            alertname: alert,
            alertstate: 'firing',
            severity: SEVERITY.get(alert) as string,
            job: 'sidetone',
            instance,
            ...labels,
          }),
          value: 1,
        },
      ],
    }));
    checks.push({ expr: firedExpr(end, [...Object.keys(fires), ...may]), at: end, samples: [] });
    // Every alert of the run, those it may fire too: only the known label keys (the result of
    // grouping away the known ones is one empty label set), and no value that looks like PII.
    const all = `max_over_time(ALERTS[${end}m])`;
    const keys = ['alertstate', ...ALERT_LABEL_KEYS];
    checks.push({
      expr: `group without (${keys.join(', ')}) (${all})`,
      at: end,
      samples: [{ labels: '{}', value: 1 }],
    });
    checks.push({
      expr: `group by (pii) (label_replace(label_join(${all}, "values", " ", ${keys.map((k) => j(k)).join(', ')}), "pii", "found", "values", ${j(PII_VALUE)}))`,
      at: end,
      samples: [{ labels: '{}', value: 1 }],
    });
    // Still firing in the fault's last minute (an alert that resolves early fails here), and as
    // the operator reads it where its text holds no sample value.
    const last = faultEnd - 1;
    const alerts: AlertCheck[] = [];
    for (const [alert, labels] of Object.entries(fires)) {
      const all = { severity: SEVERITY.get(alert) as string, job: 'sidetone', instance, ...labels };
      const text = RENDERED[alert];
      if (text) alerts.push({ alert, at: last, alerts: [{ labels: all, annotations: text(instance) }] });
      else
        checks.push({
          expr: `ALERTS{alertname=${j(alert)}, alertstate="firing"}`,
          at: last,
          samples: [
            { labels: `ALERTS${labelText({ alertname: alert, alertstate: 'firing', ...all })}`, value: 1 },
          ],
        });
    }
    // A trunk that is back resolves its alert once the fault is over.
    if (scenario === 'trunk-outage')
      checks.push({ expr: 'ALERTS{alertname="SidetoneTrunkDown"}', at: end, samples: [] });
    const r = promtool(scenario, run, instance, checks, undefined, alerts);
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  it('leaky-app: NaN samples are dropped and counted, phone numbers in labels redacted', async () => {
    const run = await simulateDemo({ hours: 1.2, scenario: 'leaky-app', keep: () => false });
    expect(run.last).toMatch(
      /^sidetone_samples_dropped_total\{metric="demo_app_latency_seconds",reason="nan"\} [1-9]\d*$/m,
    );
    const callers = [...run.last.matchAll(/^demo_app_calls_total\{[^}]*caller="([^"]*)"/gm)].map((m) => m[1]);
    expect(callers.length).toBeGreaterThan(0);
    expect(new Set(callers)).toEqual(new Set(['redacted']));
  });

  it('a sidecar whose scrapes fail fires SidetoneDown for its instance, with the runbook anchor', async () => {
    const run = await simulateDemo({ hours: 0.25, keep: () => false });
    // Up for 10 minutes, then down (the scrape fails) for the rest.
    const up = run.at.map((t) => (t < 10 * MIN ? 1 : 0));
    const end = run.at.length - 1;
    const r = promtool(
      'down',
      run,
      'victim:9464',
      [
        {
          expr: 'ALERTS{alertname="SidetoneDown", alertstate="firing"}',
          at: end,
          samples: [
            {
              labels: `ALERTS${labelText({ alertname: 'SidetoneDown', alertstate: 'firing', severity: 'critical', job: 'sidetone', instance: 'victim:9464' })}`,
              value: 1,
            },
          ],
        },
        // Not before `for: 1m` has passed since the first failed scrape.
        { expr: 'ALERTS{alertname="SidetoneDown", alertstate="firing"}', at: 10, samples: [] },
      ],
      up,
    );
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
    expect(RULES_TEXT).toContain(`runbook_url: "${ALERT_DEFAULTS.runbook_url}#sidetonedown"`);
  });
});
