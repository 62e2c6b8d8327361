import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { promtoolCheck } from '../helpers/promtool.js';
import { goldenRegistry } from './golden.fixture.js';

// Byte-for-byte goldens. To regenerate after an intended change: UPDATE_GOLDEN=1 npx vitest run
// test/metrics/golden.test.ts, then read the diff line by line before committing.
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
  // must not; so this golden is parsed by a real Prometheus instead (prometheus-scrape.test.ts).
  it('OpenMetrics 1.0', () => {
    golden('registry.om', goldenRegistry().render('openmetrics'));
  });
});
