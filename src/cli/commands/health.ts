import { defineCommand } from '../args.js';
import { READ_FLAGS } from '../flags.js';
import { fmtNumber, fmtPercent, fmtTime, NONE, pairs, type Style, table } from '../output.js';
import type { HealthView } from '../source.js';
import { print, printJson, stdoutStyle, withSource } from './shared.js';

function colourStatus(status: string, style: Style): string {
  if (status === 'pass' || status === 'ready' || status === 'ok') return style.green(status);
  if (status === 'fail' || status === 'degraded') return style.red(status);
  return style.yellow(status);
}

export function renderHealth(h: HealthView, style: Style): string {
  const parts: string[] = [];
  if (h.readiness !== null) {
    const checks = Object.entries(h.readiness.checks);
    parts.push(`${style.bold('Readiness')}  ${colourStatus(h.readiness.status, style)}\n`);
    parts.push(
      checks.length === 0
        ? `${style.dim('no checks registered')}\n`
        : table(
            [
              { header: 'CHECK' },
              { header: 'STATUS' },
              { header: 'CRITICAL' },
              { header: 'AGE', align: 'right' },
              { header: 'DETAIL' },
            ],
            checks.map(([name, c]) => [
              name,
              colourStatus(c.status, style),
              c.critical ? 'yes' : 'no',
              c.age_seconds === null ? NONE : `${fmtNumber(c.age_seconds)} s`,
              c.detail,
            ]),
            style,
          ),
    );
  }
  const i = h.indicators;
  parts.push(
    `${style.bold('Call indicators')}  ${colourStatus(i.status, style)} ${style.dim('(warnings only; they never fail readiness)')}\n` +
      pairs(
        [
          ['success rate', `${fmtPercent(i.successRate)} of ${fmtNumber(i.finishedCalls)} finished calls`],
          ...i.ner.trunks.map((t): [string, string] => [
            `NER ${t.trunk}`,
            `${fmtPercent(t.ner)} of ${fmtNumber(t.attempts)} attempts in ${i.ner.windowSeconds / 60} min (warns below ${i.ner.minPercent}%)`,
          ]),
          ['zombie calls', fmtNumber(i.zombieCalls)],
          ['last activity', i.lastActivityAt === null ? NONE : `${fmtTime(i.lastActivityAt)} UTC`],
        ],
        style,
      ),
  );
  parts.push(
    i.warnings.length === 0
      ? `${style.dim('no warnings')}\n`
      : `${i.warnings.map((w) => `${style.yellow('warning')} ${w.code}: ${w.message}`).join('\n')}\n`,
  );
  return parts.join('\n');
}

/** Monitoring-plugin states (Nagios, Icinga, Sensu): the exit code is the state. */
const NAGIOS = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 } as const;
type NagiosState = keyof typeof NAGIOS;

/**
 * One line in the monitoring-plugin format, `SIDETONE STATE - text | perfdata`, and its state:
 * CRITICAL when readiness fails (a critical check not passing: sidetone's 503), WARNING when only
 * non-critical checks or the call indicators complain, OK otherwise.
 */
export function nagiosLine(h: HealthView): { state: NagiosState; line: string } {
  const checks = Object.entries(h.readiness?.checks ?? {});
  const bad = checks.filter(([, c]) => c.status !== 'pass');
  const critical = bad.filter(([, c]) => c.critical);
  const i = h.indicators;
  const state: NagiosState =
    (h.readiness !== null && h.readiness.status !== 'ready') || critical.length > 0
      ? 'CRITICAL'
      : bad.length > 0 || i.status !== 'ok'
        ? 'WARNING'
        : 'OK';
  const why = [
    ...bad.map(([name, c]) => `${name} ${c.status}${c.critical ? '' : ' (non-critical)'}`),
    ...i.warnings.map((w) => w.code),
  ];
  const text =
    state === 'OK'
      ? `ready; ${checks.length} checks pass`
      : `${h.readiness?.status === 'ready' ? 'ready' : 'not ready'}: ${why.join(', ') || 'degraded'}`;
  // Perfdata: 'label'=value[UOM];warn;crit;min;max (monitoring-plugins development guidelines).
  const perf = [
    `'checks_failing'=${bad.length};;1;0;${checks.length}`,
    `'critical_failing'=${critical.length};;1;0;${checks.length}`,
    ...(i.successRate === null ? [] : [`'success_rate'=${i.successRate}%;;;0;100`]),
    // `70:` is the plugin range "warn below 70" (monitoring-plugins guidelines, threshold format).
    ...i.ner.trunks.flatMap((t) =>
      t.ner === null ? [] : [`'ner_${t.trunk}'=${t.ner}%;${i.ner.minPercent}:;;0;100`],
    ),
    `'finished_calls'=${i.finishedCalls};;;0`,
    `'zombie_calls'=${i.zombieCalls};;;0`,
    ...(i.lastActivityAt === null
      ? []
      : [`'last_activity_age'=${Math.max(0, Math.round((Date.now() - i.lastActivityAt) / 1000))}s;;;0`]),
  ];
  // The text must stay on one line and never carry a `|`, which starts the perfdata.
  return { state, line: `SIDETONE ${state} - ${text.replace(/[|\n]/g, ' ')} | ${perf.join(' ')}` };
}

/**
 * Exit 0 only when ready, 1 when degraded (unreachable is an error: 1 as well). A store file has
 * no readiness, and its call indicators are warnings that never fail readiness: 0.
 */
export function healthExitCode(h: HealthView): number {
  return h.readiness === null || h.readiness.status === 'ready' ? 0 : 1;
}

export default defineCommand({
  description:
    "Readiness checks of a running server (--url) and call health indicators: each trunk's NER over 15 minutes (warning below alerts.ner_min_percent), success rate, zombie calls, silence. " +
    'Exit 0 when ready, 1 when degraded or unreachable, so cron and systemd can use it. ' +
    '--nagios prints one monitoring-plugin line with perfdata and exits 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (unreachable).',
  usage: 'sidetone health [--json | --nagios] [--db FILE | --url URL [--token T]]',
  flags: {
    ...READ_FLAGS,
    nagios: {
      type: 'boolean',
      help: 'one line for Nagios/Icinga: SIDETONE OK|WARNING|CRITICAL|UNKNOWN - text | perfdata, exit 0/1/2/3',
    },
  },
  examples: [
    'sidetone health --url http://127.0.0.1:9464',
    'sidetone health --url http://127.0.0.1:9464 --nagios',
    'sidetone health --db data/calls.db --json',
  ],
  async run({ flags }) {
    if (flags.nagios) {
      try {
        const { state, line } = nagiosLine(await withSource(flags, (s) => s.health()));
        print(`${line}\n`);
        return NAGIOS[state];
      } catch (err) {
        // Could not learn the state (unreachable, not a sidetone server): UNKNOWN, as plugins do.
        const why = (err instanceof Error ? err.message : String(err)).replace(/[|\n]/g, ' ');
        print(`SIDETONE UNKNOWN - ${why}\n`);
        return NAGIOS.UNKNOWN;
      }
    }
    const h = await withSource(flags, (s) => s.health());
    if (flags.json) printJson(h);
    else print(renderHealth(h, stdoutStyle()));
    return healthExitCode(h);
  },
});
