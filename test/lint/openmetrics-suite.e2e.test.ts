import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lintExposition, parseExposition } from '../../src/lint/index.js';
import { run } from '../cli/helpers.js';

/** The OpenMetrics parser test suite, carried over as data (fixtures/README.md names its source). */
const suite = JSON.parse(
  readFileSync(new URL('./fixtures/openmetrics-suite.json', import.meta.url), 'utf8'),
) as {
  source: { commit: string };
  cases: Array<{ name: string; shouldParse: boolean; comment?: string; input: string }>;
};
const encoder = new TextEncoder();
const formatIssues = (input: string | Uint8Array) =>
  parseExposition(input, 'openmetrics').issues.filter((i) => i.kind === 'format');

describe('the OpenMetrics parser test suite (prometheus/OpenMetrics tests/testdata/parsers)', () => {
  it('has the 44 valid and 167 invalid cases of the commit it names', () => {
    expect(suite.source.commit).toBe('3bb328ab04d26b25ac548d851619f90d15090e5d');
    expect(suite.cases.filter((c) => c.shouldParse)).toHaveLength(44);
    expect(suite.cases.filter((c) => !c.shouldParse)).toHaveLength(167);
  });

  it.each(suite.cases)('$name: parses exactly when the suite says it should', ({ input, shouldParse }) => {
    // Read as bytes, as `sidetone lint` reads a file or a scrape.
    const issues = formatIssues(encoder.encode(input));
    expect(issues.length === 0, JSON.stringify(issues)).toBe(shouldParse);
    // Every format issue points into the input.
    const lines = input.split('\n');
    for (const i of issues) {
      expect(i.line).toBeGreaterThanOrEqual(1);
      expect(i.line).toBeLessThanOrEqual(lines.length);
      expect(i.column).toBeGreaterThanOrEqual(1);
      expect(i.column).toBeLessThanOrEqual([...(lines[i.line - 1] ?? '')].length + 1);
    }
  });

  it('agrees on every case: 44/44 valid accepted, 167/167 invalid rejected', () => {
    let accepted = 0;
    let rejected = 0;
    for (const c of suite.cases) {
      const ok = formatIssues(c.input).length === 0;
      if (c.shouldParse && ok) accepted++;
      if (!c.shouldParse && !ok) rejected++;
    }
    expect({ accepted, rejected }).toEqual({ accepted: 44, rejected: 167 });
  });

  it('what the issue found: valid escapes pass, bad exemplars, `# HELP a`, NaN/Inf timestamps and a trailing comma fail', () => {
    const byName = new Map(suite.cases.map((c) => [c.name, c.input]));
    const verdict = (name: string) => formatIssues(byName.get(name) ?? '').length === 0;
    expect(verdict('escaping')).toBe(true);
    expect(verdict('label_escaping')).toBe(true);
    for (const bad of [
      'bad_exemplars_4',
      'bad_exemplar_timestamp_0',
      'bad_help_2',
      'bad_timestamp_4',
      'bad_timestamp_5',
      'bad_missing_or_extra_commas_2',
    ])
      expect(verdict(bad), bad).toBe(false);
  });

  it('PII and cardinality checks skip numeric le and quantile bounds', () => {
    const text = [
      '# TYPE a histogram',
      'a_bucket{le="1000000.0"} 0',
      'a_bucket{le="10000000000"} 0',
      'a_bucket{le="+Inf"} 3',
      'a_count 3',
      'a_sum 2',
      '# TYPE q summary',
      'q{quantile="0.99"} 1',
      '# EOF',
      '',
    ].join('\n');
    const r = lintExposition(text, 'openmetrics', { maxSeriesPerFamily: 1 });
    expect(r.findings.filter((f) => f.kind === 'pii' || f.kind === 'cardinality')).toEqual([]);
    // A bound that is not a number is checked like any other value.
    const phone = lintExposition('# TYPE a gauge\na{le="+44 7700 900123"} 1\n# EOF\n', 'openmetrics');
    expect(phone.findings.map((f) => f.kind)).toContain('pii');
  });
});

describe('`sidetone lint` on the suite: warnings never fail a valid file (issue 47, item 12)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sidetone-om-suite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const valid = suite.cases.filter((c) => c.shouldParse);

  it('every valid case has findings of severity warning only; every invalid case has an error', () => {
    for (const c of valid) {
      const r = lintExposition(c.input, 'openmetrics');
      expect(r.valid, c.name).toBe(true);
      expect(
        r.findings.filter((f) => f.severity !== 'warning'),
        c.name,
      ).toEqual([]);
    }
    for (const c of suite.cases.filter((k) => !k.shouldParse)) {
      const r = lintExposition(c.input, 'openmetrics');
      expect(
        r.findings.some((f) => f.severity === 'error' && f.kind === 'format'),
        c.name,
      ).toBe(true);
    }
  });

  it('the CLI exits 0 on the 9 valid files with warnings (was 1), prints them, and 1 with --strict', async () => {
    const warned = valid.filter((c) => lintExposition(c.input, 'openmetrics').findings.length > 0);
    // duplicate_timestamps_1, escaping, exemplars_wide_chars, help_escaping, histogram_exemplars,
    // histogram_noncanonical, label_escaping, roundtrip, summary_quantiles at the suite's commit.
    expect(warned).toHaveLength(9);
    const results = await Promise.all(
      warned.map(async (c) => {
        const file = join(dir, `${c.name}.txt`);
        writeFileSync(file, c.input);
        return { name: c.name, file, ...(await run(['lint', file, '--format', 'openmetrics'])) };
      }),
    );
    for (const r of results) {
      expect({ name: r.name, code: r.code }).toEqual({ name: r.name, code: 0 });
      expect(r.stdout).toMatch(/^0 errors, \d+ warnings?: /m);
      expect(r.stdout).toContain(`${r.file}:`);
    }
    const strict = await run(['lint', results[0]?.file ?? '', '--format', 'openmetrics', '--strict']);
    expect(strict.code).toBe(1);
    const bad = suite.cases.find((c) => !c.shouldParse);
    const badFile = join(dir, 'bad.txt');
    writeFileSync(badFile, bad?.input ?? '');
    const b = await run(['lint', badFile, '--format', 'openmetrics']);
    expect(b.code).toBe(1);
    expect(b.stdout).toMatch(/^[1-9]\d* errors?, \d+ warnings?: /m);
  }, 60_000);
});
