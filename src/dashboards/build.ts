import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { kpiQuery } from '../rules/kpi.js';
import { type PanelSpec, SEL, SEL_TRUNK, singleStat, timeSeries, variables } from './panels.js';

/** One generated dashboard: its file name under deploy/grafana/ and its builder. */
export interface Board {
  readonly file: string;
  readonly builder: dashboard.DashboardBuilder;
}

const RI = '$__rate_interval';
export const rate = (metric: string, sel = SEL) => `rate(${metric}{${sel}}[${RI}])`;
/** A quantile of a histogram, `by` ending in ", " when it groups by more than `le`. */
export const q95 = (metric: string, by: string, sel = SEL, q = 0.95) =>
  `histogram_quantile(${q}, sum by (${by}le) (${rate(`${metric}_bucket`, sel)}))`;
type Rows = Array<[string, Array<['ts' | 'stat', PanelSpec]>]>;

/**
 * The dashboards' vocabulary under one metric prefix (`metrics.prefix`): metric names, KPIs from
 * the one source of their PromQL (src/rules/kpi.ts, per trunk, over the trunk variable) and boards
 * whose variables read the same prefix.
 * @example const { m, kpi } = named('callstack'); m('ready') // 'callstack_ready'
 */
export function named(prefix: string) {
  return {
    m: (name: string) => `${prefix}_${name}`,
    kpi: (name: Parameters<typeof kpiQuery>[0], window = '15m') =>
      kpiQuery(name, { prefix, window, by: ['trunk'], filter: SEL_TRUNK }),
    board: (uid: string, title: string, description: string, trunk: boolean, rows: Rows) =>
      board(uid, title, description, trunk, rows, prefix),
  };
}

/** A dashboard with the shared variables, time range and rows of panels. */
function board(
  uid: string,
  title: string,
  description: string,
  trunk: boolean,
  rows: Rows,
  prefix: string,
): dashboard.DashboardBuilder {
  const b = new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['sidetone', 'generated'])
    .editable()
    .refresh('30s')
    .time({ from: 'now-6h', to: 'now' })
    .timezone('browser');
  variables(b, trunk, prefix);
  for (const [row, panels] of rows) {
    b.withRow(new dashboard.RowBuilder(row));
    for (const [kind, spec] of panels) b.withPanel(kind === 'ts' ? timeSeries(spec) : singleStat(spec));
  }
  return b;
}
