import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import type { ScenarioName } from '../../src/config/source-defaults.js';
import { EventBus } from '../../src/events/bus.js';
import { parseExposition } from '../../src/lint/parse.js';
import { Registry } from '../../src/metrics/index.js';
import { renderSnapshot } from '../../src/metrics/snapshot.js';
import { demoLabels, sidecarPacks } from '../../src/server/sidecar-packs.js';
import { FAULT_DURATION_MS, FAULT_START_MS } from '../../src/sources/simulator/faults.js';
import { Simulator } from '../../src/sources/simulator/simulator.js';

/** Where every simulated run starts (any epoch works: promtool's series start at its own 0). */
const T0 = Date.UTC(2026, 0, 5, 0, 0, 0);
export const MIN = 60_000;

/** One demo's metrics over virtual time: a sample of every series each scrape, `undefined` where absent. */
export interface SimulatedScrapes {
  /** Scrape times, virtual ms from the run's start (0, step, 2 step, ...). */
  readonly at: number[];
  /** Series text (`name{labels}`, labels sorted) -> value at each scrape. */
  readonly series: Map<string, Array<number | undefined>>;
  /** The fault, ms from the run's start, when the run has one. */
  readonly fault?: { start: number; end: number };
  /** The last scrape's exposition, for assertions on it. */
  readonly last: string;
}

/**
 * `sidetone demo` in virtual time: the demo's simulator, the sidecar's packs with its default
 * configuration (src/server/sidecar-packs.ts, the code `sidetone demo` runs), and a scrape of the
 * registry every `stepMs` of virtual time. A scenario starts as `sidetone demo --backfill 1h
 * --scenario X` starts it: `FAULT_START_MS` after an hour of history. Only families whose names
 * `keep` accepts, and of them the samples it accepts, are recorded (the rules' inputs), which keeps
 * promtool's input small.
 * @example const run = await simulateDemo({ hours: 2, scenario: 'trunk-outage', keep: (n) => n.startsWith('sidetone_trunk') });
 */
export async function simulateDemo(o: {
  hours: number;
  scenario?: ScenarioName;
  stepMs?: number;
  keep: (name: string) => boolean;
}): Promise<SimulatedScrapes> {
  const step = o.stepMs ?? MIN;
  const config = loadConfig({ env: {} });
  const labels = demoLabels(config);
  const registry = new Registry({
    prefix: config.metrics.prefix,
    guard: { maxSeries: config.metrics.max_series },
  });
  const bus = new EventBus({ registry, prefix: config.metrics.prefix });
  let now = T0;
  sidecarPacks(bus, registry, config, labels, () => undefined, { now: () => now });
  const sim = new Simulator(bus, {
    seed: config.demo.seed,
    rate: config.demo.rate,
    registry,
    trunks: labels.trunks,
    queues: labels.queues,
    start: T0,
  });
  let fault: SimulatedScrapes['fault'];
  if (o.scenario !== undefined) {
    const at = T0 + 60 * MIN + FAULT_START_MS;
    const f = sim.fault(o.scenario, at);
    fault = { start: f.start - T0, end: f.end - T0 };
    if (f.end - f.start !== FAULT_DURATION_MS[o.scenario]) throw new Error('fault length changed');
  }
  const series = new Map<string, Array<number | undefined>>();
  const at: number[] = [];
  const end = T0 + o.hours * 60 * MIN;
  for (let t = T0, i = 0; t <= end; t += step, i++) {
    sim.advance(t);
    now = t;
    await registry.collect();
    // The kept families' exposition, byte for byte what /metrics writes for them.
    const kept = [...registry.all()].filter((m) => o.keep(m.name)).map((m) => m.snapshot(t));
    at.push(t - T0);
    addScrape(series, renderSnapshot(kept), i, o.keep);
  }
  for (const values of series.values()) values.length = at.length;
  return { at, series, last: registry.render('prometheus'), ...(fault && { fault }) };
}

/**
 * One scrape's samples (Prometheus text) into `series` at index `i`, keyed `name{labels}` with the
 * labels sorted, for the families and then the samples `keep` accepts.
 */
export function addScrape(
  series: Map<string, Array<number | undefined>>,
  text: string,
  i: number,
  keep: (name: string) => boolean,
): void {
  for (const family of parseExposition(text, 'text').families) {
    if (!keep(family.name)) continue;
    for (const s of family.samples) {
      if (!keep(s.name)) continue;
      const key = `${s.name}{${[...s.labels]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}}`;
      let values = series.get(key);
      if (values === undefined) series.set(key, (values = []));
      values[i] = s.value;
    }
  }
}

/**
 * promtool's `input_series` for scraped values: one value per interval, `_` before a series
 * exists, `stale` where it disappears (as a real scrape marks it), and `a+bxn` runs where it
 * moves in equal steps, so a day of a counter is a few lines.
 */
function promtoolValues(values: ReadonlyArray<number | undefined>): string {
  const out: string[] = [];
  let i = 0;
  let seen = false;
  while (i < values.length) {
    const v = values[i];
    if (v === undefined) {
      out.push(seen && (i === 0 || values[i - 1] !== undefined) ? 'stale' : '_');
      i++;
      continue;
    }
    seen = true;
    // A run of equal steps after v: v+dxn.
    const next = values[i + 1];
    if (next !== undefined && Number.isFinite(v) && Number.isFinite(next)) {
      const d = next - v;
      let n = 1;
      while (
        values[i + n + 1] !== undefined &&
        (values[i + n + 1] as number) - (values[i + n] as number) === d
      )
        n++;
      if (n >= 2) {
        out.push(`${num(v)}${d < 0 ? '' : '+'}${num(d)}x${n}`);
        i += n + 1;
        continue;
      }
    }
    out.push(num(v));
    i++;
  }
  return out.join(' ');
}

const num = (v: number) =>
  Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Inf' : v === -Infinity ? '-Inf' : String(v);

/** The shipped rule file, byte for byte, as users get it. */
const RULES = new URL('../../deploy/prometheus/sidetone-rules.yml', import.meta.url);
export const RULES_TEXT = readFileSync(RULES, 'utf8');
/**
 * The sample names the rules' expressions read (not a recorded rule's `a:sidetone_b:c`, not a
 * description's text): only those series are given to promtool. Histograms' buckets the rules
 * never read were 513 of a healthy day's 801 series (its file 3.4 -> 1.2 MB); promtool's
 * time is its 1,440 evaluations, about the same either way (35 s).
 */
const INPUTS: ReadonlySet<string> = new Set(
  (parse(RULES_TEXT) as { groups: Array<{ rules: Array<{ expr: string }> }> }).groups
    .flatMap((g) => g.rules)
    .flatMap((r) => r.expr.match(/(?<![:\w])sidetone_[a-z0-9_]+/g) ?? []),
);
/** A sample's suffixes after its family's name (OpenMetrics: counter, histogram, summary). */
const SUFFIXES = ['_total', '_bucket', '_sum', '_count'];
/** A sample name the rules read, or a family one of whose samples they read. */
export const keepRuleInputs = (name: string) =>
  INPUTS.has(name) || SUFFIXES.some((s) => INPUTS.has(`${name}${s}`));

const dir = mkdtempSync(join(tmpdir(), 'sidetone-alerts-sim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const j = JSON.stringify;
/**
 * The label keys a shipped alert may carry, as Alertmanager receives it: each a bounded name the
 * rules or the enums produce, never free text (ALERTS adds `alertstate`).
 */
export const ALERT_LABEL_KEYS: readonly string[] = [
  'alertname',
  'severity',
  'job',
  'instance',
  'trunk',
  'direction',
  'modem',
  'metric',
  'agent',
];

/** A label set as promtool prints it. */
export const labelText = (l: Record<string, string>) =>
  `{${Object.entries(l)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${j(v)}`)
    .join(', ')}}`;

/** A promql_expr_test: `expr` at minute `at` must give exactly `samples`. */
export interface Check {
  expr: string;
  at: number;
  samples: Array<{ labels: string; value: number }>;
}

/**
 * An alert_rule_test: at minute `at`, the alerts named `alert` that fire are exactly `alerts`,
 * each with its labels and its annotations as Prometheus renders their templates.
 */
export interface AlertCheck {
  alert: string;
  at: number;
  alerts: Array<{ labels: Record<string, string>; annotations: Record<string, string> }>;
}

/**
 * Run `promtool test rules` on one demo's series (job/instance added, `up` 1 unless given) and
 * these checks (`alerts`: rendered alerts as well as expressions).
 */
export function promtoolRules(
  name: string,
  run: SimulatedScrapes,
  instance: string,
  checks: Check[],
  up?: Array<number | undefined>,
  alerts: AlertCheck[] = [],
) {
  const target = `job="sidetone", instance=${j(instance)}`;
  const input = [...run.series].map(([key, values]) => {
    const brace = key.indexOf('{');
    const rest = key.slice(brace + 1, -1);
    return { series: `${key.slice(0, brace)}{${target}${rest === '' ? '' : `, ${rest}`}}`, values };
  });
  input.push({ series: `up{${target}}`, values: up ?? run.at.map(() => 1) });
  const lines = [
    `rule_files: [${j(RULES.pathname)}]`,
    'evaluation_interval: 1m',
    'tests:',
    '  - interval: 1m',
    '    input_series:',
    ...input.flatMap((s) => [
      `      - series: ${j(s.series)}`,
      `        values: ${j(promtoolValues(s.values))}`,
    ]),
    '    promql_expr_test:',
    ...checks.flatMap((c) => [
      `      - expr: ${j(c.expr)}`,
      `        eval_time: ${c.at}m`,
      c.samples.length === 0 ? '        exp_samples: []' : '        exp_samples:',
      ...c.samples.flatMap((s) => [`          - labels: ${j(s.labels)}`, `            value: ${s.value}`]),
    ]),
    ...(alerts.length === 0 ? [] : ['    alert_rule_test:']),
    ...alerts.flatMap((a) => [
      `      - eval_time: ${a.at}m`,
      `        alertname: ${j(a.alert)}`,
      a.alerts.length === 0 ? '        exp_alerts: []' : '        exp_alerts:',
      ...a.alerts.flatMap((x) => [
        `          - exp_labels: ${j(x.labels)}`,
        `            exp_annotations: ${j(x.annotations)}`,
      ]),
    ]),
  ];
  const file = join(dir, `${name}.yml`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  const r = spawnSync('promtool', ['test', 'rules', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error)
    throw new Error(`promtool could not run (${r.error.message}): install Debian's prometheus package`);
  return { status: r.status, output: `${r.stdout}${r.stderr}`, series: input.length };
}

/** Alerts that fired at any evaluation in the last `minutes`, by name, at minute `at`. */
export const firedExpr = (minutes: number, not: readonly string[] = []) =>
  `count by (alertname) (max_over_time(ALERTS{alertstate="firing"${
    not.length === 0 ? '' : `, alertname!~${j(not.join('|'))}`
  }}[${minutes}m]))`;
