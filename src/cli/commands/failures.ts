import type { FailedCall } from '../../analytics/index.js';
import { defineCommand } from '../args.js';
import { fmtTime, NONE, type Style, table } from '../output.js';
import { print, printJson, READ_FLAGS, stdoutStyle, withSource } from './shared.js';

const show = (v: string | number | null) => (v === null ? NONE : String(v));

/** Numbers arrive masked from both sources; the table prints them as they are, never unmasked. */
export function renderFailures(list: readonly FailedCall[], style: Style): string {
  if (list.length === 0) return `${style.dim('no failed calls')}\n`;
  return table(
    [
      { header: 'TIME (UTC)' },
      { header: 'DIR' },
      { header: 'FROM' },
      { header: 'TO' },
      { header: 'STATUS' },
      { header: 'SIP', align: 'right' },
      { header: 'Q.850', align: 'right' },
      { header: 'REASON' },
    ],
    list.map((f) => [
      fmtTime(f.at),
      show(f.direction),
      show(f.from),
      show(f.to),
      style.red(f.status),
      show(f.sipCode),
      show(f.q850),
      show(f.reason),
    ]),
    style,
  );
}

export default defineCommand({
  name: 'failures',
  summary: 'the most recent failed calls and why',
  description:
    'The most recent failed calls, newest first: time, direction, masked numbers, status, SIP code, Q.850 cause, reason.',
  usage: 'sidetone failures [--limit N] [--reveal] [--json] [--db FILE | --url URL [--token T]]',
  flags: {
    limit: { type: 'int', arg: 'N', min: 1, max: 1000, default: 50, help: 'how many calls' },
    reveal: {
      type: 'boolean',
      help: 'raw numbers instead of masked ones (--db only, and only if the store keeps them: store.store_raw_numbers)',
    },
    ...READ_FLAGS,
  },
  examples: ['sidetone failures --db data/calls.db --limit 20'],
  async run({ flags }) {
    const list = await withSource(flags, (s) => s.failures(flags.limit, flags.reveal));
    if (flags.json) printJson({ failures: list });
    else print(renderFailures(list, stdoutStyle()));
    return 0;
  },
});
