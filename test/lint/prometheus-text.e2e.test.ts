import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lintExposition } from '../../src/lint/index.js';
import { promtoolCheck } from '../helpers/promtool.js';
import { timeFactor } from '../setup/time-factor.js';

/**
 * Lines Prometheus's validating text parser (prometheus/common expfmt, run by `promtool check
 * metrics`) accepts, rejects, or accepts with a twist: blanks and tabs, comments, escapes, number
 * spellings Go's ParseFloat takes or refuses, `_count`/`_sum`/`_bucket` joining a declared family.
 */
const LINES = [
  '# TYPE a counter',
  '# TYPE a gauge',
  '# TYPE a summary',
  '# TYPE a histogram',
  '# TYPE a COUNTER',
  '# TYPE a gauge_histogram',
  '# TYPE a wrong',
  '# TYPE a',
  '# TYPE a gauge ',
  '#TYPE a gauge',
  '# HELP a x',
  '# HELP a x\\\\',
  '# HELP a x\\"',
  '# HELP a x\\',
  '# HELP a_count y',
  '# HELP 1a x',
  '#',
  '# comment',
  ' # HELP a x',
  'a 1',
  'a{x="1"} 2',
  'a{x="1"} 2 123',
  'a{x="1",} 2',
  'a{} 3',
  'a { } 3',
  'a 1e3',
  'a NaN',
  'a -nan',
  'a +Inf',
  'a Infinity',
  'a 1e400',
  'a 0x1F',
  'a 1_0',
  'a .5',
  'a 5.',
  'b_total 1',
  '# TYPE b_total counter',
  'a{x="\\n"} 1',
  'a  1',
  ' a 1',
  '\ta\t1',
  '',
  'a{x="1"}1',
  'a{x=1} 1',
  'a_bucket{le="+Inf"} 1',
  'a_bucket{le="x"} 1',
  'a_count 1',
  'a_sum 1',
  'a{quantile="0.5"} 1',
  'a{quantile="z"} 1',
  'a -0.5',
  'a{x="1" , y="2"} 1',
  'a{x="\\q"} 1',
  'a 1 2 3',
  'a 1 1.5',
  'a 1 -5',
  'a 1 5 ',
  'a 1 ',
  'a{__name__="b"} 1',
  'a{x="1",x="2"} 1',
  'a{le="1",le="2"} 1',
  '{x="1"} 1',
  'a-b 1',
  'a:b 1',
  '_x 1',
  'a{,} 1',
  'a{x="1"',
  'a 1 99999999999999999999',
];

describe('the text format 0.0.4 parser', () => {
  it(
    'agrees with promtool check metrics on random mixes of good and bad lines',
    () => {
      fc.assert(
        fc.property(
          fc.array(fc.constantFrom(...LINES), { minLength: 1, maxLength: 6 }),
          fc.boolean(),
          (lines, newline) => {
            // A last line without its newline is an error to expfmt ("unexpected end of input stream").
            const text = `${lines.join('\n')}${newline ? '\n' : ''}`;
            const mine = lintExposition(text, 'text').findings.filter((f) => f.kind === 'format');
            // promtool exits 1 on a parse error (3 is its own lint, 0 clean).
            expect(mine.length > 0, `${JSON.stringify(text)} ${JSON.stringify(mine)}`).toBe(
              promtoolCheck(text).status === 1,
            );
          },
        ),
        { numRuns: 250 },
      );
      // 250 runs, each through promtool: 10 s alone, 30 s beside three other e2e files.
    },
    120_000 * timeFactor(),
  );
});
