import type { TrunkKpis, TrunksReport } from '../../analytics/index.js';
import { ALERT_DEFAULTS } from '../../rules/thresholds.js';
import { defineCommand } from '../args.js';
import { READ_FLAGS, SPAN_FLAGS } from '../flags.js';
import { fmtNumber, fmtPercent, NONE, type Style, table } from '../output.js';
import { print, printJson, spanOf, stdoutStyle, withSource } from './shared.js';

const BARS = '▁▂▃▄▅▆▇█';
/** Buckets shown in the trend column: it must keep the table inside 80 columns. */
const TREND_WIDTH = 24;

/** ASR per bucket as block characters (0..100 %), a space where a bucket had no attempt. */
export function sparkline(points: readonly { asr: number | null }[]): string {
  return points
    .slice(-TREND_WIDTH)
    .map((p) => (p.asr === null ? ' ' : (BARS[Math.min(7, Math.floor((p.asr / 100) * 8))] as string)))
    .join('');
}

/**
 * Red when the trunk's last bucket is as far below its own period ASR as the generated alert
 * (`SidetoneTrunkAsrDrop`, `alerts.asr_drop_points`) asks: the terminal agrees with the pager.
 */
function asrCell(t: TrunkKpis, style: Style): string {
  const text = fmtPercent(t.kpis.asr);
  const last = t.asrTrend.findLast((p) => p.asr !== null)?.asr ?? null;
  if (t.kpis.asr === null || last === null) return text;
  return t.kpis.asr - last >= ALERT_DEFAULTS.asr_drop_points ? style.red(text) : text;
}

export function renderTrunks(r: TrunksReport, style: Style): string {
  if (r.trunks.length === 0) return `${style.dim('no calls in this period')}\n`;
  return table(
    [
      { header: 'TRUNK' },
      { header: 'CALLS', align: 'right' },
      { header: 'ASR', align: 'right' },
      { header: 'NER', align: 'right' },
      { header: 'PDD ms', align: 'right' },
      { header: 'ACD s', align: 'right' },
      { header: `ASR BY ${r.bucket.toUpperCase()} (UTC)` },
    ],
    r.trunks.map((t) => [
      t.trunk,
      fmtNumber(t.calls),
      asrCell(t, style),
      fmtPercent(t.kpis.ner),
      t.kpis.pddMs === null ? NONE : fmtNumber(Math.round(t.kpis.pddMs)),
      t.kpis.acdSeconds === null ? NONE : fmtNumber(Math.round(t.kpis.acdSeconds)),
      sparkline(t.asrTrend),
    ]),
    style,
  );
}

export default defineCommand({
  description:
    'KPIs per trunk over a period (the dashboard definitions: ASR, NER, PDD, ACD, calls), busiest first, with the ASR per hour (per day beyond two days) as a sparkline. ASR is red when the last bucket is alerts.asr_drop_points below the period.',
  usage: 'sidetone trunks [--days N | --hours N] [--json] [--db FILE | --url URL [--token T]]',
  flags: { ...SPAN_FLAGS, ...READ_FLAGS },
  examples: [
    'sidetone trunks --hours 6 --url http://127.0.0.1:9464',
    'sidetone trunks --db data/calls.db --json',
  ],
  async run({ flags }) {
    const r = await withSource(flags, (s) => s.trunks(spanOf(flags)));
    if (flags.json) printJson(r);
    else print(renderTrunks(r, stdoutStyle()));
    return 0;
  },
});
