import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Registry } from '../../src/metrics/index.js';
import { nastyString } from '../helpers/arbitraries.js';
import { promtoolCheck, unexpectedLint } from '../helpers/promtool.js';
import { timeFactor } from '../setup/time-factor.js';

describe('fuzzed label values and HELP', () => {
  it(
    'every rendered exposition passes promtool, in both formats',
    () => {
      fc.assert(
        fc.property(
          fc.uniqueArray(nastyString, { minLength: 1, maxLength: 12 }),
          nastyString,
          (values, help) => {
            const r = new Registry({ guard: { maxValueLength: 1000 } });
            const g = r.gauge({ name: 'fuzz_values', help: `help ${help}`, labels: ['v'] });
            const h = r.histogram({
              name: 'fuzz_seconds',
              help: `h ${help}`,
              unit: 'seconds',
              labels: ['v'],
            });
            values.forEach((v, i) => {
              g.labels({ v }).set(i);
              h.labels({ v }).observe(i / 10);
            });
            const text = r.render('prometheus');
            const t = promtoolCheck(text);
            expect(t.output, text).toBe('');
            // promtool's text parser rejects the `\"` that OpenMetrics requires in HELP; those cases
            // are parsed by a real Prometheus in prometheus-scrape.e2e.test.ts.
            if (!help.includes('"')) {
              const o = promtoolCheck(r.render('openmetrics'));
              expect(o.output).not.toMatch(/error/);
              expect(unexpectedLint(o.output)).toEqual([]);
            }
          },
        ),
        { numRuns: 40 },
      );
      // Up to 80 promtool runs: 18.7-25.3 s beside four other e2e files (runs 26-29), 41 s in run
      // 30, past the 30 s default, as prometheus-text.e2e.test.ts's 250 runs were before it.
    },
    120_000 * timeFactor(),
  );
});
