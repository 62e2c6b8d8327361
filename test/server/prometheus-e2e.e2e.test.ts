import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, SHARED_SCRAPE_BEARER, sharedPrometheus } from '../helpers/prometheus.js';
import { promtoolCheck } from '../helpers/promtool.js';
import { startCli } from '../helpers/spawn.js';

// The token the run's shared Prometheus sends (test/setup/e2e-global.ts).
const TOKEN = SHARED_SCRAPE_BEARER;

// `sidetone demo` as a user runs it, scraped by a real Prometheus with a bearer token.
describe('a real Prometheus scrapes `sidetone demo`', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sidetone-e2e-'));
  let demo: Awaited<ReturnType<typeof startCli>>;
  let prom: ReturnType<typeof sharedPrometheus>;
  let url: string;

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    demo = await startCli(
      ['demo', '--port', String(port), '--db', join(dir, 'demo.db'), '--seed', '3', '--rate', '20'],
      url,
      { SIDETONE_AUTH_SCRAPE_TOKENS: TOKEN },
    );
    prom = sharedPrometheus([{ name: 'sidetone', target: `127.0.0.1:${port}`, bearer: TOKEN }]);
  }, 60_000);

  afterAll(async () => {
    await prom?.stop();
    demo?.child.kill('SIGTERM');
    await demo?.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  it('the target is up, over auth, in OpenMetrics (Prometheus asks for it first)', async () => {
    // A scrape past the shared server's 900 ms timeout is the host's load, not the target (run 32,
    // the unit suite beside the e2e files: "context deadline exceeded" on the first scrape): the
    // next scrape decides. Any other answer (a refused token, a format Prometheus cannot parse) is
    // the verdict as it comes.
    const t = await prom.waitFor(async () => {
      const [x] = await prom.targets();
      if (x === undefined || x.health === 'unknown') return undefined;
      return x.lastError.includes('context deadline exceeded') ? undefined : x;
    }, 'a scrape that did not time out');
    expect(t).toMatchObject({ health: 'up', lastError: '' });
    const unauthorised = await fetch(`${url}/metrics`);
    expect(unauthorised.status).toBe(401);
  });

  it('sidetone series exist and counters increase between scrapes', async () => {
    const series = await prom.waitFor(async () => {
      const r = await prom.query(`count({__name__=~"sidetone_.+",job="${prom.job('sidetone')}"})`);
      return r.length > 0 && Number(r[0]?.value[1]) > 100 ? Number(r[0]?.value[1]) : undefined;
    }, 'sidetone series');
    expect(series).toBeGreaterThan(100);
    const sum = async () =>
      Number(
        (await prom.query(`sum(sidetone_call_attempts_total{job="${prom.job('sidetone')}"})`))[0]?.value[1] ??
          0,
      );
    const first = await prom.waitFor(async () => ((await sum()) > 0 ? sum() : undefined), 'call attempts');
    const later = await prom.waitFor(async () => {
      const v = await sum();
      return v > first ? v : undefined;
    }, 'call attempts to grow');
    expect(later).toBeGreaterThan(first);
  });

  it('the documented ASR expression evaluates to a percentage per trunk', async () => {
    const asr = await prom.waitFor(
      async () => {
        const r = await prom.query(
          // The `other` trunk has pre-bound zero series and no traffic: its ratio is 0/0 (NaN).
          `100 * sum by (trunk) (increase(sidetone_call_answered_total{trunk!="other",job="${prom.job('sidetone')}"}[1m])) / sum by (trunk) (increase(sidetone_call_attempts_total{trunk!="other",job="${prom.job('sidetone')}"}[1m]))`,
        );
        return r.length === 2 && r.every((s) => Number(s.value[1]) > 0) ? r : undefined;
      },
      'ASR per trunk',
      40_000,
    );
    for (const s of asr) {
      expect(['trunk-a', 'trunk-b']).toContain(s.metric.trunk);
      expect(Number(s.value[1])).toBeGreaterThanOrEqual(0);
      expect(Number(s.value[1])).toBeLessThanOrEqual(100);
    }
  }, 60_000);

  it('the live output passes promtool', async () => {
    const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const check = promtoolCheck(await res.text());
    expect(check.output).toBe('');
    expect(check.status).toBe(0);
  });

  it('no PII from the simulated traffic reaches the exposition', async () => {
    const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const text = await res.text();
    // The simulator's numbers are all +1555xxxxxxx and its call ids end in @sim.invalid. A number
    // stands on its own: digits inside a float sample (0.04015551234567) are not one (a run failed
    // on such a sum).
    expect(text).not.toMatch(/(?<![\d.])1555\d{7}(?!\d)/);
    expect(text).not.toContain('sim.invalid');
    expect(text).not.toContain('356938035643809');
  });
});
