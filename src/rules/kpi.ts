import { DefinitionError } from '../errors.js';
import { CATALOGUE, metricName } from '../telephony/catalogue.js';

/** The carrier KPIs that are ratios of the calls pack's counters and histograms. */
export const KPI_NAMES = ['asr', 'ner', 'ser', 'seer', 'isa', 'acd', 'pdd'] as const;
export type KpiName = (typeof KPI_NAMES)[number];

export interface KpiQueryOptions {
  /** Metric prefix (`metrics.prefix`). Default `sidetone`. */
  prefix?: string;
  /** Range of the `increase`/`rate`. Default `1h`. */
  window?: string;
  /** Grouping labels. Default `trunk`. */
  by?: readonly string[];
  /**
   * Label matchers every selector gets. Default `direction="outbound"` for the ratios (RFC 6076
   * measures at the originating side) and none for ACD and PDD, as docs/promql.md shows them.
   */
  filter?: string;
}

/** One KPI: what it is, the standard that defines it, its unit and polarity. */
export interface KpiSpec {
  readonly name: KpiName;
  readonly title: string;
  readonly standard: string;
  /** Grafana unit id. */
  readonly unit: 'percent' | 's';
  /** Whether a higher value is better (dashboards colour by it). */
  readonly higherIsBetter: boolean;
}

export const KPIS: Readonly<Record<KpiName, KpiSpec>> = {
  asr: { name: 'asr', title: 'ASR', standard: 'ITU-T E.411', unit: 'percent', higherIsBetter: true },
  ner: { name: 'ner', title: 'NER', standard: 'ITU-T E.425', unit: 'percent', higherIsBetter: true },
  ser: { name: 'ser', title: 'SER', standard: 'RFC 6076 4.6', unit: 'percent', higherIsBetter: true },
  seer: { name: 'seer', title: 'SEER', standard: 'RFC 6076 4.7', unit: 'percent', higherIsBetter: true },
  isa: { name: 'isa', title: 'ISA', standard: 'RFC 6076 4.8', unit: 'percent', higherIsBetter: false },
  acd: { name: 'acd', title: 'ACD', standard: 'ITU-T E.411', unit: 's', higherIsBetter: true },
  pdd: { name: 'pdd', title: 'PDD (mean)', standard: 'ITU-T E.431', unit: 's', higherIsBetter: false },
};

/** A catalogued sample name; throws at generation time when a rename left a query behind. */
function m(prefix: string, name: string, suffix = ''): string {
  const spec = CATALOGUE.find((s) => s.name === name);
  if (spec === undefined)
    throw new DefinitionError(
      'ST_NOT_IN_CATALOGUE',
      `metric "${name}" is not in the catalogue: update src/rules`,
    );
  return `${metricName(spec, prefix)}${suffix}`;
}

/**
 * The PromQL of one KPI, the same expression docs/promql.md shows (a test keeps the two equal).
 * @example kpiQuery('asr', { window: '5m', by: ['trunk', 'direction'], filter: '' })
 */
export function kpiQuery(kpi: KpiName, options: KpiQueryOptions = {}): string {
  const p = options.prefix ?? 'sidetone';
  const w = options.window ?? '1h';
  const by = `sum by (${(options.by ?? ['trunk']).join(', ')})`;
  const f = options.filter ?? (kpi === 'acd' || kpi === 'pdd' ? '' : 'direction="outbound"');
  const sel = (name: string, extra = '', suffix = '') => {
    const matchers = [f, extra].filter((x) => x !== '').join(',');
    return `${m(p, name, suffix)}${matchers === '' ? '' : `{${matchers}}`}`;
  };
  const inc = (name: string, extra = '', suffix = '') =>
    `${by} (increase(${sel(name, extra, suffix)}[${w}]))`;
  const outcomes = 'call_outcomes_total';
  const SIP = 'channel=~"sip|webrtc"';
  // Ratios over ended attempts (challenges excluded), as docs/promql.md explains: denominators
  // select with != rather than subtract an absent series, and `or 0 * denominator` makes a trunk
  // with attempts but no hit read 0 instead of no data.
  const ratio = (numerator: string, denominator: string) =>
    `100 * (\n    ${numerator}\n    or 0 * ${denominator}\n  )\n  / ${denominator}`;
  const ended = (extra = '') => inc(outcomes, [extra, 'outcome!="challenged"'].filter((x) => x).join(','));
  const established = (numerator: string) =>
    ratio(inc(outcomes, `${SIP},${numerator}`), inc(outcomes, `${SIP},outcome!~"redirected|challenged"`));
  switch (kpi) {
    case 'asr':
      return ratio(inc(outcomes, 'outcome="answered"'), ended());
    case 'ner':
      return ratio(inc('call_effective_total'), ended());
    case 'ser':
      return established('outcome="answered"');
    case 'seer':
      return established('outcome=~"answered|busy|no_answer|declined"');
    case 'isa':
      return ratio(inc(outcomes, `${SIP},outcome="ineffective"`), ended(SIP));
    case 'acd':
      return `${inc('call_talk_time_seconds', '', '_sum')}\n  / ${inc('call_talk_time_seconds', '', '_count')}`;
    case 'pdd': {
      const rate = (suffix: string) => `${by} (rate(${sel('call_pdd_seconds', '', suffix)}[${w}]))`;
      return `${rate('_sum')}\n  / ${rate('_count')}`;
    }
  }
}

/** One line, for YAML and URLs. */
export function oneLine(expr: string): string {
  return expr
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\(\s+/g, '(')
    .replace(/\s+\)/g, ')');
}
