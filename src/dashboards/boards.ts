import { ALERT_DEFAULTS, type AlertSettings } from '../rules/thresholds.js';
import type { Board } from './build.js';
import { callBoards } from './calls.js';
import { operationsBoards } from './operations.js';

export type { Board } from './build.js';

/**
 * The six sidetone dashboards, built with Grafana's typed builders from the same KPI PromQL
 * as the rules; thresholds follow the alert settings, metric names the prefix (`metrics.prefix`).
 * @example for (const b of boards()) writeFileSync(b.file, JSON.stringify(b.builder.build(), null, 2));
 */
export function boards(settings: AlertSettings = ALERT_DEFAULTS, prefix = 'sidetone'): Board[] {
  return [...callBoards(settings, prefix), ...operationsBoards(settings, prefix)];
}
