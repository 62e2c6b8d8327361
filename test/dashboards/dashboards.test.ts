import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { boards, renderDashboards } from '../../src/dashboards/index.js';
import { dashboardQueries } from '../../src/dashboards/render.js';
import { CATALOGUE, metricName } from '../../src/telephony/catalogue.js';

// Grafana's variable syntax, spelled so that it is not mistaken for a JavaScript template.
const GRAFANA_DS = `$${'{datasource}'}`;
const DIR = new URL('../../deploy/grafana/', import.meta.url);

interface Panel {
  type: string;
  title: string;
  datasource?: { uid: string };
  fieldConfig?: {
    defaults: { unit?: string; thresholds?: { steps: Array<{ value: number | null; color: string }> } };
  };
  targets?: Array<{ expr: string }>;
}

describe('Grafana dashboards', () => {
  const rendered = renderDashboards();

  it('deploy/grafana holds exactly the generated dashboards (regenerate: node dist/bin/sidetone.js dashboards --out deploy/grafana)', () => {
    expect(readdirSync(DIR).sort()).toEqual(Object.keys(rendered).sort());
    for (const [file, json] of Object.entries(rendered))
      expect(readFileSync(new URL(file, DIR), 'utf8'), file).toBe(json);
  });

  it('covers the six areas, each with unique uid and the datasource, job and instance variables', () => {
    const titles = boards().map((b) => b.builder.build().title);
    expect(titles).toEqual([
      'sidetone / Fleet overview',
      'sidetone / SIP and trunks',
      'sidetone / Media quality',
      'sidetone / Modem and SMS',
      'sidetone / Voice AI',
      'sidetone / sidetone itself',
    ]);
    const uids = boards().map((b) => b.builder.build().uid);
    expect(new Set(uids).size).toBe(6);
    for (const b of boards()) {
      const vars = (b.builder.build().templating?.list ?? []).map((v) => v.name);
      expect(vars.slice(0, 3)).toEqual(['datasource', 'job', 'instance']);
      // Boards with per-trunk panels also filter by trunk.
      const json = rendered[b.file] ?? '';
      expect(vars.includes('trunk')).toBe(json.includes('trunk=~\\"$trunk\\"'));
    }
  });

  it('every panel reads $datasource, has a unit, filters by job and instance, and colours thresholds by polarity', () => {
    for (const [file, json] of Object.entries(rendered)) {
      const panels = (JSON.parse(json) as { panels: Panel[] }).panels.filter((p) => p.type !== 'row');
      expect(panels.length, file).toBeGreaterThan(2);
      for (const p of panels) {
        const where = `${file}: ${p.title}`;
        expect(p.datasource?.uid, where).toBe(GRAFANA_DS);
        expect(p.fieldConfig?.defaults.unit, where).toMatch(/^[a-zA-Z_]+$/);
        for (const t of p.targets ?? []) {
          if (!t.expr.includes('ALERTS'))
            expect(t.expr, where).toContain('job=~"$job",instance=~"$instance"');
        }
        const steps = p.fieldConfig?.defaults.thresholds?.steps ?? [];
        const colours = steps.map((s) => s.color);
        // neutral: one blue step; higher-better: red, orange, green upwards; lower-better: the reverse.
        expect([['blue'], ['red', 'orange', 'green'], ['green', 'orange', 'red']], where).toContainEqual(
          colours,
        );
        const values = steps.slice(1).map((s) => s.value as number);
        expect(
          [...values].sort((a, b) => a - b),
          where,
        ).toEqual(values);
      }
    }
  });

  it('known polarity: ASR is higher-better, PDD and SMS pending are lower-better, signal follows the alert threshold', () => {
    const panel = (file: string, title: string) =>
      (JSON.parse(rendered[file] ?? '{}') as { panels: Panel[] }).panels.find((p) => p.title === title);
    expect(
      panel('sidetone-fleet.json', 'ASR by trunk (15 min)')?.fieldConfig?.defaults.thresholds?.steps[0]
        ?.color,
    ).toBe('red');
    expect(
      panel('sidetone-sip-trunks.json', 'PDD mean by trunk')?.fieldConfig?.defaults.thresholds?.steps[0]
        ?.color,
    ).toBe('green');
    expect(panel('sidetone-modem-sms.json', 'Signal (RSSI)')?.fieldConfig?.defaults).toMatchObject({
      unit: 'dBm',
      thresholds: {
        steps: [{ color: 'red' }, { value: -100, color: 'orange' }, { value: -85, color: 'green' }],
      },
    });
  });

  it('every query names only catalogued, self or process metrics', () => {
    const known = new Set(
      CATALOGUE.flatMap((m) => {
        const n = metricName(m);
        return m.type === 'histogram' ? [`${n}_bucket`, `${n}_sum`, `${n}_count`] : [n];
      }),
    );
    const self =
      /^(sidetone_(ready|build_info|scrape_duration_seconds_bucket|samples_dropped_total|label_values_redacted_total|series_overflow_total)|process_resident_memory_bytes|nodejs_eventloop_delay_seconds_bucket)$/;
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(30);
    for (const q of queries) {
      for (const [name] of q.expr.matchAll(/\b(?:sidetone|process|nodejs)_[a-z0-9_]+/g)) {
        expect(known.has(name) || self.test(name), `${q.board} ${q.panel}: ${name}`).toBe(true);
      }
    }
  });

  it('a prefix (metrics.prefix) renames every metric of every query and variable, and nothing else', () => {
    const plain = Object.values(renderDashboards()).join('\n');
    const prefixed = Object.values(renderDashboards(undefined, 'callstack')).join('\n');
    expect(prefixed.match(/\bsidetone_\w+/g) ?? []).toEqual([]);
    expect(prefixed).toContain('label_values(callstack_build_info, job)');
    // Byte for byte the default dashboards with one name swapped for the other.
    expect(prefixed).toBe(plain.replace(/\bsidetone_(?=[a-z])/g, 'callstack_'));
  });
});
