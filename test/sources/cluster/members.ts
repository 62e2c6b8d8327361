// The cluster's e2e setup (issue 53), shared by its tests: Debian's `nats-server -js`, three
// `sidetone serve` members on one PostgreSQL store, and what the tests read back (each call's stored
// record, the dedupe log, the partitions a member owns, /readyz).
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { type FailingCheck, failingChecks } from '../../helpers/problems.js';
import { freePort } from '../../helpers/prometheus.js';
import { type Cli, startCli } from '../../helpers/spawn.js';
import { bound, until } from '../../helpers/until.js';
import { freeUdpPort } from '../hep/helpers.js';

/** A `nats-server -js` keeping its stream in `dir`; `start` again after `stop` on the same port and store. */
export interface Nats {
  url: string;
  port: number;
  start(): Promise<void>;
  /** SIGTERM (the default) or SIGKILL, and wait for its exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Debian's nats-server with JetStream on a free port, its store under `dir`, once it listens.
 * @example const nats = await startNats(dir); ...; await nats.stop();
 */
export async function startNats(dir: string): Promise<Nats> {
  const port = await freePort();
  let proc: ChildProcess | undefined;
  const nats: Nats = {
    url: `nats://127.0.0.1:${port}`,
    port,
    async start() {
      const p = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', join(dir, 'js')], {
        stdio: 'ignore',
      });
      proc = p;
      await until(() => {
        if (p.exitCode !== null) throw new Error(`nats-server exited ${p.exitCode}`);
        return bound(port, 'tcp');
      }, 'nats-server to listen');
    },
    async stop(signal = 'SIGTERM') {
      const p = proc;
      if (p === undefined || p.exitCode !== null || p.signalCode !== null) return;
      const exited = new Promise((r) => p.once('exit', r));
      p.kill(signal);
      await exited;
    },
  };
  await nats.start();
  return nats;
}

/** The environment every sidecar of these tests runs with (the single one and the members). */
export const BASE_ENV = {
  SIDETONE_STORE_HASH_KEY: 'cluster-test-hash-key-0123456789',
};

/** A sidecar under test: its HTTP port, its HEP (UDP) port, its process. */
export interface Sidecar {
  id: string;
  port: number;
  hep: number;
  base: string;
  cli: Cli;
}

/**
 * `sidetone serve` on `storeUrl` with a HEP listener, once it answers HTTP (ready or not: the caller
 * waits for what it needs); a cluster member when `cluster` is given.
 * @example const one = await startSidecar('single', pgUrl, env);
 */
export async function startSidecar(
  id: string,
  storeUrl: string,
  env: Record<string, string>,
  cluster?: { natsUrl: string; partitions: number },
): Promise<Sidecar> {
  const port = await freePort();
  const hep = await freeUdpPort();
  const base = `http://127.0.0.1:${port}`;
  const cli = await startCli(
    ['serve', '--port', String(port), '--store', storeUrl, '--hep', `udp://127.0.0.1:${hep}`],
    base,
    {
      ...BASE_ENV,
      ...env,
      ...(cluster !== undefined && {
        SIDETONE_CLUSTER_NATS_URL: cluster.natsUrl,
        SIDETONE_CLUSTER_NODE_ID: id,
        SIDETONE_CLUSTER_PARTITIONS: String(cluster.partitions),
        SIDETONE_STORE_INSTANCE: id,
      }),
    },
  );
  return { id, port, hep, base, cli };
}

/**
 * Three members `a`, `b`, `c` started at once, each ready with a share of the partitions. Each is
 * put in `started` as it starts, so the caller stops them whatever fails after.
 */
export async function startMembers(
  storeUrl: string,
  env: Record<string, string>,
  cluster: { natsUrl: string; partitions: number },
  started: Sidecar[],
): Promise<Sidecar[]> {
  const members = await Promise.all(
    ['a', 'b', 'c'].map(async (id) => {
      const m = await startSidecar(id, storeUrl, env, cluster);
      started.push(m);
      return m;
    }),
  );
  for (const m of members)
    await until(async () => {
      const r = await fetch(`${m.base}/readyz`);
      // Not ready yet: the answer and the output so far are the timeout's message.
      if (r.status !== 200) throw new Error(`${r.status} ${await r.text()}\n${m.cli.output().slice(-2000)}`);
      return true;
    }, `${m.id} ready`);
  await until(
    async () => (await Promise.all(members.map(owned))).every((n) => n > 0),
    'every member owns a share',
  );
  return members;
}

/** SIGTERM every sidecar still running, and wait for each. */
export async function stopAll(sidecars: readonly Sidecar[]): Promise<void> {
  for (const s of sidecars) s.cli.child.kill('SIGTERM');
  await Promise.all(sidecars.map((s) => s.cli.exited));
}

/** The sum of a metric's series in an exposition. */
export const metricSum = (text: string, name: string): number =>
  [...text.matchAll(new RegExp(`^${name}\\{[^}]*\\} (\\d+)`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);

/** How many partitions a member owns, from its /metrics. */
export async function owned(m: Pick<Sidecar, 'base'>): Promise<number> {
  return metricSum(await (await fetch(`${m.base}/metrics`)).text(), 'sidetone_cluster_partition_owned');
}

/** /readyz: its status, the cluster check's detail, and every critical check that does not pass. */
export async function readyz(
  m: Pick<Sidecar, 'base'>,
): Promise<{ status: number; cluster: string; failing: FailingCheck[] }> {
  const r = await fetch(`${m.base}/readyz`);
  const text = await r.text();
  const c = (JSON.parse(text) as { checks: Record<string, { status: string; detail: string }> }).checks
    .cluster;
  return {
    status: r.status,
    cluster: `${c?.status ?? ''}: ${c?.detail ?? ''}`,
    failing: failingChecks(text),
  };
}

/** Every call's stored record as JSON by Call-ID (outcome, codes and times: what every RFC 6076 KPI is made of). */
export async function rows(url: string): Promise<Map<string, string>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query(
      `SELECT call_id, status, kpi, sip_code, end_status, started_at, ringing_at, answered_at, ended_at,
              pdd_ms, talk_ms, closed_by_cleanup FROM calls`,
    );
    return new Map(r.rows.map((row) => [row.call_id as string, JSON.stringify(row)]));
  } finally {
    await c.end();
  }
}

/** The store's dedupe log of event ids: rows and distinct keys. */
export async function eventIds(url: string): Promise<{ n: number; distinct: number }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query('SELECT count(*)::int AS n, count(DISTINCT key)::int AS distinct FROM event_ids');
    return r.rows[0] as { n: number; distinct: number };
  } finally {
    await c.end();
  }
}
