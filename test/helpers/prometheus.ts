import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { timeFactor } from '../setup/time-factor.js';

/** A free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

export interface ScrapeJob {
  name: string;
  target: string; // host:port
  /** More targets in the same job (one job, several instances). */
  more?: string[];
  path?: string;
  bearer?: string;
}

/**
 * A real Prometheus (Debian's package) on loopback with a temporary config and data dir, scraping
 * the given jobs every second. Stop it with `stop()`.
 */
export async function startPrometheus(
  jobs: ScrapeJob[],
  /**
   * Rule files (contents) to load, evaluated every second, and an Alertmanager (host:port) to send
   * to; `scrapeSeconds` scrapes less often with a timeout of most of it (default 1 s, 900 ms).
   */
  alerting: { rules?: string; alertmanager?: string; scrapeSeconds?: number } = {},
  /** More command-line flags, e.g. `--enable-feature=exemplar-storage`. */
  flags: readonly string[] = [],
): Promise<{
  url: string;
  query(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  targets(): Promise<Array<{ job: string; health: string; lastError: string }>>;
  waitFor<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'sidetone-prom-'));
  const port = await freePort();
  const config = [
    'global:',
    `  scrape_interval: ${alerting.scrapeSeconds ?? 1}s`,
    `  scrape_timeout: ${Math.round((alerting.scrapeSeconds ?? 1) * 900)}ms`,
    '  evaluation_interval: 1s',
    ...(alerting.rules === undefined ? [] : ['rule_files:', `  - ${join(dir, 'rules.yml')}`]),
    ...(alerting.alertmanager === undefined
      ? []
      : [
          'alerting:',
          '  alertmanagers:',
          '    - static_configs:',
          `        - targets: ['${alerting.alertmanager}']`,
        ]),
    'scrape_configs:',
    ...jobs.flatMap((j) => [
      `  - job_name: ${j.name}`,
      `    metrics_path: ${j.path ?? '/metrics'}`,
      ...(j.bearer ? ['    authorization:', `      credentials: ${j.bearer}`] : []),
      '    static_configs:',
      `      - targets: [${[j.target, ...(j.more ?? [])].map((t) => `'${t}'`).join(', ')}]`,
    ]),
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), config);
  if (alerting.rules !== undefined) writeFileSync(join(dir, 'rules.yml'), alerting.rules);
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
      ...flags,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const url = `http://127.0.0.1:${port}`;
  const api = async (path: string) => {
    const res = await fetch(`${url}${path}`);
    const body = (await res.json()) as { status: string; data: unknown; error?: string };
    if (body.status !== 'success') throw new Error(`prometheus ${path}: ${body.error}`);
    return body.data;
  };
  const waitFor = async <T>(
    fn: () => Promise<T | undefined>,
    what: string,
    timeoutMs = 20_000,
  ): Promise<T> => {
    const end = Date.now() + timeoutMs * timeFactor();
    let last: unknown;
    while (Date.now() < end) {
      if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}): ${stderr}`);
      try {
        const v = await fn();
        if (v !== undefined) return v;
      } catch (e) {
        last = e;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(
      `timed out waiting for ${what}${last ? `: ${String(last)}` : ''}\nprometheus stderr: ${stderr}`,
    );
  };
  await waitFor(
    async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined),
    'prometheus to be ready',
  );
  return {
    url,
    waitFor,
    query: async (expr) =>
      ((await api(`/api/v1/query?query=${encodeURIComponent(expr)}`)) as { result: never[] }).result,
    targets: async () =>
      (
        (await api('/api/v1/targets')) as {
          activeTargets: Array<{ labels: { job: string }; health: string; lastError: string }>;
        }
      ).activeTargets.map((t) => ({ job: t.labels.job, health: t.health, lastError: t.lastError })),
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One sample of a running sidecar's `/metrics` (`name{labels}` exactly as exposed), or undefined. */
export async function scrapeSample(url: string, series: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
