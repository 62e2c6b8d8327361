/** The table `hourly` and `daily` share: one row per bucket, oldest first, with a bar of calls. */
import type { SeriesPoint } from '../../analytics/index.js';
import { bar, fmtNumber, fmtPercent, fmtTime, type Style, table } from '../output.js';

export function renderSeries(points: readonly SeriesPoint[], bucket: 'hour' | 'day', style: Style): string {
  const max = Math.max(0, ...points.map((p) => p.total));
  const start = (t: number) => (bucket === 'hour' ? `${fmtTime(t).slice(0, 16)}` : fmtTime(t).slice(0, 10));
  const rows = points.map((p) => {
    const failed = p.total - p.byStatus.active - p.byStatus.completed;
    return [
      start(p.start),
      fmtNumber(p.total),
      fmtNumber(p.answered),
      fmtNumber(p.byStatus.completed),
      failed > 0 ? style.red(fmtNumber(failed)) : fmtNumber(failed),
      fmtPercent(p.successRate),
      fmtNumber(p.avgDurationSeconds, ' s'),
      style.cyan(bar(p.total, max)),
    ];
  });
  const right = (header: string) => ({ header, align: 'right' as const });
  return table(
    [
      { header: bucket === 'hour' ? 'HOUR (UTC)' : 'DAY (UTC)' },
      right('CALLS'),
      right('ANSWERED'),
      right('COMPLETED'),
      right('FAILED'),
      right('SUCCESS'),
      right('AVG DURATION'),
      { header: '' },
    ],
    rows,
    style,
  );
}
