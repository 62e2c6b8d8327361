import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { timeFactor } from '../setup/time-factor.js';
import { freePort } from './prometheus.js';

/** Raw samples of one series as a receiver stored them: [timestamp ms, value]. */
export type Samples = Array<[number, number]>;

/**
 * A real remote-write receiver (Debian's `prometheus` with its receiver enabled, or
 * `victoria-metrics`) on a free loopback port and a temp dir, which can be stopped and started
 * again on the same port and data, as an outage would. A missing binary fails the test.
 */
export interface Receiver {
  kind: 'prometheus' | 'victoria-metrics';
  writeUrl: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Every stored sample of the series matching `selector` (a metric name and labels). */
  samples(metric: string): Promise<Samples>;
  close(): Promise<void>;
}

export async function startReceiver(kind: Receiver['kind']): Promise<Receiver> {
  const dir = mkdtempSync(join(tmpdir(), `sidetone-${kind}-`));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let stderr = '';
  const args =
    kind === 'prometheus'
      ? (() => {
          writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1m\n');
          return [
            `--config.file=${join(dir, 'prometheus.yml')}`,
            `--storage.tsdb.path=${join(dir, 'data')}`,
            `--web.listen-address=127.0.0.1:${port}`,
            '--web.enable-remote-write-receiver',
            '--log.level=warn',
          ];
        })()
      : [
          `-storageDataPath=${join(dir, 'data')}`,
          `-httpListenAddr=127.0.0.1:${port}`,
          '-loggerLevel=ERROR',
          '-search.latencyOffset=0s',
        ];
  const start = async () => {
    stderr = '';
    const c = spawn(kind, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child = c;
    c.stderr?.on('data', (d) => {
      stderr += String(d);
    });
    const spawned = new Promise<void>((resolve, reject) => {
      c.once('error', (err) =>
        reject(new Error(`${kind} is not installed (scripts/system-deps.sh): ${err.message}`)),
      );
      c.once('spawn', () => resolve());
    });
    await spawned;
    const ready = kind === 'prometheus' ? `${base}/-/ready` : `${base}/health`;
    const end = Date.now() + 30_000 * timeFactor();
    for (;;) {
      if (c.exitCode !== null) throw new Error(`${kind} exited ${c.exitCode}: ${stderr}`);
      try {
        if ((await fetch(ready)).ok) return;
      } catch {}
      if (Date.now() > end) throw new Error(`${kind} not ready after 30 s: ${stderr}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const stop = async () => {
    const c = child;
    if (c === undefined || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    kind,
    writeUrl: kind === 'prometheus' ? `${base}/api/v1/write` : `${base}/api/v1/write`,
    start,
    stop,
    async samples(metric) {
      if (kind === 'prometheus') {
        const q = encodeURIComponent(`${metric}[1h]`);
        const res = await fetch(`${base}/api/v1/query?query=${q}&time=${Date.now() / 1000 + 60}`);
        const body = (await res.json()) as {
          data: { result: Array<{ values: Array<[number, string]> }> };
        };
        return (body.data.result[0]?.values ?? []).map(([t, v]) => [Math.round(t * 1000), Number(v)]);
      }
      const res = await fetch(`${base}/api/v1/export?match[]=${encodeURIComponent(metric)}`);
      const text = await res.text();
      const out: Samples = [];
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        const row = JSON.parse(line) as { values: number[]; timestamps: number[] };
        row.timestamps.forEach((t, i) => {
          out.push([t, row.values[i] as number]);
        });
      }
      return out.sort((a, b) => a[0] - b[0]);
    },
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
