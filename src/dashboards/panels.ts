import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

/** The datasource every panel and variable reads: the `$datasource` variable. */
// Grafana's own interpolation syntax, not a JavaScript template.
export const DS: dashboard.DataSourceRef = { type: 'prometheus', uid: ['$', '{datasource}'].join('') };

/** Label matchers of the dashboard variables. */
export const SEL = 'job=~"$job",instance=~"$instance"';
export const SEL_TRUNK = `${SEL},trunk=~"$trunk"`;

/** Which way is good: colours go green on the good side, red on the bad. */
export type Polarity = 'higher-better' | 'lower-better' | 'neutral';

/**
 * Threshold steps coloured by polarity: `warn` and `bad` are where the colour changes.
 * Higher-better: red below `bad`, orange below `warn`, green above. Lower-better: the reverse.
 */
export function thresholds(
  polarity: Polarity,
  warn?: number,
  bad?: number,
): dashboard.ThresholdsConfigBuilder {
  const b = new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute);
  if (polarity === 'neutral' || warn === undefined || bad === undefined)
    return b.steps([{ value: null, color: 'blue' }]);
  return b.steps(
    polarity === 'higher-better'
      ? [
          { value: null, color: 'red' },
          { value: bad, color: 'orange' },
          { value: warn, color: 'green' },
        ]
      : [
          { value: null, color: 'green' },
          { value: warn, color: 'orange' },
          { value: bad, color: 'red' },
        ],
  );
}

/** A query with its legend. */
export type Query = readonly [expr: string, legend: string];

function target(q: Query, i: number): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder()
    .expr(q[0])
    .legendFormat(q[1])
    .refId(String.fromCharCode(65 + i))
    .datasource(DS);
}

export interface PanelSpec {
  title: string;
  description: string;
  /** Grafana unit id: percent, s, dBm, short, reqps, ... */
  unit: string;
  queries: readonly Query[];
  polarity?: Polarity;
  warn?: number;
  bad?: number;
  min?: number;
  max?: number;
  width?: number;
  /** Stack the series (parts of one whole, such as the segments of a wait). */
  stacked?: boolean;
}

/** A time series panel, thresholds drawn as lines when the metric has a polarity. */
export function timeSeries(p: PanelSpec): timeseries.PanelBuilder {
  const b = new timeseries.PanelBuilder()
    .title(p.title)
    .description(p.description)
    .datasource(DS)
    .unit(p.unit)
    .height(8)
    .span(p.width ?? 12)
    .thresholds(thresholds(p.polarity ?? 'neutral', p.warn, p.bad))
    .thresholdsStyle(
      new common.GraphThresholdsStyleConfigBuilder().mode(
        (p.polarity ?? 'neutral') === 'neutral'
          ? common.GraphThresholdsStyleMode.Off
          : common.GraphThresholdsStyleMode.Line,
      ),
    );
  if (p.min !== undefined) b.min(p.min);
  if (p.max !== undefined) b.max(p.max);
  if (p.stacked === true) b.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  p.queries.forEach((q, i) => {
    b.withTarget(target(q, i));
  });
  return b;
}

/** A single-number panel coloured by its thresholds. */
export function singleStat(p: PanelSpec): stat.PanelBuilder {
  const b = new stat.PanelBuilder()
    .title(p.title)
    .description(p.description)
    .datasource(DS)
    .unit(p.unit)
    .height(4)
    .span(p.width ?? 6)
    .colorMode(common.BigValueColorMode.Background)
    .thresholds(thresholds(p.polarity ?? 'neutral', p.warn, p.bad));
  if (p.min !== undefined) b.min(p.min);
  if (p.max !== undefined) b.max(p.max);
  p.queries.forEach((q, i) => {
    b.withTarget(target(q, i));
  });
  return b;
}

/** Datasource, job, instance and trunk variables, each narrowing the next. */
export function variables(
  b: dashboard.DashboardBuilder,
  trunk: boolean,
  prefix: string,
): dashboard.DashboardBuilder {
  const query = (name: string, label: string, q: string) =>
    new dashboard.QueryVariableBuilder(name)
      .label(label)
      .datasource(DS)
      .query({ query: q, refId: name })
      .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
      .sort(dashboard.VariableSort.AlphabeticalAsc)
      .multi(true)
      .includeAll(true)
      .allValue('.+');
  b.withVariable(
    new dashboard.DatasourceVariableBuilder('datasource').label('Data source').type('prometheus'),
  );
  b.withVariable(query('job', 'Job', `label_values(${prefix}_build_info, job)`));
  b.withVariable(query('instance', 'Instance', `label_values(${prefix}_build_info{job=~"$job"}, instance)`));
  if (trunk) b.withVariable(query('trunk', 'Trunk', `label_values(${prefix}_trunk_up{${SEL}}, trunk)`));
  return b;
}
