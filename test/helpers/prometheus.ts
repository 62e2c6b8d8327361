import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
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

/** A Prometheus a test talks to: its HTTP API, and a poll that fails early if the server died. */
export interface Prometheus {
  url: string;
  query(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  targets(): Promise<Array<{ job: string; health: string; lastError: string }>>;
  waitFor<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

/**
 * The bearer token the run's shared Prometheus (test/setup/e2e-global.ts) sends for a ScrapeJob
 * with `bearer`: one scrape config carries it, so a test's sidecar accepts this token.
 */
export const SHARED_SCRAPE_BEARER = 'shared-prometheus-scrape-token-0123456789';

/** The scrape configs of the shared Prometheus: each reads the target files a test writes in its directory. */
const SD_CONFIGS = { plain: {}, bearer: { bearer: SHARED_SCRAPE_BEARER } } as const;

/**
 * A real Prometheus (Debian's package) on loopback with a temporary config and data dir, scraping
 * the given jobs every second. Stop it with `stop()`. `fileSd` (a directory) adds the shared
 * server's file_sd scrape configs (see sharedPrometheus).
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
  fileSd?: string,
): Promise<Prometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'sidetone-prom-'));
  const port = await freePort();
  const scrapeConfig = (name: string, bearer: string | undefined, targets: string[]) => [
    `  - job_name: ${name}`,
    ...(bearer ? ['    authorization:', `      credentials: ${bearer}`] : []),
    ...targets,
  ];
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
    ...jobs.flatMap((j) =>
      scrapeConfig(j.name, j.bearer, [
        `    metrics_path: ${j.path ?? '/metrics'}`,
        '    static_configs:',
        `      - targets: [${[j.target, ...(j.more ?? [])].map((t) => `'${t}'`).join(', ')}]`,
      ]),
    ),
    ...(fileSd === undefined
      ? []
      : Object.entries(SD_CONFIGS).flatMap(([name, c]) => {
          mkdirSync(join(fileSd, name), { recursive: true });
          return scrapeConfig(`sd_${name}`, 'bearer' in c ? c.bearer : undefined, [
            '    file_sd_configs:',
            `      - files: ['${join(fileSd, name, '*.json')}']`,
            // fsnotify sees a new file at once; the re-read is the fallback.
            '        refresh_interval: 1s',
          ]);
        })),
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
  const prom = prometheusApi(url, () =>
    child.exitCode === null ? undefined : `prometheus exited (${child.exitCode}): ${stderr}`,
  );
  await prom.waitFor(
    async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined),
    'prometheus to be ready',
  );
  return {
    ...prom,
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

/** The API of the Prometheus at `url`; `dead()` says why it can no longer answer (undefined while it runs). */
function prometheusApi(url: string, dead: () => string | undefined): Omit<Prometheus, 'stop'> {
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
      const why = dead();
      if (why !== undefined) throw new Error(why);
      try {
        const v = await fn();
        if (v !== undefined) return v;
      } catch (e) {
        last = e;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}\n${dead() ?? ''}`);
  };
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
  };
}

let sharedFiles = 0;

/**
 * The run's one Prometheus (test/setup/e2e-global.ts; issue 48: eleven files started their own),
 * scraping `jobs` every second (timeout 900 ms) as startPrometheus would. Each job gets a job
 * label of its own, `job(name)`, for every query (other files' series are in the same server);
 * `targets()` lists this caller's targets only, under the names it gave. The targets are a
 * file_sd file of the caller's own; `stop()` removes it. Prometheus applies new targets on its
 * 5 s discovery tick, so the first scrape comes 0-10 s after the call, as at a fresh start.
 * A file that tests Prometheus's own flags or rule files starts its own with startPrometheus.
 */
export function sharedPrometheus(jobs: ScrapeJob[]): Prometheus & { job(name: string): string } {
  const url = inject('prometheusUrl');
  const sd = inject('prometheusSd');
  const tag = `f${process.pid}_${++sharedFiles}`;
  const job = (name: string) => {
    if (!jobs.some((j) => j.name === name)) throw new Error(`no job ${name} in this shared Prometheus`);
    return `${name}_${tag}`;
  };
  const files = Object.keys(SD_CONFIGS).map((kind) => {
    const groups = jobs
      .filter((j) => (kind === 'bearer') === (j.bearer !== undefined))
      .map((j) => {
        if (j.bearer !== undefined && j.bearer !== SHARED_SCRAPE_BEARER)
          throw new Error(`the shared Prometheus sends only SHARED_SCRAPE_BEARER, not ${j.bearer}`);
        return {
          targets: [j.target, ...(j.more ?? [])],
          labels: { job: job(j.name), __metrics_path__: j.path ?? '/metrics' },
        };
      });
    const file = join(sd, kind, `${tag}.json`);
    // Written whole, then renamed: Prometheus never reads half a file.
    writeFileSync(`${file}.tmp`, JSON.stringify(groups));
    renameSync(`${file}.tmp`, file);
    return file;
  });
  const own = new Map(jobs.map((j) => [job(j.name), j.name]));
  const prom = prometheusApi(url, () => undefined);
  return {
    ...prom,
    job,
    targets: async () =>
      (await prom.targets()).flatMap((t) => {
        const name = own.get(t.job);
        return name === undefined ? [] : [{ ...t, job: name }];
      }),
    stop: async () => {
      for (const f of files) rmSync(f, { force: true });
    },
  };
}

/** One sample of a running sidecar's `/metrics` (`name{labels}` exactly as exposed), or undefined. */
export async function scrapeSample(url: string, series: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
