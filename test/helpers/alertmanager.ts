import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { timeFactor } from '../setup/time-factor.js';
import { freePort } from './prometheus.js';

export const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';

/** Alertmanager's flags for a config file, its data under `dir`, its API on 127.0.0.1:`port`. */
export function alertmanagerArgs(config: string, dir: string, port: number): string[] {
  return [
    `--config.file=${config}`,
    `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    // No gossip: a cluster port would be fixed and shared with other tests.
    '--cluster.listen-address=',
    '--log.level=warn',
  ];
}

/** One alert as Alertmanager's webhook receiver posts it. */
export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** When the webhook received it, epoch ms (this test's clock, not a payload field). */
  receivedAt: number;
}

/**
 * A webhook receiver inside the test and a real Alertmanager (Debian's package) routing every
 * alert to it at once (group_wait 1s), resolved ones included. Stop both with `stop()`. The
 * receiver also answers `GET /hook` with everything it received (`{ raw, alerts }`): the run's
 * shared Alertmanager (test/setup/e2e-global.ts) is read that way from other processes.
 */
export async function startAlertmanager(): Promise<{
  /** host:port, for Prometheus's alerting config. */
  address: string;
  /** The webhook receiver's URL. */
  hook: string;
  /** Every payload received so far, raw (for the PII check) and as alerts. */
  raw: string[];
  alerts: WebhookAlert[];
  stop(): Promise<void>;
}> {
  const raw: string[] = [];
  const alerts: WebhookAlert[] = [];
  const hook = createServer((req, res) => {
    if (req.method === 'GET') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ raw, alerts }));
      return;
    }
    let body = '';
    req.on('data', (d) => {
      body += String(d);
    });
    req.on('end', () => {
      raw.push(body);
      const receivedAt = Date.now();
      for (const a of (JSON.parse(body) as { alerts: WebhookAlert[] }).alerts)
        alerts.push({ ...a, receivedAt });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const hookPort = (hook.address() as { port: number }).port;
  const dir = mkdtempSync(join(tmpdir(), 'sidetone-am-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'alertmanager.yml'),
    [
      'route:',
      '  receiver: hook',
      "  group_by: ['alertname', 'instance', 'trunk', 'modem']",
      '  group_wait: 1s',
      '  group_interval: 1s',
      '  repeat_interval: 1h',
      'receivers:',
      '  - name: hook',
      '    webhook_configs:',
      `      - url: http://127.0.0.1:${hookPort}/hook`,
      '        send_resolved: true',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    ALERTMANAGER,
    alertmanagerArgs(join(dir, 'alertmanager.yml'), dir, port),
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('error', (err) =>
      reject(
        new Error(
          `${ALERTMANAGER} could not run (${err.message}): install Debian's prometheus-alertmanager (scripts/system-deps.sh)`,
        ),
      ),
    );
    child.once('spawn', () => resolve());
  });
  await spawned;
  const end = Date.now() + 20_000 * timeFactor();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`alertmanager exited (${child.exitCode}): ${stderr}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/-/ready`)).ok) break;
    } catch {}
    if (Date.now() > end) throw new Error(`alertmanager did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    address: `127.0.0.1:${port}`,
    hook: `http://127.0.0.1:${hookPort}/hook`,
    raw,
    alerts,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await new Promise((r) => hook.close(r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The run's one Alertmanager (test/setup/e2e-global.ts; issue 48), with the same routing as
 * startAlertmanager: `address` for a Prometheus's alerting config; `alerts()` reads what its webhook
 * received since this call, `raw()` every payload of the run (other files' too). Files tell their
 * alerts apart by their own labels (each sidecar's `instance` is a port of its own).
 */
export function sharedAlertmanager(): {
  address: string;
  alerts(): Promise<WebhookAlert[]>;
  raw(): Promise<string[]>;
} {
  const since = Date.now();
  const received = async () =>
    (await (await fetch(inject('alertmanagerHook'))).json()) as { raw: string[]; alerts: WebhookAlert[] };
  return {
    address: inject('alertmanagerAddress'),
    alerts: async () => (await received()).alerts.filter((a) => a.receivedAt >= since),
    raw: async () => (await received()).raw,
  };
}
