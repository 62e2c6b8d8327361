import type { SmsSummary } from '../../analytics/index.js';
import { defineCommand } from '../args.js';
import { READ_FLAGS, SPAN_FLAGS } from '../flags.js';
import { fmtNumber, fmtPercent, NONE, pairs, type Style } from '../output.js';
import { print, printJson, spanOf, stdoutStyle, withSource } from './shared.js';

const secs = (v: number | null) => (v === null ? NONE : `${fmtNumber(v)} s`);

export function renderSms(s: SmsSummary, style: Style): string {
  const b = s.byStatus as Record<string, number>;
  const awaiting = s.awaitingReport;
  return pairs(
    [
      ['messages', `${fmtNumber(s.total)} (${fmtNumber(s.inbound)} in, ${fmtNumber(s.outbound)} out)`],
      ['delivered', fmtNumber(b.delivered ?? 0)],
      ['failed', (b.failed ?? 0) > 0 ? style.red(fmtNumber(b.failed)) : '0'],
      // The metric's and the console's figure (domain/standards/sms.ts awaitsReport).
      ['awaiting report', awaiting > 0 ? style.yellow(fmtNumber(awaiting)) : '0'],
      ['delivery rate', fmtPercent(s.deliveryRate)],
      [
        'sent → delivered',
        `avg ${secs(s.latency.avg)}, p50 ${secs(s.latency.p50)}, p95 ${secs(s.latency.p95)}`,
      ],
    ],
    style,
  );
}

export default defineCommand({
  description:
    'SMS over a period: totals by direction and status, the delivery rate (delivered / delivered + failed) and the sent → delivered latency.',
  usage: 'sidetone sms [--days N | --hours N] [--json] [--db FILE | --url URL [--token T]]',
  flags: { ...SPAN_FLAGS, ...READ_FLAGS },
  examples: ['sidetone sms --hours 1 --url http://127.0.0.1:9464', 'sidetone sms --db data/calls.db --json'],
  async run({ flags }) {
    const s = await withSource(flags, (src) => src.sms(spanOf(flags)));
    if (flags.json) printJson(s);
    else print(renderSms(s, stdoutStyle()));
    return 0;
  },
});
