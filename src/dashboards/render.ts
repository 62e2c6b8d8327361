import type { AlertSettings } from '../rules/thresholds.js';
import { boards } from './boards.js';

/**
 * The dashboards as files: name -> Grafana dashboard JSON (import through the UI, the HTTP API
 * or file provisioning; docs/deploy.md). Each ends in a newline so the committed copies diff cleanly.
 * @example for (const [name, json] of Object.entries(renderDashboards())) writeFileSync(join(dir, name), json);
 */
export function renderDashboards(settings?: AlertSettings, prefix?: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const b of boards(settings, prefix)) out[b.file] = `${JSON.stringify(b.builder.build(), null, 2)}\n`;
  return out;
}

/** Every PromQL expression of every panel, with its dashboard and panel title (the e2e test evaluates them). */
export function dashboardQueries(
  settings?: AlertSettings,
  prefix?: string,
): Array<{ board: string; panel: string; expr: string }> {
  const out: Array<{ board: string; panel: string; expr: string }> = [];
  for (const b of boards(settings, prefix)) {
    const d = b.builder.build();
    for (const p of d.panels ?? []) {
      const panel = p as { title?: string; targets?: Array<{ expr?: string }> };
      for (const t of panel.targets ?? []) {
        if (t.expr !== undefined) out.push({ board: b.file, panel: panel.title ?? '', expr: t.expr });
      }
    }
  }
  return out;
}
