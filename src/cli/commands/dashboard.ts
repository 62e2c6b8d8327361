import type { Dashboard, EndToEndKpis } from '../../analytics/index.js';
import type { VoiceView } from '../../analytics/problems.js';
import { defineCommand } from '../args.js';
import { READ_FLAGS, SPAN_FLAGS } from '../flags.js';
import { fmtChange, fmtNumber, fmtPercent, fmtTime, NONE, type Style, table } from '../output.js';
import { print, printJson, spanOf, stdoutStyle, withSource } from './shared.js';

const TOTALS: readonly (readonly [keyof Dashboard['totals'], string])[] = [
  ['calls', 'calls'],
  ['completed', 'completed'],
  ['failed', 'failed'],
  ['answered', 'answered'],
  ['active', 'still active (filed in the period)'],
  ['talkMinutes', 'talk minutes'],
];

const KPIS: readonly (readonly [keyof Dashboard['kpis'], string, (n: number | null) => string])[] = [
  ['asr', 'ASR', fmtPercent],
  ['ner', 'NER', fmtPercent],
  ['ser', 'SER', fmtPercent],
  ['seer', 'SEER', fmtPercent],
  ['isa', 'ISA', fmtPercent],
  ['acdSeconds', 'ACD', (n) => fmtNumber(n, ' s')],
  ['pddMs', 'PDD', (n) => fmtNumber(n, ' ms')],
];

const right = (header: string) => ({ header, align: 'right' as const });

/** A name → count breakdown, biggest first; empty breakdowns say so instead of printing a header. */
function breakdown(title: string, counts: Record<string, number>, style: Style): string {
  const rows = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (rows.length === 0) return `${style.bold(title)}\n${style.dim(`no ${title.toLowerCase()} data`)}\n`;
  return table(
    [{ header: title }, right('CALLS')],
    rows.map(([k, v]) => [k, fmtNumber(v)]),
    style,
  );
}

/** Seconds to the hundredth, as the console prints them. */
const sec = (ms: number | null) => fmtNumber(ms === null ? null : ms / 1000, ' s');

/**
 * The period's end-to-end calls (a B2BUA's legs linked, issue 53), beside the per-leg KPIs above:
 * the figures of analytics/kpi.ts endToEndKpis, whichever source (`--db`, `--url`) gave them.
 */
export function renderEndToEnd(e: EndToEndKpis, style: Style): string {
  return table(
    [{ header: 'END TO END' }, right('NOW')],
    [
      ['calls (legs linked)', `${fmtNumber(e.calls)} (${fmtNumber(e.linked)})`],
      ['ASR', fmtPercent(e.asr)],
      ['PDD (caller)', fmtNumber(e.pddMs, ' ms')],
      ['failed on the caller leg', fmtNumber(e.failedLeg.a)],
      ['failed on the far leg', fmtNumber(e.failedLeg.b)],
      ...(e.truncated ? [[style.dim('(the legs read first only)'), '']] : []),
    ],
    style,
  );
}

/**
 * The voice agents as the console's voice panel shows them (the server's `voice`, over the voice
 * alerts' windows); null from a store file, which keeps turns per call, not per agent.
 */
export function renderVoice(v: VoiceView | null, style: Style): string {
  return (
    renderVoiceAgents(v, style) + (v?.humanConnect === undefined ? '' : renderHumanConnect(v.humanConnect))
  );
}

/**
 * Outbound calls' human-connect rate (answered by a person / attempts), as its recording rule reads
 * it, and the answering-machine detector's verdicts by category over the same window (as the console).
 */
function renderHumanConnect(h: NonNullable<VoiceView['humanConnect']>): string {
  const rate = h.rate === null ? NONE : fmtNumber(Math.round(h.rate * 1000) / 10, ' %');
  const verdicts = Object.entries(h.byCategory)
    .map(([c, n]) => `${c} ${fmtNumber(n)}`)
    .join(', ');
  return `Human connect (outbound, last ${h.windowMinutes} min)  ${rate}  (${fmtNumber(h.human)} of ${fmtNumber(h.attempts)} attempts)\n${verdicts === '' ? '' : `Answering-machine verdicts  ${verdicts}\n`}`;
}

function renderVoiceAgents(v: VoiceView | null, style: Style): string {
  const none =
    "none here: per-agent figures live in a running sidecar's registry (--url URL), not in a store file";
  if (v === null) return `${style.bold('VOICE AGENTS')}\n${style.dim(none)}\n`;
  const title = `VOICE AGENTS (last ${v.silenceWindowMinutes} min, dead air ${v.deadAirWindowMinutes} min)`;
  if (v.agents.length === 0)
    return `${style.bold(title)}\n${style.dim(`no voice-agent turns in the last ${v.deadAirWindowMinutes} min`)}\n`;
  return table(
    [
      { header: title },
      right('TURNS'),
      right('SILENCE P50'),
      right('P95'),
      { header: 'SLOWEST SEGMENT' },
      right('DEAD AIR'),
      right('INTERRUPTIONS'),
    ],
    v.agents.map((a) => {
      const s = a.slowestSegment;
      return [
        a.agent,
        fmtNumber(a.turns),
        sec(a.silenceP50Ms),
        sec(a.silenceP95Ms),
        s === null
          ? NONE
          : `${s.segment} ${fmtNumber(Math.round(s.meanMs), ' ms')} (${fmtNumber(s.sharePercent, ' %')})`,
        a.deadAirRatio === null
          ? NONE
          : `${fmtNumber(a.deadAirRatio * 100, ' %')} of ${fmtNumber(a.deadAirWindowTurns)}`,
        fmtNumber(Object.values(a.interruptions).reduce((n, x) => n + x, 0)),
      ];
    }),
    style,
  );
}

export function renderDashboard(d: Dashboard, style: Style): string {
  const hours = Math.round((d.period.to - d.period.from) / 3_600_000);
  const span = hours % 24 === 0 ? `${hours / 24} d` : `${hours} h`;
  const parts = [
    `${style.bold('Dashboard')}  ${fmtTime(d.period.from)} → ${fmtTime(d.period.to)} UTC, compared with the ${span} before\n`,
    table(
      [{ header: 'TOTALS' }, right('NOW'), right('PREVIOUS'), right('CHANGE')],
      TOTALS.map(([key, label]) => {
        const t = d.totals[key];
        return [label, fmtNumber(t.value), fmtNumber(t.previous), fmtChange(t.delta, t.deltaPercent)];
      }),
      style,
    ),
    table(
      [{ header: 'KPI' }, right('NOW'), right('PREVIOUS')],
      KPIS.map(([key, label, fmt]) => [label, fmt(d.kpis[key]), fmt(d.previousKpis[key])]),
      style,
    ),
  ];
  if (d.endToEnd !== undefined) parts.push(renderEndToEnd(d.endToEnd, style));
  parts.push(breakdown('STATUS', d.byStatus, style), breakdown('TRUNK', d.byTrunk, style));
  if (Object.keys(d.byFailureReason).length > 0)
    parts.push(breakdown('FAILURE REASON', d.byFailureReason, style));
  const s = d.duration;
  parts.push(
    table(
      ['ANSWERED', 'AVG', 'MIN', 'P50', 'P95', 'P99', 'MAX'].map(right),
      [[fmtNumber(s.count), ...[s.avg, s.min, s.p50, s.p95, s.p99, s.max].map((v) => fmtNumber(v, ' s'))]],
      style,
    ),
  );
  if (d.totals.calls.value === 0) parts.push(style.dim(`no calls in this period; rates show ${NONE}\n`));
  // The server's voice agents (its registry over the voice alerts' windows), as the console shows them.
  parts.push(renderVoice(d.voice ?? null, style));
  return parts.join('\n');
}

export default defineCommand({
  description:
    'Totals with changes against the previous period, KPIs (ASR, NER, SER, SEER, ISA, ACD, PDD), status and trunk breakdowns, call duration percentiles; from a running server (--url), its voice agents as the console shows them.',
  usage: 'sidetone dashboard [--days N | --hours N] [--json] [--db FILE | --url URL [--token T]]',
  flags: { ...SPAN_FLAGS, ...READ_FLAGS },
  examples: [
    'sidetone dashboard --db data/calls.db',
    'sidetone dashboard --hours 6 --url http://127.0.0.1:9464 --json',
  ],
  async run({ flags }) {
    const d = await withSource(flags, (s) => s.dashboard(spanOf(flags)));
    if (flags.json) printJson(d);
    else print(renderDashboard(d, stdoutStyle()));
    return 0;
  },
});
