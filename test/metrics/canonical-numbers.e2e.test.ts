/**
 * `le` and `quantile` label values: OpenMetrics 1.0 "Canonical Numbers" (Go's %g of a float64, `.0`
 * appended when there is no `.` or exponent), checked against the spec's own example lists, against
 * Go's strconv itself (Debian's Go, as the Go client test uses it), and through a registry render.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalFloat } from '../../src/lint/numbers.js';
import { formatBound } from '../../src/metrics/format.js';
import { Registry } from '../../src/metrics/index.js';

// OpenMetrics 1.0, "Considerations: Canonical Numbers" (OpenObservability/OpenMetrics,
// specification/OpenMetrics.md at 296468b, Apache-2.0): the renderings exposers SHOULD produce.
const SPEC_QUANTILES = '0.0 0.001 0.002 0.01 0.1 0.9 0.95 0.99 0.999 1.0 1.7 10.0';
const SPEC_POWERS = '1e-10 1e-09 1e-05 0.0001 0.1 1.0 100000.0 1e+06 1e+10';

/** Go's own rendering of each value: strconv.FormatFloat(v, 'g', -1, 64), what client_golang writes. */
function goFormat(values: readonly number[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'sidetone-gofmt-'));
  try {
    writeFileSync(
      join(dir, 'main.go'),
      `package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strconv"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		bits, _ := strconv.ParseUint(in.Text(), 10, 64)
		fmt.Println(strconv.FormatFloat(math.Float64frombits(bits), 'g', -1, 64))
	}
}
`,
    );
    // The exact float64 bits travel, so no decimal parsing on either side can blur the check.
    const bits = values.map((v) => new BigUint64Array(new Float64Array([v]).buffer)[0]?.toString());
    const run = spawnSync('go', ['run', 'main.go'], {
      cwd: dir,
      input: `${bits.join('\n')}\n`,
      encoding: 'utf8',
      env: { ...process.env, GOFLAGS: '-mod=mod', GOPROXY: 'off', GOTOOLCHAIN: 'local', GO111MODULE: 'off' },
      timeout: 120_000,
    });
    expect(run.error, 'go missing: install golang-go (scripts/system-deps.sh)').toBeUndefined();
    expect(run.status, run.stderr).toBe(0);
    return run.stdout.trimEnd().split('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('le and quantile values', () => {
  it("are the spec's example renderings in OpenMetrics", () => {
    for (const list of [SPEC_QUANTILES, SPEC_POWERS]) {
      const texts = list.split(' ');
      expect(texts.map((t) => formatBound(Number(t), true))).toEqual(texts);
    }
  });

  it("are Go's strconv 'g' -1 in text 0.0.4 and that plus .0 in OpenMetrics, for any float64", () => {
    const spec = `${SPEC_QUANTILES} ${SPEC_POWERS}`.split(' ').map(Number);
    const sampled = fc.sample(
      fc.oneof(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.double({ min: 1e-12, max: 1e12, noNaN: true }),
        fc.integer({ min: -1e9, max: 1e9 }).map((n) => n / 1000),
      ),
      { numRuns: 2000, seed: 32 },
    );
    const values = [...spec, -0, 5e-324, Number.MAX_VALUE, 123456.5, 999999, 1e21, 1e-7, ...sampled];
    const go = goFormat(values);
    values.forEach((v, i) => {
      const want = go[i] as string;
      expect(formatBound(v, false), `${v}`).toBe(want);
      expect(formatBound(v, true), `${v}`).toBe(/[.e]|Inf|NaN/.test(want) ? want : `${want}.0`);
      // The lint command's independent reading of the same rule agrees.
      expect(formatBound(v, true)).toBe(canonicalFloat(v));
    });
  }, 150_000);

  it('render canonically for bounds past both switch points (a registry, both formats)', () => {
    const r = new Registry();
    r.histogram({
      name: 'wait_seconds',
      help: 'x',
      unit: 'seconds',
      buckets: [1e-5, 0.0001, 1e5, 1e6],
    }).observe(2e5);
    r.summary({ name: 'size_bytes', help: 'x', unit: 'bytes', percentiles: [0.5, 0.999, 1] }).observe(3);
    const om = r.render('openmetrics');
    const text = r.render('prometheus');
    for (const le of ['1e-05', '0.0001', '100000.0', '1e+06', '+Inf'])
      expect(om).toContain(`wait_seconds_bucket{le="${le}"}`);
    for (const le of ['1e-05', '0.0001', '100000', '1e+06', '+Inf'])
      expect(text).toContain(`wait_seconds_bucket{le="${le}"}`);
    for (const q of ['0.5', '0.999', '1.0']) expect(om).toContain(`size_bytes{quantile="${q}"}`);
    expect(text).toContain('size_bytes{quantile="1"}');
  });
});
