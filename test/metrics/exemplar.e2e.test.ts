import { createServer, type Server } from 'node:http';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Registry } from '../../src/metrics/index.js';
import { renderSnapshot } from '../../src/metrics/snapshot.js';
import { freePort, startPrometheus } from '../helpers/prometheus.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

function registry() {
  const r = new Registry();
  const calls = r.counter({ name: 'calls_total', help: 'Calls', labels: ['trunk'] });
  const pdd = r.histogram({ name: 'pdd_seconds', help: 'PDD', unit: 'seconds', buckets: [1, 2.5] });
  return { r, calls, pdd };
}

// The end-to-end test starts its own Prometheus, not the run's shared one (issue 48): the
// exemplar-storage flag is under test.
describe('exemplars', () => {
  it('appear in OpenMetrics on the counter and on the bucket that took the value, never in text 0.0.4', () => {
    vi.useFakeTimers({ now: 1_700_000_000_250, toFake: ['Date'] });
    try {
      const { r, calls, pdd } = registry();
      calls.labels({ trunk: 'a' }).inc(2, { trace_id: TRACE, span_id: SPAN });
      pdd.observe(0.5);
      pdd.observe(1.7, { trace_id: TRACE });
      const om = r.render('openmetrics');
      expect(om).toContain(
        `calls_total{trunk="a"} 2 # {trace_id="${TRACE}",span_id="${SPAN}"} 2 1700000000.25\n`,
      );
      expect(om).toContain('pdd_seconds_bucket{le="1.0"} 1\n');
      expect(om).toContain(`pdd_seconds_bucket{le="2.5"} 2 # {trace_id="${TRACE}"} 1.7 1700000000.25\n`);
      expect(om).toContain('pdd_seconds_bucket{le="+Inf"} 2\n');
      expect(r.render('prometheus')).not.toContain(' # ');
      // The snapshot carries them, and its writer agrees byte for byte.
      expect(renderSnapshot(r.snapshot(), 'openmetrics')).toBe(om);
      expect(renderSnapshot(r.snapshot(), 'prometheus')).toBe(r.render('prometheus'));
    } finally {
      vi.useRealTimers();
    }
  });

  it('an exemplar that cannot be shown is dropped and counted; the sample is kept', () => {
    const { r, calls, pdd } = registry();
    const bad: Array<Record<string, string>> = [
      { trace_id: 'not-hex' },
      { caller: '+15551234567' },
      { 'bad-name': 'x' },
      { note: 'x'.repeat(130) },
    ];
    for (const e of bad) calls.labels({ trunk: 'a' }).inc(1, e);
    pdd.observe(0.2, { user: 'alice@example.com' });
    const om = r.render('openmetrics');
    expect(om).toContain('calls_total{trunk="a"} 4\n');
    expect(om).toContain('pdd_seconds_count 1\n');
    expect(om).not.toContain('5551234567');
    expect(om).not.toContain('alice');
    expect(om).toContain('sidetone_samples_dropped_total{metric="calls",reason="invalid_exemplar"} 4');
    expect(om).toContain('sidetone_samples_dropped_total{metric="pdd_seconds",reason="invalid_exemplar"} 1');
  });

  it('frozen labels reused for each observation (checked once) give each its own value and time', () => {
    vi.useFakeTimers({ now: 1_700_000_000_000, toFake: ['Date'] });
    try {
      const { r, pdd } = registry();
      const ids = Object.freeze({ trace_id: TRACE, span_id: SPAN });
      pdd.observe(0.5, ids);
      vi.setSystemTime(1_700_000_001_000);
      pdd.observe(2, ids);
      pdd.observe(0.7, ids); // the same bucket as 0.5: the later one is kept
      const om = r.render('openmetrics');
      expect(om).toContain(
        `pdd_seconds_bucket{le="1.0"} 2 # {trace_id="${TRACE}",span_id="${SPAN}"} 0.7 1700000001\n`,
      );
      expect(om).toContain(
        `pdd_seconds_bucket{le="2.5"} 3 # {trace_id="${TRACE}",span_id="${SPAN}"} 2 1700000001\n`,
      );
      expect(renderSnapshot(r.snapshot(), 'openmetrics')).toBe(om);
    } finally {
      vi.useRealTimers();
    }
  });

  it('frozen labels refused once stay refused; labels that can change are checked every time', () => {
    const { r, calls } = registry();
    const pii = Object.freeze({ caller: '+15551234567' });
    calls.labels({ trunk: 'a' }).inc(1, pii);
    calls.labels({ trunk: 'a' }).inc(1, pii);
    // Not frozen: shown while it holds a trace id, refused once PII is put in it.
    const open: Record<string, string> = { trace_id: TRACE };
    calls.labels({ trunk: 'b' }).inc(1, open);
    open.trace_id = '+15551234567';
    calls.labels({ trunk: 'b' }).inc(1, open);
    const om = r.render('openmetrics');
    expect(om).not.toContain('5551234567');
    expect(om).toContain(`calls_total{trunk="b"} 2 # {trace_id="${TRACE}"} 1`);
    expect(om).toContain('sidetone_samples_dropped_total{metric="calls",reason="invalid_exemplar"} 3');
  });

  describe('a real Prometheus with exemplar storage', () => {
    let server: Server | undefined;
    let prom: Awaited<ReturnType<typeof startPrometheus>> | undefined;
    afterAll(async () => {
      await prom?.stop();
      await new Promise((r) => server?.close(r));
    });

    it('stores them from an OpenMetrics scrape (query_exemplars returns the trace id)', async () => {
      const { r, pdd } = registry();
      pdd.observe(1.7, { trace_id: TRACE });
      server = createServer((_req, res) => {
        res.setHeader('content-type', 'application/openmetrics-text; version=1.0.0; charset=utf-8');
        res.end(r.render('openmetrics'));
      });
      const port = await freePort();
      await new Promise<void>((ok) => server?.listen(port, '127.0.0.1', ok));
      prom = await startPrometheus([{ name: 'ex', target: `127.0.0.1:${port}` }], {}, [
        '--enable-feature=exemplar-storage',
      ]);
      const p = prom;
      const found = await p.waitFor(
        async () => {
          const now = Date.now() / 1000;
          const q = encodeURIComponent('pdd_seconds_bucket');
          const body = (await fetch(
            `${p.url}/api/v1/query_exemplars?query=${q}&start=${now - 300}&end=${now + 60}`,
          ).then((res) => res.json())) as {
            data: Array<{
              seriesLabels: Record<string, string>;
              exemplars: Array<{ labels: Record<string, string>; value: string }>;
            }>;
          };
          return body.data.find((s) => s.exemplars.length > 0);
        },
        'an exemplar in Prometheus',
        30_000,
      );
      expect(found.seriesLabels.le).toBe('2.5');
      expect(found.exemplars[0]?.labels).toEqual({ trace_id: TRACE });
      expect(Number(found.exemplars[0]?.value)).toBe(1.7);
      const targets = await p.targets();
      expect(targets.every((t) => t.health === 'up' && t.lastError === '')).toBe(true);
    }, 60_000);
  });
});
