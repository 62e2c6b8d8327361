/**
 * The console's voice agents (issue 52): read from the registry over the windows the voice alerts
 * judge (5 min for the heard silence, 10 for dead air), with the quantile Prometheus computes from
 * the same buckets. Before, the panel read only `voiceai_first_byte_seconds`: 8 turns sent as
 * events showed "no voice-AI traffic", and "Problems now" had no voice condition at all.
 */
import { describe, expect, it } from 'vitest';
import { consoleProblems, type LiveState } from '../../src/analytics/problems.js';
import { Registry } from '../../src/metrics/index.js';
import { ALERT_DEFAULTS } from '../../src/rules/thresholds.js';
import { consoleWindows, selfWindows, voiceAgents } from '../../src/server/console-voice.js';
import { histogramQuantile } from '../../src/server/console-windows.js';
import { BUCKETS } from '../../src/telephony/catalogue/types.js';

const MIN = 60_000;

/** The voice turn pack's families, as src/telephony/catalogue/voice.ts declares them. */
function voiceRegistry() {
  const registry = new Registry({ prefix: 'sidetone' });
  const labels = ['agent', 'model'] as const;
  return {
    registry,
    turns: registry.counter({ name: 'sidetone_voiceai_turns_total', help: 't', labels }),
    heard: registry.histogram({
      name: 'sidetone_voiceai_heard_silence_seconds',
      help: 'h',
      labels,
      buckets: BUCKETS.heard,
    }),
    segments: registry.histogram({
      name: 'sidetone_voiceai_turn_segment_seconds',
      help: 's',
      labels: ['agent', 'model', 'segment'],
      buckets: BUCKETS.segment,
    }),
    dead: registry.counter({ name: 'sidetone_voiceai_dead_air_turns_total', help: 'd', labels }),
    interruptions: registry.counter({
      name: 'sidetone_voiceai_interruptions_total',
      help: 'i',
      labels: ['agent', 'kind'],
    }),
  };
}

type Voice = ReturnType<typeof voiceRegistry>;

/** One turn as the pack records it: the whole, its segments (adding up to it), dead air past 3 s. */
function turn(v: Voice, agent: string, model: string, segments: Record<string, number>): void {
  const heardMs = Object.values(segments).reduce((a, b) => a + b, 0);
  v.turns.labels({ agent, model }).inc();
  v.heard.labels({ agent, model }).observe(heardMs / 1000);
  for (const [segment, ms] of Object.entries(segments))
    v.segments.labels({ agent, model, segment }).observe(ms / 1000);
  if (heardMs > 3000) v.dead.labels({ agent, model }).inc();
}

const quiet: LiveState['self'] = {
  ready: true,
  heartbeatAgeSeconds: 0,
  hepFailing: false,
  redacted: {},
  overflow: {},
  scrapeP99Seconds: null,
};

describe('histogramQuantile is Prometheus histogram_quantile', () => {
  const b = (counts: number[], les: number[]) => [
    ...les.map((le, i) => ({ le, count: counts[i] as number })),
    { le: Number.POSITIVE_INFINITY, count: counts.at(-1) as number },
  ];
  it.each([
    // rank 0.95 * 20 = 19 in (1, 2]: 1 + (19 - 10) / 10.
    [0.95, b([10, 20, 20], [1, 2, 3]), 1.9],
    // Lowest bucket starts at 0: rank 0.25 * 10 = 2.5 of its 5 in (0, 1].
    [0.25, b([5, 10, 10], [1, 2, 3]), 0.5],
    // A rank in +Inf reads the highest finite bound.
    [0.99, [...b([1, 1], [1, 2]).slice(0, 2), { le: Number.POSITIVE_INFINITY, count: 10 }], 2],
  ])('q %s', (q, buckets, want) => {
    expect(histogramQuantile(q, buckets)).toBeCloseTo(want, 9);
  });
  it('no observations: null (Prometheus: NaN, no series)', () => {
    expect(histogramQuantile(0.95, b([0, 0, 0], [1, 2, 3]))).toBeNull();
  });
});

describe('voice agents over the alerts windows', () => {
  it('8 turns sent: the agent shows, with p50/p95 from the buckets, its slowest segment, dead air, interruptions', () => {
    const v = voiceRegistry();
    const w = consoleWindows(v.registry, 'sidetone', () => 0);
    // Heard 1,300 .. 2,000 ms: stt 300, endpointing 200, llm_ttft 400 + 100 i, tts_ttfb 300, remainder 100.
    for (let i = 0; i < 8; i++)
      turn(v, 'support-bot', 'm1', {
        stt: 300,
        endpointing: 200,
        llm_ttft: 400 + 100 * i,
        tts_ttfb: 300,
        remainder: 100,
      });
    v.interruptions.labels({ agent: 'support-bot', kind: 'barge_in' }).inc(2);
    const [a, ...rest] = voiceAgents(w);
    expect(rest).toEqual([]);
    // 3 turns in (1.25, 1.5], 5 in (1.5, 2]: p50 rank 4 -> 1.5 + 0.5 * 1/5; p95 rank 7.6 -> 1.5 + 0.5 * 4.6/5.
    expect(a).toMatchObject({
      agent: 'support-bot',
      turns: 8,
      silenceP50Ms: 1600,
      silenceP95Ms: 1960,
      slowestSegment: { segment: 'llm_ttft', meanMs: 750, sharePercent: 45.5 },
      deadAirWindowTurns: 8,
      deadAirTurns: 0,
      deadAirRatio: 0,
    });
    expect(a?.interruptions.barge_in).toBe(2);
  });

  it('turns older than the window leave it: 5 min for the silence, 10 for dead air', () => {
    const v = voiceRegistry();
    let now = 0;
    const w = consoleWindows(v.registry, 'sidetone', () => now);
    // 30 slow turns at minute 0, then samples every 15 s, then 30 fast ones at minute 7.
    for (let i = 0; i < 30; i++) turn(v, 'bot', 'm', { llm_ttft: 5000 });
    for (now = 15_000; now <= 7 * MIN; now += 15_000) w.tick(now);
    now = 7 * MIN;
    for (let i = 0; i < 30; i++) turn(v, 'bot', 'm', { llm_ttft: 500 });
    const [a] = voiceAgents(w);
    // Over 5 min only the fast ones; over 10 min both: half of 60 turns had dead air.
    expect(a).toMatchObject({ turns: 30, deadAirWindowTurns: 60, deadAirTurns: 30, deadAirRatio: 0.5 });
    expect(a?.silenceP95Ms).toBeLessThan(500);
    // At minute 12 the slow ones left the dead-air window too (the sample at 2 min is its base).
    for (; now <= 12 * MIN; now += 15_000) w.tick(now);
    now = 12 * MIN;
    expect(voiceAgents(w)[0]).toMatchObject({ turns: 0, deadAirWindowTurns: 30, deadAirTurns: 0 });
    // Samples are kept for the longest window only: 10 min at one per 15 s, plus its base.
    expect((w as unknown as { samples: unknown[] }).samples.length).toBeLessThanOrEqual(42);
  });

  it('problems: SidetoneVoiceAgentSlow and DeadAir hold past the [alerts] thresholds, with enough turns, not below', async () => {
    const v = voiceRegistry();
    const w = consoleWindows(v.registry, 'sidetone', () => 0);
    // 20 turns (voice_min_turns), 19 at 1 s and one at 5 s: p95 rank 19 is in (0.75, 1].
    for (let i = 0; i < 19; i++) turn(v, 'fast-bot', 'm', { llm_ttft: 1000 });
    turn(v, 'fast-bot', 'm', { llm_ttft: 5000 });
    // 20 turns at 4 s: p95 in (3.5, 4], every turn dead air.
    for (let i = 0; i < 20; i++) turn(v, 'slow-bot', 'm', { stt: 500, llm_ttft: 3500 });
    // 19 turns at 4 s: too few to judge.
    for (let i = 0; i < 19; i++) turn(v, 'few-bot', 'm', { llm_ttft: 4000 });
    const live: LiveState = { trunks: [], modems: [], voiceAi: [], voice: voiceAgents(w), self: quiet };
    const problems = await consoleProblems(noStore, noData, live, ALERT_DEFAULTS);
    expect(problems.map((p) => [p.alert, p.severity, p.panel])).toEqual([
      ['SidetoneVoiceAgentSlow', 'warning', 'voice'],
      ['SidetoneVoiceAgentDeadAir', 'warning', 'voice'],
    ]);
    expect(problems[0]?.message).toMatch(
      /voice agent slow-bot wait 4\.0 s at p95 over 5 min \(20 turns; limit 3\.5 s\), most of it llm_ttft/,
    );
    // The operator's threshold, not a number of the console's: at 4.5 s slow-bot is fine.
    const relaxed = await consoleProblems(noStore, noData, live, {
      ...ALERT_DEFAULTS,
      voice_silence_p95_seconds: 4.5,
      voice_dead_air_ratio: 1,
    });
    expect(relaxed).toEqual([]);
  });

  it('self: redactions and overflow over 10 min by metric, the scrape p99 over 5 min', () => {
    const registry = new Registry({ prefix: 'sidetone' });
    const w = consoleWindows(registry, 'sidetone', () => 0);
    const scrape = registry.histogram({
      name: 'sidetone_scrape_duration_seconds',
      help: 's',
      labels: ['format'],
      buckets: [0.1, 0.5, 1, 2.5],
    });
    for (let i = 0; i < 100; i++) scrape.labels({ format: 'text' }).observe(i < 98 ? 0.05 : 2);
    const s = selfWindows(w);
    expect(s.redacted).toEqual({});
    expect(s.overflow).toEqual({});
    // rank 99 of 100 in (1, 2.5]: 1 + 1.5 * (99 - 98) / 2.
    expect(s.scrapeP99Seconds).toBeCloseTo(1.75, 6);
  });
});

/** The store-judged conditions need a store and console data: none of them holds here. */
const noStore = {
  stats: async () => ({ finished: 0, answered: 0, mosAvg: null, mediaCount: 0 }),
  iterateSms: async function* () {},
} as unknown as Parameters<typeof consoleProblems>[0];
const noData = {
  generatedAt: 0,
  health: { warnings: [] },
  trunks: [],
  sms: { oldestAwaitingSeconds: null },
} as unknown as Parameters<typeof consoleProblems>[1];
