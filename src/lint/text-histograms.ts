/**
 * The text format's histogram rules that its parser does not enforce (prometheus/docs
 * exposition_formats.md, "Histograms and summaries"): buckets in increasing `le` order, cumulative,
 * one with `le="+Inf"` whose value is `_count`'s. Prometheus ingests a histogram that breaks them,
 * and `histogram_quantile` then answers wrong or NaN, so they are `spec` issues.
 */
import type { Issue, LabelPairs } from './model.js';
import { floatValue } from './numbers.js';
import { labelKey, sameLabels } from './scan.js';

interface Metric {
  readonly line: number;
  lastLe: number;
  lastCount: number;
  inf?: number;
  count?: number;
  countLine?: number;
}

export class TextHistograms {
  private readonly metrics = new Map<string, Metric>();
  private readonly issues: Issue[] = [];
  private last: Metric | undefined;
  private lastFamily = '';
  private lastLabels: LabelPairs = [];

  add(family: string, sample: string, labels: LabelPairs, value: number, line: number): undefined {
    const leText = labels.find(([k]) => k === 'le')?.[1];
    // Consecutive lines of one series (the usual layout) reuse it without building its key.
    let m = this.last;
    if (m === undefined || this.lastFamily !== family || !sameLabels(labels, 'le', this.lastLabels, 'le')) {
      const key = `${family}\u0000${labelKey(labels, 'le')}`;
      m = this.metrics.get(key);
      if (m === undefined) {
        m = { line, lastLe: Number.NEGATIVE_INFINITY, lastCount: 0 };
        this.metrics.set(key, m);
      }
      this.last = m;
      this.lastFamily = family;
      this.lastLabels = labels;
    }
    const sfx = sample.slice(family.length);
    if (sfx === '_count') {
      m.count = value;
      m.countLine = line;
    }
    if (sfx !== '_bucket') return;
    const le = leText === undefined ? undefined : floatValue(leText);
    if (le === undefined) return this.spec(line, `${sample} has no le label: Prometheus ignores it`);
    if (le <= m.lastLe)
      this.spec(line, `buckets must be in increasing le order (le ${le} after ${m.lastLe})`);
    else if (value < m.lastCount)
      this.spec(line, `bucket counts are cumulative: ${value} after ${m.lastCount}`);
    m.lastLe = le;
    m.lastCount = value;
    if (le === Number.POSITIVE_INFINITY) m.inf = value;
  }

  /** The issues, with those of each histogram as a whole. */
  end(): Issue[] {
    for (const m of this.metrics.values()) {
      if (m.inf === undefined)
        this.spec(m.line, 'a histogram without a le="+Inf" bucket: histogram_quantile needs it');
      else if (m.count !== undefined && m.count !== m.inf)
        this.spec(m.countLine ?? m.line, `_count ${m.count} differs from the +Inf bucket's ${m.inf}`);
    }
    this.metrics.clear();
    return this.issues;
  }

  private spec(line: number, message: string): undefined {
    this.issues.push({ kind: 'spec', message, line, column: 1 });
    return undefined;
  }
}
