import type { FailedCall } from '../../analytics/index.js';
import { defineCommand } from '../args.js';
import { READ_FLAGS, SPAN_FLAGS } from '../flags.js';
import { fmtNumber, fmtTime, NONE, type Style, table } from '../output.js';
import type { FailuresView } from '../source.js';
import { print, printJson, spanOf, stdoutStyle, withSource } from './shared.js';

const show = (v: string | number | null) => (v === null ? NONE : String(v));

/** A short UTC time: the table must fit 80 columns, and the header says UTC. */
const shortTime = (ms: number) => fmtTime(ms).slice(5, 19);

/** The far party: the caller of an inbound call, the callee of an outbound one (masked). */
const party = (f: FailedCall) => (f.direction === 'inbound' ? f.from : f.to);

/**
 * Why calls failed, then which: the period's failures grouped by reason x trunk, largest first,
 * then the newest rows. Numbers arrive masked from both sources and are printed as they are.
 */
export function renderFailures(view: FailuresView, style: Style): string {
  const out: string[] = [];
  if (view.groups.length > 0) {
    out.push(
      table(
        [{ header: 'REASON' }, { header: 'TRUNK' }, { header: 'CALLS', align: 'right' }],
        view.groups.map((g) => [style.red(g.reason), g.trunk, fmtNumber(g.calls)]),
        style,
      ),
    );
  }
  if (view.failures.length === 0) out.push(`${style.dim('no failed calls')}\n`);
  else {
    out.push(
      table(
        [
          { header: 'TIME (UTC)' },
          { header: 'TRUNK' },
          { header: 'DIR' },
          { header: 'PARTY' },
          { header: 'SIP', align: 'right' },
          { header: 'Q850', align: 'right' },
          { header: 'REASON' },
        ],
        view.failures.map((f) => [
          shortTime(f.at),
          show(f.trunk),
          f.direction === 'inbound' ? 'in' : f.direction === 'outbound' ? 'out' : NONE,
          show(party(f)),
          show(f.sipCode),
          show(f.q850),
          style.red(show(f.reason ?? f.status)),
        ]),
        style,
      ),
    );
  }
  return out.join('\n');
}

export default defineCommand({
  description:
    'Failures of the period grouped by reason and trunk, largest first, then the newest failed calls: time (UTC), trunk, direction, the far party (masked), SIP code, Q.850 cause, reason.',
  usage:
    'sidetone failures [--limit N] [--days N | --hours N] [--reveal] [--json] [--db FILE | --url URL [--token T]]',
  flags: {
    limit: { type: 'int', arg: 'N', min: 1, max: 1000, default: 50, help: 'how many calls' },
    ...SPAN_FLAGS,
    reveal: {
      type: 'boolean',
      help: 'raw numbers instead of masked ones (--db only, and only if the store keeps them: store.store_raw_numbers)',
    },
    ...READ_FLAGS,
  },
  examples: [
    'sidetone failures --db data/calls.db --limit 20',
    'sidetone failures --hours 1 --url http://127.0.0.1:9464',
  ],
  async run({ flags }) {
    const view = await withSource(flags, (s) => s.failures(flags.limit, spanOf(flags), flags.reveal));
    if (flags.json) printJson(view);
    else print(renderFailures(view, stdoutStyle()));
    return 0;
  },
});
