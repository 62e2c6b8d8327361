/**
 * What is wrong now, for the console's first strip: the conditions of the shipped alerts
 * (src/rules: every one, {@link PROBLEM_COVERAGE} says how each is judged or why it cannot be),
 * with the same `[alerts]` thresholds, windows (ALERT_WINDOWS) and severities as the rules, over
 * the store and the sidecar's live state. Empty when all is well. Each names the alert whose
 * runbook section it links to and the console panel that shows it.
 */
import type { Direction } from '../domain/vocab.js';
import type { Severity } from '../rules/alert-rule.js';
import { alertRules } from '../rules/alerts.js';
import type { AlertSettings } from '../rules/thresholds.js';
import { ALERT_DEFAULTS, ALERT_WINDOWS, CALL_HEALTH_WINDOW_MINUTES } from '../rules/thresholds.js';
import type { CallStore, ModemSample } from '../store/types.js';
import type { ConsoleData } from './console.js';
import { percent, ratios } from './kpi.js';

/** The sidecar's own state at this moment (its packs' gauges), read by the server. */
export interface LiveState {
  trunks: Array<{ trunk: string; up: boolean | null; optionsRttMs: number | null }>;
  /** Each modem's state now: what the store's history samples (`reconnects` since the start). */
  modems: Array<Omit<ModemSample, 'at'>>;
  /** Voice-AI time to first byte per stage (stt, llm, tts…), mean since the previous read, ms. */
  voiceAi: Array<{ stage: string; firstByteMs: number | null }>;
  /** Each voice agent's turns over the voice alerts' windows (src/rules ALERT_WINDOWS). */
  voice: VoiceAgentLive[];
  /** Outbound calls' human-connect rate over its recording rule's window (absent: not read). */
  humanConnect?: HumanConnectLive;
  /** sidetone's own state: what the availability and self alerts read. */
  self: SelfLive;
}

/**
 * One voice agent over the windows its alerts judge (the registry's histograms and counters,
 * summed over models as `sum by (agent)` does): the heard silence over
 * ALERT_WINDOWS.voiceSilence, dead air over ALERT_WINDOWS.voiceDeadAir.
 */
export interface VoiceAgentLive {
  agent: string;
  /** Turns over the silence window. */
  turns: number;
  /** Percentiles of the heard silence over the silence window, as histogram_quantile reads the buckets, ms. */
  silenceP50Ms: number | null;
  silenceP95Ms: number | null;
  /**
   * The segment that held callers longest over the silence window: its mean per turn and its
   * share of the heard silence (the segments add up to it).
   */
  slowestSegment: { segment: string; meanMs: number; sharePercent: number } | null;
  /** Turns, and turns with dead air, over the dead-air window; the ratio null without turns. */
  deadAirWindowTurns: number;
  deadAirTurns: number;
  deadAirRatio: number | null;
  /** Interruptions over the silence window, by kind (barge_in, talked_over…). */
  interruptions: Record<string, number>;
}

/**
 * The human-connect rate of outbound campaigns (src/domain/cost.ts `isHumanConnect`): answering
 * machine verdicts `human` over outbound call attempts, over HUMAN_CONNECT_WINDOW_MINUTES, as the
 * recording rule `instance:sidetone_voiceai_human_connect:ratio_rate10m` reads them.
 */
export interface HumanConnectLive {
  windowMinutes: number;
  human: number;
  attempts: number;
  /** The detector's verdicts in the window, every category: none, no campaign to judge. */
  verdicts: number;
  /** The verdicts by category (AMD_CATEGORIES), those with any in the window. */
  byCategory: Record<string, number>;
  /** human / attempts; null without an outbound attempt in the window (the rule has no sample then). */
  rate: number | null;
}

/** The console API's `voice`: the agents and the windows they were read over (what `sidetone dashboard` prints too). */
export interface VoiceView {
  silenceWindowMinutes: number;
  deadAirWindowMinutes: number;
  agents: VoiceAgentLive[];
  /** Outbound calls' human-connect rate (absent where not read). */
  humanConnect?: HumanConnectLive;
}

/** sidetone's own gauges now, and its self counters over ALERT_WINDOWS. */
export interface SelfLive {
  /** `<prefix>_ready`: null when not reported. */
  ready: boolean | null;
  /** The oldest source heartbeat's age, s; null without one. */
  heartbeatAgeSeconds: number | null;
  /** The HEP listener's health check fails. */
  hepFailing: boolean;
  /** Label values redacted, and samples sent to the overflow series, over the window, by metric. */
  redacted: Record<string, number>;
  overflow: Record<string, number>;
  /** p99 of the /metrics render time over ALERT_WINDOWS.scrapeSlow, s. */
  scrapeP99Seconds: number | null;
}

export interface Problem {
  /** The alert of the same condition; its runbook section is `alerts.runbook_url#<alert lower-cased>`. */
  alert: string;
  severity: 'critical' | 'warning';
  /** One line, with the value and the threshold. */
  message: string;
  /** The console panel that shows it (`trunks`, `modem`, `sms`, `live`, `quality`, `voice`; `problems` when none does). */
  panel: string;
  runbook: string;
  trunk?: string;
}

export type ProblemSettings = Pick<
  AlertSettings,
  | 'runbook_url'
  | 'heartbeat_max_age_seconds'
  | 'signal_min_dbm'
  | 'sms_failure_ratio'
  | 'sms_pending_max_seconds'
  | 'asr_drop_points'
  | 'ner_drop_points'
  | 'kpi_min_attempts'
  | 'mos_min'
  | 'scrape_slow_seconds'
  | 'voice_silence_p95_seconds'
  | 'voice_dead_air_ratio'
  | 'voice_min_turns'
  | 'human_connect_min_ratio'
>;

/**
 * How the strip judges each shipped alert: from the sidecar's live state (`live`: its gauges, and
 * its counters and histograms over the alert's window), from the store (`store`), by the page
 * itself (`page`: a sidecar that does not answer cannot say it is down), or not at all, and why.
 * test/contract/problems-alerts.test.ts holds it to alertRules(): every alert listed, each judged
 * one shown holding and one not.
 */
export const PROBLEM_COVERAGE: Readonly<
  Record<string, { judged: 'live' | 'store' | 'page' } | { notJudged: string }>
> = {
  SidetoneDown: { judged: 'page' },
  SidetoneAbsent: {
    notJudged:
      "Prometheus's service discovery or scrape configuration lost the target: the sidecar cannot see Prometheus's target list",
  },
  SidetoneNotReady: { judged: 'live' },
  SidetoneSourceSilent: { judged: 'live' },
  SidetoneSourceDown: { judged: 'live' },
  SidetoneModemDisconnected: { judged: 'live' },
  SidetoneModemUnregistered: { judged: 'live' },
  SidetoneModemFlapping: { judged: 'live' },
  SidetoneModemSignalWeak: { judged: 'live' },
  SidetoneSmsSendFailures: { judged: 'store' },
  SidetoneSmsDeliveryReportsStalled: { judged: 'store' },
  SidetoneTrunkDown: { judged: 'live' },
  SidetoneTrunkAsrDrop: { judged: 'store' },
  SidetoneTrunkNerDrop: { judged: 'store' },
  SidetoneTrunkNerLow: { judged: 'store' },
  SidetoneMosLow: { judged: 'store' },
  SidetoneZombieCalls: { judged: 'store' },
  SidetoneVoiceAgentSlow: { judged: 'live' },
  SidetoneVoiceAgentDeadAir: { judged: 'live' },
  SidetoneHumanConnectLow: { judged: 'live' },
  SidetonePiiRedacted: { judged: 'live' },
  SidetoneSeriesOverflow: { judged: 'live' },
  SidetoneScrapeSlow: { judged: 'live' },
};

/** Each alert's severity as the rules give it: one source (severities do not depend on settings). */
let severities: Map<string, Severity> | undefined;
const severityOf = (alert: string): Severity =>
  (severities ??= new Map(alertRules(ALERT_DEFAULTS).map((a) => [a.alert, a.severity]))).get(alert) ??
  'warning';

const WINDOW_MS = CALL_HEALTH_WINDOW_MINUTES * 60_000;

/**
 * The problems of now, most severe first.
 * @example
 * const problems = await consoleProblems(store, data, live, config.alerts);
 * problems[0]; // { alert: 'SidetoneTrunkDown', severity: 'critical', message: 'trunk carrier-a is down …', … }
 */
export async function consoleProblems(
  store: CallStore,
  data: ConsoleData,
  live: LiveState,
  s: ProblemSettings,
): Promise<Problem[]> {
  const out: Problem[] = [];
  const add = (p: Omit<Problem, 'runbook' | 'severity'>) =>
    out.push({ ...p, severity: severityOf(p.alert), runbook: `${s.runbook_url}#${p.alert.toLowerCase()}` });
  const now = data.generatedAt;
  for (const t of live.trunks) {
    if (t.up === false)
      add({
        alert: 'SidetoneTrunkDown',
        panel: 'trunks',
        trunk: t.trunk,
        message: `trunk ${t.trunk} is down: SIP OPTIONS probes fail`,
      });
  }
  for (const w of data.health.warnings) {
    if (w.code === 'low_ner')
      add({
        alert: 'SidetoneTrunkNerLow',
        panel: 'trunks',
        ...(w.trunk !== undefined && { trunk: w.trunk }),
        message: w.message,
      });
    if (w.code === 'zombie_calls') add({ alert: 'SidetoneZombieCalls', panel: 'live', message: w.message });
  }
  // ASR and NER over the last 15 minutes this many points below the trunk's own day, per trunk
  // and direction as the rules group them (SidetoneTrunkAsrDrop, SidetoneTrunkNerDrop).
  const recent = { from: now - WINDOW_MS, to: now + 1 };
  const day = { from: now - 86_400_000, to: now + 1 };
  const directions: readonly Direction[] = ['inbound', 'outbound'];
  const drops = await Promise.all(
    data.trunks.flatMap((t) =>
      directions.map(async (direction) => {
        const [r, d] = await Promise.all([
          store.stats({ ...recent, trunk: t.trunk, direction }),
          store.stats({ ...day, trunk: t.trunk, direction }),
        ]);
        return {
          trunk: t.trunk,
          direction,
          attempts: r.finished,
          now: ratios({ ...r, attempts: r.finished }),
          day: ratios({ ...d, attempts: d.finished }),
        };
      }),
    ),
  );
  for (const d of drops) {
    if (d.attempts < s.kpi_min_attempts) continue;
    for (const [kpi, alert, points] of [
      ['asr', 'SidetoneTrunkAsrDrop', s.asr_drop_points],
      ['ner', 'SidetoneTrunkNerDrop', s.ner_drop_points],
    ] as const) {
      const v = d.now[kpi];
      const base = d.day[kpi];
      if (v !== null && base !== null && v < base - points)
        add({
          alert,
          panel: 'trunks',
          trunk: d.trunk,
          message: `${kpi.toUpperCase()} on trunk ${d.trunk} (${d.direction}) over ${CALL_HEALTH_WINDOW_MINUTES} min is ${v}% (${d.attempts} attempts), more than ${points} points below its day (${base}%)`,
        });
    }
  }
  for (const m of live.modems) {
    if (m.connected === false)
      add({
        alert: 'SidetoneModemDisconnected',
        panel: 'modem',
        message: `modem ${m.modem} is disconnected`,
      });
    else if (m.registered === false)
      add({
        alert: 'SidetoneModemUnregistered',
        panel: 'modem',
        message: `modem ${m.modem} is not registered on the network`,
      });
    if (m.flapping)
      add({
        alert: 'SidetoneModemFlapping',
        panel: 'modem',
        message: `modem ${m.modem} is flapping (${m.reconnects} reconnects)`,
      });
    if (m.signalDbm !== null && m.signalDbm < s.signal_min_dbm)
      add({
        alert: 'SidetoneModemSignalWeak',
        panel: 'modem',
        message: `modem ${m.modem} signal ${m.signalDbm} dBm, below ${s.signal_min_dbm} dBm`,
      });
  }
  const sms = data.sms;
  const maxMs = s.sms_pending_max_seconds * 1000;
  // One pass over the last window's submissions for two problems.
  // As SidetoneSmsSendFailures: submissions the modem or provider refused (not failed reports).
  // As SidetoneSmsDeliveryReportsStalled: an old one waiting AND no final report for as long (a
  // lost report or two on a healthy SMSC is not a stall). The alert counts final reports that
  // arrived in the last limit (increase(sms_delivery_reports_total{outcome!="pending"}[limit])):
  // a delivered or failed report, by when it arrived. A refusal is no report (it has a failure
  // reason, a failed report has none): counted as one, each refusal hid the stall for a whole
  // limit, and a demo refusing now and then never showed it.
  let submitted = 0;
  let refused = 0;
  let finalsLately = 0;
  for await (const m of store.iterateSms({ from: now - WINDOW_MS, to: now + 1, chunkSize: 500 })) {
    if (m.direction !== 'outbound') continue;
    submitted++;
    if (m.status === 'failed' && m.failureReason !== null) refused++;
    else if ((m.deliveredAt ?? m.failedAt ?? -Infinity) >= now - maxMs) finalsLately++;
  }
  if (
    finalsLately === 0 &&
    sms.oldestAwaitingSeconds !== null &&
    sms.oldestAwaitingSeconds > s.sms_pending_max_seconds
  )
    add({
      alert: 'SidetoneSmsDeliveryReportsStalled',
      panel: 'sms',
      message: `an SMS has waited ${sms.oldestAwaitingSeconds} s for its delivery report (limit ${s.sms_pending_max_seconds} s)`,
    });
  if (submitted > 0 && refused / submitted > s.sms_failure_ratio)
    add({
      alert: 'SidetoneSmsSendFailures',
      panel: 'sms',
      message: `${percent(refused, submitted)}% of SMS submissions failed over ${CALL_HEALTH_WINDOW_MINUTES} min (limit ${s.sms_failure_ratio * 100}%)`,
    });
  const q = await store.stats(recent);
  if (q.mosAvg !== null && q.mediaCount > 0 && q.mosAvg < s.mos_min)
    add({
      alert: 'SidetoneMosLow',
      panel: 'quality',
      message: `mean MOS over ${CALL_HEALTH_WINDOW_MINUTES} min is ${q.mosAvg.toFixed(2)}, below ${s.mos_min}`,
    });
  const own = live.self;
  if (own.ready === false)
    add({
      alert: 'SidetoneNotReady',
      panel: 'problems',
      message: 'sidetone is not ready: /readyz names the failing check',
    });
  if (own.heartbeatAgeSeconds !== null && own.heartbeatAgeSeconds > s.heartbeat_max_age_seconds)
    add({
      alert: 'SidetoneSourceSilent',
      panel: 'problems',
      message: `the last source heartbeat is ${Math.round(own.heartbeatAgeSeconds)} s old (limit ${s.heartbeat_max_age_seconds} s)`,
    });
  if (own.hepFailing)
    add({
      alert: 'SidetoneSourceDown',
      panel: 'problems',
      message: 'the HEP listener cannot listen: /readyz says why',
    });
  const selfMinutes = ALERT_WINDOWS.selfIncrease.minutes;
  for (const [metric, n] of Object.entries(own.redacted))
    add({
      alert: 'SidetonePiiRedacted',
      panel: 'problems',
      message: `${n} label values of ${metric} redacted as personal data in ${selfMinutes} min`,
    });
  for (const [metric, n] of Object.entries(own.overflow))
    add({
      alert: 'SidetoneSeriesOverflow',
      panel: 'problems',
      message: `${n} samples of ${metric} went to the overflow series in ${selfMinutes} min (metrics.max_series)`,
    });
  if (own.scrapeP99Seconds !== null && own.scrapeP99Seconds > s.scrape_slow_seconds)
    add({
      alert: 'SidetoneScrapeSlow',
      panel: 'problems',
      message: `p99 of /metrics render time over ${ALERT_WINDOWS.scrapeSlow.minutes} min is ${own.scrapeP99Seconds} s (limit ${s.scrape_slow_seconds} s)`,
    });
  for (const v of live.voice) {
    if (
      v.silenceP95Ms !== null &&
      v.silenceP95Ms > s.voice_silence_p95_seconds * 1000 &&
      v.turns >= s.voice_min_turns
    )
      add({
        alert: 'SidetoneVoiceAgentSlow',
        panel: 'voice',
        message: `callers of voice agent ${v.agent} wait ${(v.silenceP95Ms / 1000).toFixed(1)} s at p95 over ${ALERT_WINDOWS.voiceSilence.minutes} min (${v.turns} turns; limit ${s.voice_silence_p95_seconds} s)${v.slowestSegment === null ? '' : `, most of it ${v.slowestSegment.segment}`}`,
      });
    if (
      v.deadAirRatio !== null &&
      v.deadAirRatio > s.voice_dead_air_ratio &&
      v.deadAirWindowTurns >= s.voice_min_turns
    )
      add({
        alert: 'SidetoneVoiceAgentDeadAir',
        panel: 'voice',
        message: `dead air on ${percent(v.deadAirTurns, v.deadAirWindowTurns)}% of voice agent ${v.agent} turns over ${ALERT_WINDOWS.voiceDeadAir.minutes} min (limit ${s.voice_dead_air_ratio * 100}%)`,
      });
  }
  // As SidetoneHumanConnectLow: per instance, only with a verdict and enough outbound attempts.
  const hc = live.humanConnect;
  if (
    hc !== undefined &&
    hc.verdicts > 0 &&
    hc.attempts >= s.kpi_min_attempts &&
    hc.human / hc.attempts < s.human_connect_min_ratio
  )
    add({
      alert: 'SidetoneHumanConnectLow',
      panel: 'voice',
      message: `a person answered ${percent(hc.human, hc.attempts)}% of outbound call attempts over ${hc.windowMinutes} min (${hc.human} of ${hc.attempts}; limit ${Math.round(s.human_connect_min_ratio * 1000) / 10}%): ${machines(hc.byCategory)}`,
    });
  return out.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'critical' ? -1 : 1));
}

/** What the detector found instead of a person, most first: `machine-vm 40, machine-ivr 12`. */
function machines(byCategory: Record<string, number>): string {
  const rest = Object.entries(byCategory)
    .filter(([c, n]) => c !== 'human' && n > 0)
    .sort((a, b) => b[1] - a[1]);
  return rest.length === 0
    ? 'no other verdict'
    : `the detector found ${rest.map(([c, n]) => `${c} ${n}`).join(', ')}`;
}
