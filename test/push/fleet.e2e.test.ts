/**
 * A fleet that pushes (the documented setup for Pis behind NAT): two `sidetone demo` sidecars
 * remote-write to one real receiver, VictoriaMetrics and Prometheus's own. Nothing is scraped.
 * Each keeps its own series (job and instance on every one, the operator's external labels on its
 * own), every shipped dashboard query returns data for each instance when the dashboard's
 * `$instance` variable selects it, and, in Prometheus, the shipped rule file (byte for byte)
 * records KPIs per instance and does not find the job absent.
 *
 * Its own Prometheus, not the run's shared one (issue 48): the remote-write receiver flag and the
 * rule file are under test.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { dashboardQueries } from '../../src/dashboards/render.js';
import { asGrafanaSends } from '../helpers/grafana.js';
import { freePort, startPrometheus } from '../helpers/prometheus.js';
import { startReceiver } from '../helpers/receivers.js';
import { startCli } from '../helpers/spawn.js';
import { until } from '../helpers/until.js';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-push-fleet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const RULES = readFileSync(new URL('../../deploy/prometheus/sidetone-rules.yml', import.meta.url), 'utf8');

/** A matcher for the series the sidecars pushed, leaving out what the receiver's rules record. */
const PUSHED = '__name__!~".+:.+|ALERTS|ALERTS_FOR_STATE"';

type Vector = Array<{ metric: Record<string, string>; value: [number, string] }>;

interface Target {
  base: string;
  query(expr: string): Promise<Vector>;
  close(): Promise<void>;
}

async function receiver(kind: 'victoria-metrics' | 'prometheus'): Promise<Target> {
  if (kind === 'prometheus') {
    // Prometheus's receiver with the shipped rules loaded: they run on pushed samples as on scraped.
    const p = await startPrometheus([], { rules: RULES }, ['--web.enable-remote-write-receiver']);
    return { base: p.url, query: (e) => p.query(e) as Promise<Vector>, close: () => p.stop() };
  }
  const vm = await startReceiver('victoria-metrics');
  const base = vm.writeUrl.replace('/api/v1/write', '');
  return {
    base,
    async query(expr) {
      const body = (await fetch(`${base}/api/v1/query?query=${encodeURIComponent(expr)}`).then((r) =>
        r.json(),
      )) as { status: string; error?: string; data: { result: Vector } };
      if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
      return body.data.result;
    },
    close: () => vm.close(),
  };
}

/** The shared polling helper, every 500 ms, giving up after `ms` (scaled). */
const waitFor = <T>(what: string, fn: () => Promise<T | undefined>, ms = 60_000): Promise<T> =>
  until(fn, what, { timeoutMs: ms, everyMs: 500 });

function partition<T>(xs: readonly T[], f: (x: T) => boolean): [T[], T[]] {
  return [xs.filter(f), xs.filter((x) => !f(x))];
}

// The two receivers side by side: each has its own sidecars, store files and server, and nearly
// all of each case is waiting for the demos' traffic to reach every dashboard query (in a full
// run 39.6 s and 35.5 s one after the other, issue 48). The test context's `expect` names the
// case a failure belongs to.
describe.concurrent.each(['victoria-metrics', 'prometheus'] as const)('a pushing fleet into %s', (kind) => {
  it('two sidecars keep separate series, and every dashboard query returns each of them', async ({
    expect,
  }) => {
    const target = await receiver(kind);
    // The first sidecar takes the defaults (job sidetone, instance = host name); the second is
    // named by the operator and carries an external label.
    const fleet = [
      { instance: hostname(), env: {} as Record<string, string> },
      {
        instance: 'pi-2',
        env: { SIDETONE_PUSH_INSTANCE: 'pi-2', SIDETONE_PUSH_EXTERNAL_LABELS: 'site=kitchen' },
      },
    ];
    const procs: Array<Awaited<ReturnType<typeof startCli>> & { url: string }> = [];
    try {
      for (const [i, f] of fleet.entries()) {
        const port = await freePort();
        const url = `http://127.0.0.1:${port}`;
        const args = ['demo', '--port', String(port), '--db', join(dir, `${kind}-${i}.db`)];
        args.push('--rate', '5', '--scenario', 'leaky-app', '--remote-write', `${target.base}/api/v1/write`);
        procs.push({
          ...(await startCli(args, url, { SIDETONE_PUSH_INTERVAL_SECONDS: '1', ...f.env })),
          url,
        });
      }
      const instances = fleet.map((f) => f.instance);
      const seen = await waitFor('both instances', async () => {
        const r = await target.query('sidetone_build_info');
        return r.length === 2 ? r : undefined;
      });
      expect(seen.map((s) => [s.metric.job, s.metric.instance]).sort()).toEqual(
        instances.map((i) => ['sidetone', i]).sort(),
      );
      // Separate series: each instance's process start time is its own process's.
      for (const [i, p] of procs.entries()) {
        const own = /^process_start_time_seconds (\S+)$/m.exec(
          await (await fetch(`${p.url}/metrics`)).text(),
        );
        const pushed = await target.query(`process_start_time_seconds{instance="${instances[i]}"}`);
        expect(pushed.map((s) => Number(s.value[1]))).toEqual([Number(own?.[1])]);
      }
      // The external label is on every series of the sidecar that set it, and on no other. Only
      // the pushed series: Prometheus's own rules record series per (job, instance) without the
      // operator's labels (`instance_trunk_direction:...`, ALERTS), and once an evaluation had run
      // pi-2 was listed among the unlabelled (the flake of issue 48's full runs, Prometheus only).
      const labelled = await target.query(`count by (instance) ({site="kitchen",${PUSHED}})`);
      expect(labelled.map((s) => s.metric.instance)).toEqual(['pi-2']);
      const unlabelled = await target.query(`count by (instance) ({job="sidetone",site="",${PUSHED}})`);
      expect(unlabelled.map((s) => s.metric.instance)).toEqual([hostname()]);
      // No series of pi-2 without it, asked with one selector. Comparing two counts (pi-2's series
      // against the labelled ones) in one query still disagreed on VictoriaMetrics in 2 of 2 full
      // runs (1,640 through one filter) while the leaky-app demos kept creating series, and passed
      // alone. What is meant is that no series of pi-2 lacks the label: one selector asks exactly that.
      expect(await target.query(`count({job="sidetone",instance="pi-2",site!="kitchen",${PUSHED}})`)).toEqual(
        [],
      );
      // Nothing arrives without an identity.
      expect(await target.query('count({__name__=~".+",job=""})')).toEqual([]);
      expect(await target.query('count({__name__=~".+",instance=""})')).toEqual([]);

      // Every dashboard query, as Grafana sends it with `$instance` set to one instance.
      const empty: string[] = [];
      // Only the alert panels do not select an instance: ALERTS comes from the rule engine.
      const [queries, alertPanels] = partition(dashboardQueries(), (q) => q.expr.includes('$instance'));
      expect(alertPanels.map((q) => q.panel)).toEqual(['Alerts firing', 'Alerts firing by name']);
      expect(queries.length).toBeGreaterThan(30);
      for (const instance of instances) {
        for (const q of queries) {
          const expr = asGrafanaSends(q.expr, { instance });
          const got = await waitFor(
            `${q.panel} on ${instance}`,
            async () => ((await target.query(expr)).length > 0 ? true : undefined),
            40_000,
          ).catch(() => false);
          if (!got) empty.push(`${instance}: ${q.board} / ${q.panel}: ${expr}`);
        }
      }
      expect(empty).toEqual([]);
      // The variables: the instance list has both.
      const variable = await target.query('count by (instance) (sidetone_build_info{job=~"sidetone"})');
      expect(variable.map((s) => s.metric.instance).sort()).toEqual([...instances].sort());

      if (kind === 'prometheus') {
        // The shipped rules group by (job, instance): each pushing instance gets its own KPIs and
        // alerts, and the job is not absent (a scrape's `up` is pushed too).
        const asr = await waitFor('a recorded ASR per instance', async () => {
          const r = await target.query(
            'count by (instance) (instance_trunk_direction:sidetone_call_asr_percent:15m)',
          );
          return r.length === 2 ? r : undefined;
        });
        expect(asr.map((s) => s.metric.instance).sort()).toEqual([...instances].sort());
        // What the label checks above leave out: a recorded series of pi-2 has no `site`.
        expect(
          await target.query(
            'count({__name__="instance_trunk_direction:sidetone_call_asr_percent:15m",instance="pi-2",site=""})',
          ),
        ).toHaveLength(1);
        const alerts = await waitFor('SidetonePiiRedacted on each instance', async () => {
          const r = await target.query('ALERTS{alertname="SidetonePiiRedacted",alertstate="firing"}');
          return new Set(r.map((s) => s.metric.instance)).size === 2 ? r : undefined;
        });
        expect(new Set(alerts.map((s) => s.metric.instance))).toEqual(new Set(instances));
        expect(await target.query('ALERTS{alertname=~"SidetoneAbsent|SidetoneDown"}')).toEqual([]);
        expect((await target.query('up{job="sidetone"}')).map((s) => s.value[1])).toEqual(['1', '1']);
      }
    } finally {
      for (const p of procs) {
        p.child.kill('SIGTERM');
        await p.exited;
      }
      await target.close();
    }
  }, 240_000);
});
