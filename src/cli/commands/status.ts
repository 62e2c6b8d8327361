import { defineCommand } from '../args.js';
import { JSON_FLAG, SOURCE_FLAGS } from '../flags.js';
import { fmtNumber, NONE, pairs, type Style } from '../output.js';
import type { Readiness } from '../source.js';
import { openServer, print, printJson, stdoutStyle } from './shared.js';

/** What `sidetone status` reports about a running sidecar. */
export interface StatusReport {
  url: string;
  version: string | null;
  uptimeSeconds: number | null;
  /** Calls in progress now (not zombies): the console's `live.count`, one function for both. */
  activeCalls: number | null;
  readiness: Readiness;
  metrics: { families: number; series: number; selfMetrics: Record<string, number> };
}

/** Self-metrics an operator wants at a glance: data sidetone refused, capped or could not collect. */
const SELF = [
  'series_overflow_total',
  'label_values_redacted_total',
  'samples_dropped_total',
  'collect_errors_total',
];

/**
 * The server's metric prefix (`metrics.prefix`, `callstack` for Callstack users), read from its
 * `<prefix>_build_info{version=...}`: a client cannot know the server's configuration.
 */
function exposedPrefix(text: string): string {
  return BUILD_INFO.exec(text)?.[1] ?? 'sidetone';
}

const BUILD_INFO = /^([a-zA-Z_:][a-zA-Z0-9_:]*)_build_info\{[^}]*\bversion="([^"]*)"/m;

/**
 * The server's version, from its `<prefix>_build_info`: every sidecar exposes it, where liveness
 * carries it only in its own shape (with `health.compat_healthz`, `/healthz` answers readiness in
 * the seed's shape, without a version, and status printed "sidetone ?").
 */
export function exposedVersion(text: string): string | null {
  return BUILD_INFO.exec(text)?.[2] ?? null;
}

/** Families (TYPE lines), series (sample lines) and the sum of each self-metric, from the exposition. */
export function summariseExposition(text: string): StatusReport['metrics'] {
  const prefix = exposedPrefix(text);
  const self = SELF.map((n) => `${prefix}_${n}`);
  let families = 0;
  let series = 0;
  const selfMetrics: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) families++;
    if (line === '' || line.startsWith('#')) continue;
    series++;
    const name = line.slice(0, line.search(/[{ ]/));
    if (self.includes(name))
      selfMetrics[name] = (selfMetrics[name] ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  for (const n of self) selfMetrics[n] ??= 0;
  return { families, series, selfMetrics };
}

function render(r: StatusReport, style: Style): string {
  const failing = Object.entries(r.readiness.checks).filter(([, c]) => c.status !== 'pass');
  const ready = r.readiness.status === 'ready' ? style.green('ready') : style.red('degraded');
  const uptime = r.uptimeSeconds === null ? NONE : `${fmtNumber(Math.round(r.uptimeSeconds))} s`;
  return (
    `${style.bold(`sidetone ${r.version ?? '?'}`)} at ${r.url}: ${ready}\n` +
    pairs(
      [
        ['uptime', uptime],
        ['active calls', r.activeCalls === null ? NONE : fmtNumber(r.activeCalls)],
        [
          'checks',
          failing.length === 0
            ? `all ${Object.keys(r.readiness.checks).length} pass`
            : failing.map(([n, c]) => `${n} ${c.status}${c.critical ? ' (critical)' : ''}`).join(', '),
        ],
        ['metrics', `${fmtNumber(r.metrics.series)} series in ${fmtNumber(r.metrics.families)} families`],
        ...Object.entries(r.metrics.selfMetrics).map(
          ([n, v]) => [SELF.find((s) => n.endsWith(`_${s}`)) ?? n, fmtNumber(v)] as [string, string],
        ),
      ],
      style,
    )
  );
}

export default defineCommand({
  description:
    "One screen on a running sidecar: version, uptime, calls in progress, readiness checks, series and families exposed, and the self-metrics that count refused, capped or uncollected data. Exit 0 when it answers (readiness is the health verb's business), 1 when it does not.",
  usage: 'sidetone status [--url URL] [--token T] [--json]',
  flags: { ...SOURCE_FLAGS, ...JSON_FLAG },
  examples: ['sidetone status', 'sidetone status --url http://pi.local:9464 --json'],
  async run({ flags }) {
    const server = await openServer(flags);
    try {
      const [live, health, exposition, console] = await Promise.all([
        server.liveness(),
        server.health(),
        server.metrics(),
        server.console('1h'),
      ]);
      const num = (v: unknown) => (typeof v === 'number' ? v : null);
      const report: StatusReport = {
        url: server.where,
        version: exposedVersion(exposition) ?? (typeof live.version === 'string' ? live.version : null),
        uptimeSeconds: num(live.uptime_seconds),
        // A server without the console API (an older sidetone) still says it on liveness.
        activeCalls: console === undefined ? num(live.active_calls) : console.live.count,
        readiness: health.readiness as Readiness,
        metrics: summariseExposition(exposition),
      };
      if (flags.json) printJson(report);
      else print(render(report, stdoutStyle()));
    } finally {
      await server.close();
    }
    return 0;
  },
});
