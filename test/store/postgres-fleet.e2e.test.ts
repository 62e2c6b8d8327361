/**
 * Two `sidetone serve` processes (two PBXs) on one PostgreSQL database, scraped by a real
 * Prometheus: the fleet dashboard counts every call once, each instance's view counts its own, and
 * both agree with what Prometheus scraped from the instances.
 */
import { describe, expect, it } from 'vitest';
import { STORE_CHECK } from '../../src/http/health-routes.js';
import { callEvents } from '../helpers/call-events.js';
import { postgresForFile } from '../helpers/postgres.js';
import { freePort, sharedPrometheus } from '../helpers/prometheus.js';
import { startCli } from '../helpers/spawn.js';

const HASH = 'fleet-test-hash-key-0123456789';

const pgServer = postgresForFile();

/** `n` calls for one instance: every third busy (486), the rest answered. */
const calls = (prefix: string, n: number): string =>
  callEvents(
    Array.from({ length: n }, (_, i) => `${prefix}-${i}`),
    (i) => i % 3 !== 0,
  );

interface Dash {
  totals: { calls: { value: number }; answered: { value: number } };
}

describe('a fleet on one PostgreSQL store', () => {
  it('two serve instances: fleet and per-instance dashboards agree with each other and with Prometheus', async () => {
    const instances = ['pbx-east', 'pbx-west'];
    const ports = [await freePort(), await freePort()];
    const urls = ports.map((p) => `http://127.0.0.1:${p}`);
    const procs = await Promise.all(
      instances.map((name, i) =>
        startCli(['serve', '--port', String(ports[i]), '--store', pgServer.url], urls[i]!, {
          SIDETONE_STORE_HASH_KEY: HASH,
          SIDETONE_STORE_INSTANCE: name,
          SIDETONE_PACKS_CALLS: 'true',
        }),
      ),
    );
    const prom = sharedPrometheus([
      { name: 'sidetone', target: `127.0.0.1:${ports[0]}`, more: [`127.0.0.1:${ports[1]}`] },
    ]);
    try {
      expect(procs[0]!.output()).toContain('store postgres://postgres@127.0.0.1');
      const sent = [30, 45];
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${urls[i]}/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson' },
          body: calls(instances[i]!, sent[i]!),
        });
        expect(res.status).toBe(200);
      }
      const dash = async (base: string, query = '') =>
        (await (await fetch(`${base}/metrics/dashboard?hours=1${query}`)).json()) as Dash;
      // Either instance serves the fleet view: every call once.
      for (const base of urls) {
        const fleet = await dash(base);
        expect(fleet.totals.calls.value).toBe(75);
        expect(fleet.totals.answered.value).toBe(20 + 30);
      }
      // Each instance's own view, from either process.
      const east = await dash(urls[1]!, '&instance=pbx-east');
      const west = await dash(urls[0]!, '&instance=pbx-west');
      expect([east.totals.calls.value, west.totals.calls.value]).toEqual(sent);
      expect(east.totals.answered.value + west.totals.answered.value).toBe(50);
      // Prometheus scraped both instances: their attempt counters add up to the fleet's calls,
      // and each instance's counter matches its own store view.
      const perInstance = await prom.waitFor(async () => {
        const r = await prom.query(
          `sum by (instance) (sidetone_call_attempts_total{job="${prom.job('sidetone')}"})`,
        );
        const total = r.reduce((s, x) => s + Number(x.value[1]), 0);
        return r.length === 2 && total === 75 ? r : undefined;
      }, 'both instances scraped with all attempts');
      const byPort = Object.fromEntries(perInstance.map((x) => [x.metric.instance, Number(x.value[1])]));
      expect(byPort[`127.0.0.1:${ports[0]}`]).toBe(east.totals.calls.value);
      expect(byPort[`127.0.0.1:${ports[1]}`]).toBe(west.totals.calls.value);
      // Readiness probes the database.
      const ready = (await (await fetch(`${urls[0]}/readyz`)).json()) as {
        checks: Record<string, { status: string }>;
      };
      expect(ready.checks[STORE_CHECK]?.status).toBe('pass');
    } finally {
      await prom.stop();
      for (const p of procs) p.child.kill('SIGTERM');
      await Promise.all(procs.map((p) => p.exited));
    }
  }, 120_000);
});
