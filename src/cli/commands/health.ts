import { defineCommand } from '../args.js';
import { fmtNumber, fmtPercent, fmtTime, NONE, pairs, type Style, table } from '../output.js';
import type { HealthView } from '../source.js';
import { print, printJson, READ_FLAGS, stdoutStyle, withSource } from './shared.js';

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

export default defineCommand({
  name: 'health',
  summary: 'readiness checks and call health warnings',
  description:
    'Readiness checks of a running server (--url) and call health indicators: success rate, zombie calls, silence, with warnings.',
  usage: 'sidetone health [--json] [--db FILE | --url URL [--token T]]',
  flags: { ...READ_FLAGS },
  examples: ['sidetone health --url http://127.0.0.1:9464', 'sidetone health --db data/calls.db --json'],
  async run({ flags }) {
    const h = await withSource(flags, (s) => s.health());
    if (flags.json) printJson(h);
    else print(renderHealth(h, stdoutStyle()));
    return 0;
  },
});
