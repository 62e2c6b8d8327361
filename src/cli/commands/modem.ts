import type { ModemHistory } from '../../analytics/index.js';
import { defineCommand } from '../args.js';
import { READ_FLAGS, SPAN_FLAGS } from '../flags.js';
import { fmtNumber, fmtTime, NONE, pairs, type Style, table } from '../output.js';
import { print, printJson, spanOf, stdoutStyle, withSource } from './shared.js';

/** Timeline lines shown per modem (the JSON has every entry the API keeps). */
const TIMELINE_LINES = 20;
const dbm = (v: number | null) => fmtNumber(v, ' dBm');
const state = (v: boolean | null, yes: string, no: string) => (v === null ? NONE : v ? yes : no);

export function renderModems(h: ModemHistory, style: Style): string {
  if (h.modems.length === 0) return 'no modem samples in this period (is a modem source running?)\n';
  return h.modems
    .map((m) => {
      const head = pairs(
        [
          ['modem', m.modem],
          ['samples', `${fmtNumber(m.samples)} from ${fmtTime(m.firstAt)} to ${fmtTime(m.lastAt)}`],
          ['signal', `last ${dbm(m.signal.last)}, min ${dbm(m.signal.min)}, max ${dbm(m.signal.max)}`],
          ['RSRP', `last ${dbm(m.rsrp.last)}, min ${dbm(m.rsrp.min)}, max ${dbm(m.rsrp.max)}`],
          ['reconnects', m.reconnects > 0 ? style.yellow(fmtNumber(m.reconnects)) : '0'],
          [
            'at the start',
            `${state(m.initial.connected, 'connected', 'disconnected')}, ${state(m.initial.registered, 'registered', 'not registered')}${m.initial.flapping ? ', flapping' : ''}`,
          ],
        ],
        style,
      );
      const shown = m.timeline.slice(-TIMELINE_LINES);
      const rows = shown.map((e) => [
        fmtTime(e.at),
        e.change === 'not_registered' || e.change === 'disconnected' || e.change === 'flapping'
          ? style.red(e.change)
          : e.change,
        e.count === undefined ? '' : fmtNumber(e.count),
      ]);
      const more =
        m.timeline.length > shown.length
          ? `(${m.timeline.length - shown.length} earlier changes: --json)\n`
          : '';
      return `${head}\n${rows.length ? more + table([{ header: 'time (UTC)' }, { header: 'change' }, { header: 'count', align: 'right' }], rows, style) : 'no change of state in this period\n'}`;
    })
    .join('\n');
}

export default defineCommand({
  description:
    "Each modem's history from the store: signal and RSRP (last, min, max), reconnects, and the timeline of its connection, registration, reconnects and flapping. Samples are stored a minute apart and at each change while the sidecar runs.",
  usage: 'sidetone modem [--days N | --hours N] [--json] [--db FILE | --url URL [--token T]]',
  flags: { ...SPAN_FLAGS, ...READ_FLAGS },
  examples: [
    'sidetone modem --hours 6 --url http://127.0.0.1:9464',
    'sidetone modem --db data/calls.db --json',
  ],
  async run({ flags }) {
    const h = await withSource(flags, (src) => src.modems(spanOf(flags)));
    if (flags.json) printJson(h);
    else print(renderModems(h, stdoutStyle()));
    return 0;
  },
});
