/**
 * The openai-voice-skill's JSON keys (its call observability guide; docs/compat/voice-skill.md),
 * computed from sidetone's own results with the guide's formulas, so its users' dashboards and
 * scripts read the same keys with the same meaning beside sidetone's fields. Rates are over every
 * call of the period (active ones included) and rounded to 0.1 as the guide shows them; a rate or
 * change with nothing to divide by is null, not 0.
 */

import type { CallStatus } from '../domain/records.js';
import type { CallStats } from '../store/types.js';
import { round } from './kpi.js';
import type { SeriesPoint } from './series.js';

/** `n / d` as a percentage to 0.1, or null when `d` is 0 (the guide's 138 of 142 = 97.2). */
export function rateOfCalls(n: number, d: number): number | null {
  return d > 0 ? round((n / d) * 100, 1) : null;
}

/** The guide's deltas: change against the previous period, % of it; null when it was 0 or unknown. */
function change(now: number | null, before: number | null): number | null {
  return now === null || before === null || before === 0 ? null : round(((now - before) / before) * 100, 1);
}

const oneDecimal = (x: number | null) => (x === null ? null : round(x, 1));
const avgSeconds = (s: CallStats) => (s.durationCount > 0 ? s.durationMsSum / s.durationCount / 1000 : null);

/**
 * `failed` in the guide's hourly and daily buckets: failed or timed out. sidetone also tells busy
 * and no answer apart, which the guide's server records as failed; a cancelled call is not a failure.
 */
const failedOf = (s: Record<CallStatus, number>) => s.failed + s.busy + s.no_answer + s.timeout;

/** One bucket of `GET /metrics/hourly` as the guide shows it. */
export interface VoiceSkillHour {
  /** Bucket start, `2026-02-06T09:00:00Z`. */
  hour: string;
  total: number;
  completed: number;
  failed: number;
  /** Mean duration of the bucket's answered calls, s; null when none. */
  avg_duration: number | null;
}

/** One bucket of `GET /metrics/daily` as the guide shows it. */
export interface VoiceSkillDay extends Omit<VoiceSkillHour, 'hour'> {
  /** The UTC day, `2026-02-05`. */
  date: string;
  /** Completed / calls of the day, %. */
  success_rate: number | null;
}

function bucket(p: SeriesPoint) {
  return {
    total: p.total,
    completed: p.byStatus.completed,
    failed: failedOf(p.byStatus),
    avg_duration: oneDecimal(p.avgDurationSeconds),
  };
}

export const voiceSkillHour = (p: SeriesPoint): VoiceSkillHour => ({
  hour: `${new Date(p.start).toISOString().slice(0, 13)}:00:00Z`,
  ...bucket(p),
});

export const voiceSkillDay = (p: SeriesPoint): VoiceSkillDay => ({
  date: new Date(p.start).toISOString().slice(0, 10),
  ...bucket(p),
  success_rate: rateOfCalls(p.byStatus.completed, p.total),
});

/**
 * The answer of `GET /metrics/hourly?hours=` (and `sidetone hourly --json`): sidetone's `series`,
 * the guide's `timeseries` and `hours`.
 * @example
 * hourlyAnswer(await hourly(store, { hours: 24 }), 24).timeseries[0]; // { hour: '2026-02-06T09:00:00Z', total: 5, ... }
 */
export const hourlyAnswer = (series: SeriesPoint[], hours: number) => ({
  series,
  timeseries: series.map(voiceSkillHour),
  hours,
});

/** The answer of `GET /metrics/daily?days=` (and `sidetone daily --json`), as {@link hourlyAnswer}. */
export const dailyAnswer = (series: SeriesPoint[], days: number) => ({
  series,
  timeseries: series.map(voiceSkillDay),
  days,
});

/** The dashboard keys of the guide that sidetone's own fields do not already hold. */
export interface VoiceSkillDashboard {
  generated_at: string;
  summary: {
    total_calls: number;
    total_calls_delta: number | null;
    /** Completed / calls, %. */
    success_rate: number | null;
    success_rate_delta: number | null;
    /** Mean duration of answered calls, s. */
    avg_duration: number | null;
    avg_duration_delta: number | null;
    /** Calls active now, whenever they started. */
    active_now: number;
  };
  breakdown: {
    /** Every status (sidetone's busy and no_answer beside the guide's five). */
    by_status: Record<CallStatus, number>;
    by_type: { inbound: number; outbound: number };
    failure_reasons: Record<string, number>;
  };
  transcript: { calls_with_transcript: number; transcript_rate: number | null };
  timeseries: { hourly: VoiceSkillHour[] };
}

/**
 * The guide's dashboard keys for a period (`cur`) against the one before (`prev`).
 * @example
 * voiceSkillDashboard({ now, cur, prev, activeNow: 2, byDirection, byFailureReason, hourly }).transcript;
 * // { calls_with_transcript: 138, transcript_rate: 97.2 } for 138 of 142 calls
 */
export function voiceSkillDashboard(p: {
  now: number;
  cur: CallStats;
  prev: CallStats;
  activeNow: number;
  byDirection: Record<string, number>;
  byFailureReason: Record<string, number>;
  hourly: readonly SeriesPoint[];
}): VoiceSkillDashboard {
  const { cur, prev } = p;
  const success = (s: CallStats) => rateOfCalls(s.byStatus.completed, s.total);
  return {
    generated_at: new Date(p.now).toISOString(),
    summary: {
      total_calls: cur.total,
      total_calls_delta: change(cur.total, prev.total),
      success_rate: success(cur),
      success_rate_delta: change(success(cur), success(prev)),
      avg_duration: oneDecimal(avgSeconds(cur)),
      avg_duration_delta: change(avgSeconds(cur), avgSeconds(prev)),
      active_now: p.activeNow,
    },
    breakdown: {
      by_status: cur.byStatus,
      by_type: { inbound: p.byDirection.inbound ?? 0, outbound: p.byDirection.outbound ?? 0 },
      failure_reasons: p.byFailureReason,
    },
    transcript: {
      calls_with_transcript: cur.transcripts,
      transcript_rate: rateOfCalls(cur.transcripts, cur.total),
    },
    timeseries: { hourly: p.hourly.map(voiceSkillHour) },
  };
}
