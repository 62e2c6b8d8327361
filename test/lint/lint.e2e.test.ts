import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { lintExposition, parseExposition } from '../../src/lint/index.js';
import { sniffFormat } from '../../src/lint/source.js';
import { Registry } from '../../src/metrics/index.js';
import { encodeProtobuf } from '../../src/metrics/protobuf.js';
import { run } from '../cli/helpers.js';
import { freePort } from '../helpers/prometheus.js';
import { promtoolCheck } from '../helpers/promtool.js';
import { startCli } from '../helpers/spawn.js';
import { until } from '../helpers/until.js';
import { FIXTURES } from '../telephony/fixtures.js';
import { setup } from '../telephony/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-lint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Hand-made bad inputs: the finding expected, on which line, and whether the format is broken. */
const BAD: Array<{ name: string; text: string; kind: string; line: number; formatError: boolean }> = [
  { name: 'label without a value', text: 'a{x} 1\n', kind: 'format', line: 1, formatError: true },
  { name: 'bad value', text: '# TYPE a gauge\na 1.2.3\n', kind: 'format', line: 2, formatError: true },
  {
    name: 'second TYPE',
    text: '# TYPE a gauge\n# TYPE a counter\na 1\n',
    kind: 'format',
    line: 2,
    formatError: true,
  },
  { name: 'bad escape', text: 'a{x="\\q"} 1\n', kind: 'format', line: 1, formatError: true },
  { name: 'unknown type', text: '# TYPE a thing\na 1\n', kind: 'format', line: 1, formatError: true },
  { name: 'duplicate label', text: 'a{x="1",x="2"} 1\n', kind: 'format', line: 1, formatError: true },
  { name: 'garbage line', text: '# TYPE a gauge\na 1\n!!\n', kind: 'format', line: 3, formatError: true },
  {
    name: 'phone number in a label',
    text: '# TYPE calls_total counter\ncalls_total{to="+44 7700 900123"} 1\n',
    kind: 'pii',
    line: 2,
    formatError: false,
  },
  {
    name: 'e-mail in a label',
    text: '# TYPE a gauge\na{user="bob@example.com"} 1\n',
    kind: 'pii',
    line: 2,
    formatError: false,
  },
  {
    name: 'milliseconds',
    text: '# TYPE latency_ms gauge\nlatency_ms 3\n',
    kind: 'naming',
    line: 1,
    formatError: false,
  },
  {
    name: 'counter without _total',
    text: '# TYPE requests counter\nrequests 3\n',
    kind: 'naming',
    line: 1,
    formatError: false,
  },
  {
    name: 'le on a gauge',
    text: '# TYPE a gauge\na{le="1"} 3\n',
    kind: 'naming',
    line: 1,
    formatError: false,
  },
  {
    name: 'counter named like a gauge',
    text: '# TYPE calls_active_total counter\ncalls_active_total 3\n',
    kind: 'type',
    line: 1,
    formatError: false,
  },
  {
    name: 'negative counter',
    text: '# TYPE calls_total counter\ncalls_total -3\n',
    kind: 'type',
    line: 2,
    formatError: false,
  },
  {
    name: 'gauge ending in _total',
    text: '# TYPE calls_total gauge\ncalls_total 3\n',
    kind: 'type',
    line: 1,
    formatError: false,
  },
  {
    name: 'cardinality',
    text: `# TYPE hits_total counter\n${Array.from({ length: 250 }, (_, i) => `hits_total{path="/p${i}",method="GET"} 1`).join('\n')}\n`,
    kind: 'cardinality',
    line: 1,
    formatError: false,
  },
];

describe('sidetone lint', () => {
  it.each(BAD)('$name: a $kind finding on line $line, and promtool agrees on the format', ({
    text,
    kind,
    line,
    formatError,
  }) => {
    const r = lintExposition(text, 'text');
    expect(
      r.findings.some((f) => f.kind === kind && f.line === line),
      JSON.stringify(r.findings),
    ).toBe(true);
    expect(r.findings.some((f) => f.kind === 'format')).toBe(formatError);
    // promtool exits 1 on a parse error (3 is its own lint).
    expect(promtoolCheck(text).status === 1).toBe(formatError);
  });

  it('never repeats the PII it found', () => {
    const r = lintExposition('a{to="+44 7700 900123"} 1\n', 'text');
    expect(JSON.stringify(r)).not.toContain('7700');
  });

  it('names the label driving cardinality', () => {
    const [f] = lintExposition(BAD.at(-1)?.text ?? '', 'text').findings;
    expect(f?.message).toBe(
      'hits_total has 250 series (limit 200), driven by path (250 values), method (1 values)',
    );
  });

  it("is clean on sidetone's own output in both formats, which promtool also accepts", async () => {
    const { emit, registry } = setup();
    emit(Object.values(FIXTURES).flat());
    for (const format of ['prometheus', 'openmetrics'] as const) {
      const text = await registry.metrics(format);
      const as = format === 'prometheus' ? 'text' : 'openmetrics';
      expect(sniffFormat(text)).toBe(as);
      const r = lintExposition(text, as);
      expect(r.findings).toEqual([]);
      expect(r.series).toBeGreaterThan(500);
      if (format === 'prometheus') expect(promtoolCheck(text)).toEqual({ status: 0, output: '' });
    }
  });

  it('OpenMetrics rules: # EOF required and last, no blank lines, families contiguous', () => {
    const errs = (t: string) =>
      parseExposition(t, 'openmetrics')
        .issues.filter((e) => e.kind === 'format')
        .map((e) => `${e.line}:${e.column}: ${e.message}`);
    expect(errs('# TYPE a counter\na_total 1\n# EOF\n')).toEqual([]);
    expect(errs('# TYPE a counter\na_total 1\n')).toEqual([
      '2:1: no # EOF at the end: an OpenMetrics exposition ends with the line # EOF',
    ]);
    expect(errs('# TYPE a gauge\na 1\n\n# EOF\n')).toEqual(['3:1: an empty line (OpenMetrics allows none)']);
    expect(errs('# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x="1"} 2\n# EOF\n')[0]).toMatch(
      /^5:1: family a appears again \(it began on line 1\)/,
    );
    expect(errs('# TYPE a_seconds gauge\n# UNIT a_seconds bytes\na_seconds 1\n# EOF\n')).toEqual([
      '2:18: unit bytes must end the family name: a_seconds_bytes, not a_seconds',
    ]);
  });

  it('never throws on arbitrary input, and every format error has a line in range', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom(
            'a',
            '_',
            '{',
            '}',
            '"',
            '=',
            ',',
            ' ',
            '1',
            '.',
            '#',
            '\n',
            '\\',
            'TYPE',
            'x',
          ),
        }),
        (text) => {
          for (const format of ['text', 'openmetrics'] as const) {
            const r = lintExposition(text, format);
            const lines = text.split('\n').length;
            for (const e of r.findings) if (e.line !== undefined) expect(e.line).toBeLessThanOrEqual(lines);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('CLI: exit 0 clean, 1 findings, 2 usage; --json', async () => {
    const clean = join(dir, 'clean.txt');
    const bad = join(dir, 'bad.txt');
    writeFileSync(clean, '# HELP a_seconds A\n# TYPE a_seconds gauge\na_seconds 1\n');
    writeFileSync(bad, BAD[0]?.text ?? '');
    expect((await run(['lint', clean])).code).toBe(0);
    const r = await run(['lint', bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${bad}:1:4: format: expected = after the label name x, found "}"`);
    const j = await run(['lint', bad, '--json']);
    expect(JSON.parse(j.stdout)).toMatchObject({
      format: 'text',
      valid: false,
      findings: [{ kind: 'format', line: 1, column: 4 }],
    });
    expect((await run(['lint'])).code).toBe(2);
    expect((await run(['lint', clean, '--format', 'xml'])).code).toBe(2);
    const missing = await run(['lint', join(dir, 'nope.txt')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file');
  });

  it('--prefix: a family outside it is a naming finding, the conventional runtime families are not', () => {
    const text = [
      '# TYPE callstack_sms_received_total counter',
      'callstack_sms_received_total 1',
      '# TYPE sidetone_ready gauge',
      'sidetone_ready 1',
      '# TYPE process_cpu_seconds_total counter',
      'process_cpu_seconds_total 1',
      '# TYPE nodejs_heap_size_used_bytes gauge',
      'nodejs_heap_size_used_bytes 1',
      '# TYPE system_disk_free_bytes gauge',
      'system_disk_free_bytes{path="/"} 1',
      '',
    ].join('\n');
    expect(lintExposition(text, 'text').findings).toEqual([]);
    const r = lintExposition(text, 'text', { prefix: 'callstack' });
    expect(r.findings.map((f) => [f.kind, f.family, f.line])).toEqual([['naming', 'sidetone_ready', 3]]);
  });

  it('CLI: reads protobuf (sniffed from the file), and names a broken frame by message and byte', async () => {
    const r = new Registry();
    r.counter({ name: 'calls_total', help: 'Calls', labels: ['trunk'] })
      .labels({ trunk: 'a' })
      .inc(3);
    const pb = join(dir, 'scrape.pb');
    writeFileSync(pb, encodeProtobuf(r.snapshot()));
    const ok = await run(['lint', pb, '--json']);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      format: 'protobuf',
      valid: true,
      formatFrom: 'file shape',
    });
    // A truncated last frame: the length prefix promises more bytes than there are.
    const bytes = encodeProtobuf(r.snapshot());
    const cut = join(dir, 'cut.pb');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 3));
    const bad = await run(['lint', cut, '--format', 'protobuf']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(
      /cut\.pb message \d+ \(byte \d+\): format: message \d+ is not a delimited MetricFamily/,
    );
  });

  it('CLI on a running `sidetone demo`: negotiates OpenMetrics like a scrape and is clean', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const demo = await startCli(
      ['demo', '--port', String(port), '--db', join(dir, 'demo.db'), '--rate', '20'],
      url,
    );
    try {
      // The demo's traffic has made its series (was a fixed 2 s): more than the 500 asserted below.
      await until(async () => {
        const text = await (await fetch(`${url}/metrics`)).text();
        return text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length > 500;
      }, 'the demo to expose 500 series');
      const r = await run(['lint', `${url}/metrics`, '--json']);
      const report = JSON.parse(r.stdout) as {
        format: string;
        formatFrom: string;
        findings: unknown[];
        series: number;
      };
      expect(report.format).toBe('openmetrics');
      expect(report.formatFrom).toContain('application/openmetrics-text');
      expect(report.findings).toEqual([]);
      expect(report.series).toBeGreaterThan(500);
      expect(r.code).toBe(0);
    } finally {
      demo.child.kill('SIGTERM');
      await demo.exited;
    }
  }, 60_000);
});
