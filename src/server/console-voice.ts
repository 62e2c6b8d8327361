/**
 * The console's voice-agent figures and sidetone's own, over the windows the shipped alerts judge
 * (src/rules ALERT_WINDOWS), from the registry's histograms and counters sampled by
 * {@link LiveWindows}: the same families, the same sums by agent and the same quantile as the
 * recording rules (src/rules/voice.ts), so the panel and "Problems now" read what Prometheus reads.
 */
import type { HumanConnectLive, SelfLive, VoiceAgentLive, VoiceView } from '../analytics/problems.js';
import { HUMAN_CONNECT_WINDOW_MINUTES } from '../domain/cost.js';
import { AMD_CATEGORIES, INTERRUPTION_KINDS } from '../domain/vocab.js';
import { ALERT_WINDOWS } from '../rules/thresholds.js';
import {
  histogramQuantile,
  LiveWindows,
  labelOf,
  type SeriesIncrease,
  sumBuckets,
} from './console-windows.js';

const MIN = 60_000;
const SILENCE_MS = ALERT_WINDOWS.voiceSilence.minutes * MIN;
const DEAD_AIR_MS = ALERT_WINDOWS.voiceDeadAir.minutes * MIN;
const SELF_MS = ALERT_WINDOWS.selfIncrease.minutes * MIN;
const SCRAPE_MS = ALERT_WINDOWS.scrapeSlow.minutes * MIN;
const HUMAN_CONNECT_MS = HUMAN_CONNECT_WINDOW_MINUTES * MIN;

/** The families sampled: the voice turn pack's and the registry's own the self alerts read. */
export const WINDOW_FAMILIES = [
  'voiceai_turns_total',
  'voiceai_heard_silence_seconds',
  'voiceai_turn_segment_seconds',
  'voiceai_dead_air_turns_total',
  'voiceai_interruptions_total',
  // The human-connect rate: answering-machine verdicts over outbound attempts.
  'voiceai_amd_results_total',
  'call_attempts_total',
  'label_values_redacted_total',
  'series_overflow_total',
  'scrape_duration_seconds',
] as const;

/** Tenths of a millisecond: the figures the page and the CLI print. */
const ms = (seconds: number) => Math.round(seconds * 10_000) / 10;

/** A windows sampler over {@link WINDOW_FAMILIES}, long enough for every window read here. */
export function consoleWindows(
  registry: ConstructorParameters<typeof LiveWindows>[0],
  prefix: string,
  now?: () => number,
): LiveWindows {
  return new LiveWindows(registry, prefix, {
    families: WINDOW_FAMILIES,
    longestMs: Math.max(SILENCE_MS, DEAD_AIR_MS, SELF_MS, SCRAPE_MS, HUMAN_CONNECT_MS),
    ...(now !== undefined && { now }),
  });
}

function byAgent(series: readonly SeriesIncrease[]): Map<string, SeriesIncrease[]> {
  const out = new Map<string, SeriesIncrease[]>();
  for (const s of series) {
    const a = labelOf(s, 'agent');
    const list = out.get(a);
    if (list === undefined) out.set(a, [s]);
    else list.push(s);
  }
  return out;
}

const total = (series: readonly SeriesIncrease[] | undefined) =>
  (series ?? []).reduce((n, s) => n + s.value, 0);

/**
 * Each agent with a turn in either window, by name.
 * @example voiceAgents(windows) // [{ agent: 'support-bot', turns: 42, silenceP95Ms: 4210.5, … }]
 */
export function voiceAgents(w: LiveWindows): VoiceAgentLive[] {
  const turns = byAgent(w.increase('voiceai_turns_total', SILENCE_MS));
  const turnsLong = byAgent(w.increase('voiceai_turns_total', DEAD_AIR_MS));
  const heard = byAgent(w.increase('voiceai_heard_silence_seconds', SILENCE_MS));
  const segments = byAgent(w.increase('voiceai_turn_segment_seconds', SILENCE_MS));
  const dead = byAgent(w.increase('voiceai_dead_air_turns_total', DEAD_AIR_MS));
  const interrupted = byAgent(w.increase('voiceai_interruptions_total', SILENCE_MS));
  const agents = [...new Set([...turns.keys(), ...turnsLong.keys()])]
    .filter((a) => total(turns.get(a)) > 0 || total(turnsLong.get(a)) > 0)
    .sort();
  return agents.map((agent) => {
    const h = heard.get(agent) ?? [];
    const buckets = sumBuckets(h);
    const q = (p: number) => {
      const v = histogramQuantile(p, buckets);
      return v === null ? null : ms(v);
    };
    const heardSum = h.reduce((n, s) => n + (s.sum ?? 0), 0);
    const heardCount = total(h);
    const bySegment = new Map<string, number>();
    for (const s of segments.get(agent) ?? []) {
      const seg = labelOf(s, 'segment');
      bySegment.set(seg, (bySegment.get(seg) ?? 0) + (s.sum ?? 0));
    }
    let best: [segment: string, sum: number] | undefined;
    for (const [segment, sum] of bySegment)
      if (sum > 0 && (best === undefined || sum > best[1])) best = [segment, sum];
    const slowest =
      best === undefined || heardCount === 0 || heardSum <= 0
        ? null
        : {
            segment: best[0],
            meanMs: ms(best[1] / heardCount),
            sharePercent: Math.round((best[1] / heardSum) * 1000) / 10,
          };
    const longTurns = total(turnsLong.get(agent));
    const deadAir = total(dead.get(agent));
    const interruptions: Record<string, number> = {};
    for (const kind of INTERRUPTION_KINDS) interruptions[kind] = 0;
    for (const s of interrupted.get(agent) ?? [])
      interruptions[labelOf(s, 'kind')] = (interruptions[labelOf(s, 'kind')] ?? 0) + s.value;
    return {
      agent,
      turns: total(turns.get(agent)),
      silenceP50Ms: q(0.5),
      silenceP95Ms: q(ALERT_WINDOWS.voiceSilence.quantile),
      slowestSegment: slowest,
      deadAirWindowTurns: longTurns,
      deadAirTurns: deadAir,
      deadAirRatio: longTurns > 0 ? Math.round((deadAir / longTurns) * 10_000) / 10_000 : null,
      interruptions,
    };
  });
}

/**
 * The agents with the windows they were read over: the console API's `voice` and the dashboard
 * API's (`sidetone dashboard --url`), one shape.
 */
export const voiceView = (agents: VoiceAgentLive[], humanConnect?: HumanConnectLive): VoiceView => ({
  silenceWindowMinutes: ALERT_WINDOWS.voiceSilence.minutes,
  deadAirWindowMinutes: ALERT_WINDOWS.voiceDeadAir.minutes,
  agents,
  ...(humanConnect !== undefined && { humanConnect }),
});

/**
 * Outbound calls' human-connect rate over its window, as its recording rule reads it (src/rules/voice.ts):
 * `human` verdicts of every agent over outbound call attempts.
 * @example humanConnectLive(windows) // { windowMinutes: 10, human: 3, attempts: 10, verdicts: 8, byCategory: { human: 3, 'machine-vm': 5 }, rate: 0.3 }
 */
export function humanConnectLive(w: LiveWindows): HumanConnectLive {
  const amd = w.increase('voiceai_amd_results_total', HUMAN_CONNECT_MS);
  const byCategory: Record<string, number> = {};
  for (const c of AMD_CATEGORIES) {
    const n = total(amd.filter((s) => labelOf(s, 'category') === c));
    if (n > 0) byCategory[c] = n;
  }
  const human = byCategory.human ?? 0;
  const attempts = total(
    w.increase('call_attempts_total', HUMAN_CONNECT_MS).filter((s) => labelOf(s, 'direction') === 'outbound'),
  );
  return {
    windowMinutes: HUMAN_CONNECT_WINDOW_MINUTES,
    human,
    attempts,
    verdicts: total(amd),
    byCategory,
    rate: attempts > 0 ? Math.round((human / attempts) * 10_000) / 10_000 : null,
  };
}

/** The self alerts' windowed figures (the gauges are read by the live reader). */
export function selfWindows(w: LiveWindows): Pick<SelfLive, 'redacted' | 'overflow' | 'scrapeP99Seconds'> {
  const byMetric = (family: string) => {
    const out: Record<string, number> = {};
    for (const s of w.increase(family, SELF_MS))
      if (s.value > 0) out[labelOf(s, 'metric')] = (out[labelOf(s, 'metric')] ?? 0) + s.value;
    return out;
  };
  const p99 = histogramQuantile(
    ALERT_WINDOWS.scrapeSlow.quantile,
    sumBuckets(w.increase('scrape_duration_seconds', SCRAPE_MS)),
  );
  return {
    redacted: byMetric('label_values_redacted_total'),
    overflow: byMetric('series_overflow_total'),
    scrapeP99Seconds: p99 === null ? null : Math.round(p99 * 1e6) / 1e6,
  };
}
