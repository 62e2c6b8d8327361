import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../config/load.js';
import { packageRoot } from '../../runtime/package-files.js';
import { sidetoneVersion } from '../../runtime/version.js';
import type { DemoSummary } from '../../server/demo.js';
import { defineCommand, type FlagValues } from '../args.js';
import { configEnv } from '../env.js';
import { CliError, UsageError } from '../errors.js';
import { fmtNumber, fmtTime, pairs, styleFor } from '../output.js';

export const SERVE_FLAGS = {
  config: {
    type: 'string',
    arg: 'FILE',
    help: 'config file (TOML or JSON); SIDETONE_* variables override it',
  },
  port: {
    type: 'int',
    arg: 'N',
    min: 0,
    max: 65_535,
    help: 'listen port (server.port, default 9464; 0 picks a free one)',
  },
  host: { type: 'string', arg: 'HOST', help: 'listen address (server.host, default 127.0.0.1)' },
  db: { type: 'string', arg: 'FILE', help: 'store file (store.path, default sidetone.db)' },
  store: {
    type: 'string',
    arg: 'URL',
    help: 'the call store: postgres://user@host/db for one shared by several instances (store.url), or a file path / sqlite:PATH',
  },
  'remote-write': {
    type: 'string',
    arg: 'URL',
    help: 'push metrics with Prometheus remote-write to URL (push.remote_write_url), for hosts nobody can scrape',
  },
  hep: {
    type: 'string',
    arg: 'URL',
    help: 'receive HEP v3 capture, e.g. udp://127.0.0.1:9060 (hep.listen; comma-separated for several)',
  },
  'hep-forward': {
    type: 'string',
    arg: 'URL',
    help: 're-send every received HEP packet unchanged to Homer/heplify, e.g. udp://10.0.0.5:9060 (hep.forward; comma-separated for several)',
  },
  modem: {
    type: 'string',
    arg: 'PATH',
    help: 'read a GSM modem over AT commands, e.g. /dev/ttyUSB2 (modem.path)',
  },
} as const;

/** Flags to config keys; they override the file and the environment. */
const FLAG_KEYS: Record<string, string> = {
  port: 'server.port',
  host: 'server.host',
  db: 'store.path',
  'remote-write': 'push.remote_write_url',
  hep: 'hep.listen',
  'hep-forward': 'hep.forward',
  modem: 'modem.path',
  seed: 'demo.seed',
  rate: 'demo.rate',
  scenario: 'demo.scenario',
};

const DEFAULT_STORE = 'sidetone.db';
/** Where a demo writes unless told otherwise: never the real store. */
export const DEMO_STORE = join(tmpdir(), 'sidetone-demo.db');

/** A listen failure the operator can fix, said as such; anything else is passed on. */
function listenError(err: unknown, host: string, port: number): unknown {
  const code = (err as { code?: string })?.code;
  if (code === 'EADDRINUSE')
    return new CliError(`port ${port} on ${host} is in use: stop the other process or pass --port`);
  if (code === 'EACCES')
    return new CliError(
      `not allowed to listen on ${host}:${port}: use a port above 1023 or run with the needed privilege`,
    );
  if (code === 'EADDRNOTAVAIL')
    return new CliError(`${host} is not an address of this machine: pass --host 127.0.0.1 or 0.0.0.0`);
  return err;
}

/**
 * Resolve the configuration, start the sidecar and wait until it stops. The sidecar owns signal
 * handling (graceful shutdown on SIGINT/SIGTERM), so this only waits on `done`.
 */
export async function runSidecar(
  flags: FlagValues,
  demo: boolean,
  configFlags: Readonly<Record<string, string | boolean>> = {},
): Promise<number> {
  // `--section.key` settings first; the verb's own flags (--port, --db...) win over them.
  const settings: Record<string, unknown> = { ...configFlags };
  for (const [name, path] of Object.entries(FLAG_KEYS)) {
    if (flags[name] !== undefined) settings[path] = flags[name];
  }
  if (typeof flags.backfill === 'string') settings['demo.backfill_hours'] = backfillHours(flags.backfill);
  if (typeof flags.store === 'string') {
    if (/^postgres(ql)?:\/\//.test(flags.store)) settings['store.url'] = flags.store;
    else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(flags.store)) {
      throw new UsageError(
        `--store takes a postgres:// URL or a file (sqlite:PATH), got a ${flags.store.split(':')[0]}: URL`,
      );
    } else settings['store.path'] = flags.store.replace(/^sqlite:/, '');
  }
  const file = typeof flags.config === 'string' ? flags.config : undefined;
  const config = loadConfig({
    ...(file === undefined ? {} : { file }),
    env: configEnv(process.env),
    flags: settings,
  });
  // Simulated calls must not land in the default (real) store: unless a path was chosen, a demo
  // writes to a throwaway file that read verbs can still open with --db.
  if (demo && flags.db === undefined && flags.store === undefined && config.store.path === DEFAULT_STORE) {
    config.store.path = DEMO_STORE;
  }
  // Loaded here, not at the top: read verbs should not pay for the HTTP server and simulator.
  const { startSidecar } = await import('../../server/sidecar.js').catch((err: { code?: string }) => {
    if (err?.code !== 'ERR_MODULE_NOT_FOUND') throw err;
    throw new CliError(
      'this build has no server module (dist/server/sidecar.js): rebuild with `npm run build`',
    );
  });
  const handle = await startSidecar(config, {
    demo,
  }).catch((err: unknown) => {
    throw listenError(err, config.server.host, config.server.port);
  });
  // A server outlives the reader of its stdout (a `| grep` that ended, a supervisor's pipe torn
  // down): the EPIPE exit in main.ts is for read verbs piped into `head`, and would stop the
  // sidecar with status 0, which supervisors do not restart. Log lines go through a destination
  // that drops them once the pipe is gone (src/logs/destination.ts).
  process.stdout.removeAllListeners('error');
  process.stdout.on('error', () => {});
  const base = handle.url.replace(/\/+$/, '');
  // Commands that work as printed: from the checkout `npm start` ran in, npx finds its local bin;
  // anywhere else it would fetch whatever the registry holds under the name, so an installed
  // sidetone says `sidetone`.
  const me = resolve(packageRoot()) === resolve(process.cwd()) ? 'npx sidetone' : 'sidetone';
  const style = styleFor(process.stdout);
  const scenario = config.demo.scenario === undefined ? '' : `, scenario ${config.demo.scenario}`;
  const what = demo ? `demo (seed ${config.demo.seed}, ${config.demo.rate} events/s${scenario})` : 'serving';
  process.stdout.write(
    (handle.demo === undefined || config.demo.backfill_hours === 0
      ? ''
      : `backfilling ${config.demo.backfill_hours} h of simulated history in the background: ${base}${config.health.readiness_path} and the dashboard say how far; ready when it is written\n`) +
      `${style.bold(`sidetone ${sidetoneVersion()}`)} ${what} on ${base}, store ${handle.store}\n` +
      pairs(
        [
          ['metrics', `${base}${config.metrics.path}`],
          ['healthz', `${base}${config.health.liveness_path}`],
          ['readyz', `${base}${config.health.readiness_path}`],
          ...(handle.healthUrl === undefined
            ? []
            : ([
                [
                  'health',
                  `${handle.healthUrl}${config.health.liveness_path}, ${config.health.readiness_path} (health.port)`,
                ],
              ] as const)),
          ['events', `${base}/events (POST)`],
          ['api', `${base}/openapi.json (OpenAPI 3.1: every route, every event schema)`],
          ['dashboard', `${base}/dashboard (web), ${base}/metrics/dashboard (JSON)`],
        ],
        style,
      ) +
      (demo
        ? `try:      ${me} trunks --url ${base}\n          ${me} failures --url ${base}\n          ${me} health --url ${base}\n`
        : '') +
      style.dim('stop with Ctrl-C (graceful; a second Ctrl-C exits at once)\n'),
  );
  // Said once the history is written (or at once without one): what it wrote, when the fault runs.
  void handle.demo?.live.then((summary) => {
    if (!process.stdout.destroyed) process.stdout.write(demoSummary(summary));
  });
  await handle.done;
  return 0;
}

export default defineCommand({
  description:
    'Run the sidecar: Prometheus metrics, health probes, event ingest (POST /events) and the analytics API on a SQLite store. ' +
    'Every configuration key is also a flag: --section.key VALUE, --section.key for true, --no-section.key (docs/config.md).',
  usage:
    'sidetone serve [--config FILE] [--port N] [--host HOST] [--db FILE] [--hep URL] [--hep-forward URL] [--modem PATH] [--remote-write URL] [--section.key VALUE ...]',
  flags: SERVE_FLAGS,
  examples: [
    'sidetone serve --config /etc/sidetone.toml',
    'SIDETONE_STORE_HASH_KEY=$(cat key) sidetone serve --db data/calls.db',
    'sidetone serve --hep udp://127.0.0.1:9060 --modem /dev/ttyUSB2',
    'sidetone serve --config /etc/sidetone.toml --remote-write https://prom.example/api/v1/write',
    'sidetone serve --packs.calls --packs.sip --no-metrics.gzip --labels.trunks trunk-a,trunk-b',
  ],
  configFlags: true,
  run: ({ flags, config }) => runSidecar(flags, false, config),
});

/** The lines a demo prints once it runs live: what the backfill wrote, when the fault runs. */
function demoSummary(demo: DemoSummary): string {
  const lines: string[] = [];
  const b = demo.backfill;
  if (b !== undefined)
    lines.push(
      `backfilled ${b.hours} h of simulated history in ${b.seconds} s: ${fmtNumber(b.calls)} calls, ${fmtNumber(b.sms)} SMS, ${fmtNumber(b.events)} events`,
    );
  const f = demo.fault;
  if (f !== undefined)
    lines.push(
      `scenario ${f.name}: the fault runs live from ${fmtTime(f.start).slice(11)} to ${fmtTime(f.end).slice(11)} UTC (${Math.round((f.end - f.start) / 60_000)} min)`,
    );
  return lines.map((l) => `${l}\n`).join('');
}

/** `--backfill 24h`, `7d`, `90m` or a number of hours, to whole hours (at least one). */
export function backfillHours(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(m|h|d)?$/i.exec(text.trim());
  if (m === null)
    throw new UsageError(`--backfill expects a duration such as 24h, 7d or 90m, got ${JSON.stringify(text)}`);
  const n = Number(m[1]);
  const unit = (m[2] ?? 'h').toLowerCase();
  const hours = Math.ceil(unit === 'd' ? n * 24 : unit === 'm' ? n / 60 : n);
  if (hours < 1 || hours > 24 * 31) {
    throw new UsageError(`--backfill must be between 1 hour and 31 days, got ${JSON.stringify(text)}`);
  }
  return hours;
}
