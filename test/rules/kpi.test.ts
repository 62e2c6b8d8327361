import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { recordingRules } from '../../src/rules/index.js';
import { KPI_NAMES, KPIS, kpiQuery } from '../../src/rules/kpi.js';

// One source for the KPI PromQL: the recording rules and dashboards use kpiQuery(), and the
// expressions docs/promql.md shows must be exactly its default rendering.
describe('KPI PromQL', () => {
  const md = readFileSync(new URL('../../docs/promql.md', import.meta.url), 'utf8');
  const blocks = [...md.matchAll(/```promql\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');

  it.each(KPI_NAMES)('docs/promql.md shows kpiQuery(%s) verbatim under its heading', (kpi) => {
    const section = md.slice(md.indexOf(`## ${KPIS[kpi].title.split(' ')[0]}:`));
    const first = section.match(/```promql\n([\s\S]*?)```/)?.[1] ?? '';
    expect(first.startsWith(kpiQuery(kpi)), `${kpi}:\n${first}`).toBe(true);
    expect(blocks.some((b) => b.includes(kpiQuery(kpi)))).toBe(true);
  });

  it('records every KPI per job, instance, trunk and direction with no direction filter', () => {
    const rules = recordingRules();
    for (const kpi of KPI_NAMES) expect(rules.some((r) => r.record.includes(`_call_${kpi}_`))).toBe(true);
    for (const r of rules) {
      expect(r.expr).toContain('sum by (job, instance, trunk, direction)');
      expect(r.expr).not.toContain('direction="');
      expect(r.record).toMatch(
        /^instance_trunk_direction:sidetone_call_[a-z]+_(percent|seconds):(15m|1h|1d)$/,
      );
    }
  });

  it('follows the prefix', () => {
    expect(kpiQuery('asr', { prefix: 'callstack' })).toContain('callstack_call_outcomes_total');
    expect(() => kpiQuery('asr', { prefix: 'x' })).not.toThrow();
  });
});
