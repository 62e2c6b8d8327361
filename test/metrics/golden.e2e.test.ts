import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Registry } from '../../src/metrics/index.js';
import { promtoolCheck } from '../helpers/promtool.js';
import { goldenRegistry } from './golden.fixture.js';

// Byte-for-byte goldens. To regenerate after an intended change: UPDATE_GOLDEN=1 npx vitest run
// test/metrics/golden.e2e.test.ts, then read the diff line by line before committing.
const dir = new URL('./golden/', import.meta.url);

function golden(file: string, actual: string): void {
  const url = new URL(file, dir);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(url, actual);
  expect(actual).toBe(readFileSync(url, 'utf8'));
}

describe('golden exposition', () => {
  beforeAll(() => {
    vi.useFakeTimers({ now: 1_700_000_000_123, toFake: ['Date'] });
  });
  afterAll(() => {
    vi.useRealTimers();
  });

  it('renderBytes is byte-for-byte the UTF-8 of render, in both formats and past buffer growth', () => {
    const r = goldenRegistry();
    const big = r.gauge({ name: 'sidetone_big', help: 'Many series', labels: ['k'], maxSeries: 10_000 });
    for (let i = 0; i < 8000; i++) big.labels({ k: `ключ-${i}-☎-trunk-label-value` }).set(i);
    for (const f of ['prometheus', 'openmetrics'] as const) {
      const bytes = r.renderBytes(f);
      expect(bytes.length).toBeGreaterThan(256 * 1024);
      expect(bytes.equals(Buffer.from(r.render(f), 'utf8'))).toBe(true);
    }
  });

  it('Prometheus text 0.0.4', () => {
    const text = goldenRegistry().render('prometheus');
    golden('registry.prom', text);
    const check = promtoolCheck(text);
    expect(check.output).toBe('');
    expect(check.status).toBe(0);
  });

  // promtool parses only the text format, and OpenMetrics HELP must escape `"` where text 0.0.4
  // must not; so these goldens are parsed by a real Prometheus instead (prometheus-scrape.e2e.test.ts),
  // and promtool reads a registry of every type without such HELP below.
  it('OpenMetrics 1.0: no _created samples by default', () => {
    const text = goldenRegistry().render('openmetrics');
    golden('registry.om', text);
    expect(text).not.toMatch(/_created/);
  });

  it('OpenMetrics 1.0 with createdTimestamps: a _created sample per counter, histogram and summary series', () => {
    const on = goldenRegistry({ createdTimestamps: true }).render('openmetrics');
    golden('registry-created.om', on);
    // The same exposition with one line more after each of those series, and nothing else.
    const off = goldenRegistry().render('openmetrics').split('\n');
    expect(on.split('\n').filter((l) => !/^[a-z_]+_created(\{|\s)/.test(l))).toEqual(off);
    // 2 dropped-sample counters, 2 SIP counters, SMS, 2 histograms and 2 summaries.
    expect(on.match(/^\w+_created(\{[^}]*\})? 1700000000\.123$/gm)).toHaveLength(9);
  });

  it('the text format is the same bytes with createdTimestamps on or off', () => {
    expect(goldenRegistry({ createdTimestamps: true }).render('prometheus')).toBe(
      goldenRegistry().render('prometheus'),
    );
    expect(goldenRegistry({ createdTimestamps: true }).renderBytes('prometheus')).toEqual(
      goldenRegistry().renderBytes('prometheus'),
    );
  });

  it('promtool parses OpenMetrics in both states', () => {
    for (const createdTimestamps of [false, true]) {
      const r = new Registry({ createdTimestamps });
      r.counter({ name: 'calls_total', help: 'Calls', labels: ['trunk'] })
        .labels({ trunk: 'a' })
        .inc(2);
      r.histogram({ name: 'pdd_seconds', help: 'PDD', unit: 'seconds', buckets: [1] }).observe(0.5);
      r.summary({ name: 'wait_seconds', help: 'Wait', unit: 'seconds' }).observe(1);
      r.gauge({ name: 'up_ratio', help: 'Up', unit: 'ratio' }).set(1);
      const check = promtoolCheck(r.render('openmetrics'));
      expect(check.output).not.toMatch(/parsing error|error while/);
      // promtool's text parser lints an OpenMetrics counter's `_total` (and any `_created`) sample
      // as a family without HELP; nothing else may be reported.
      const lint = check.output.split('\n').filter((l) => l.trim() !== '');
      expect(
        lint.filter((l) => !/^calls_total no help text$/.test(l) && !/_created no help text$/.test(l)),
      ).toEqual([]);
      expect(lint.some((l) => /_created/.test(l))).toBe(createdTimestamps);
    }
  });
});
