import { HUMAN_CONNECT_WINDOW_MINUTES } from '../domain/cost.js';

/**
 * Alert settings (the `[alerts]` configuration section): what the generated rules compare
 * against. Defaults are conservative for a small PBX or SMS gateway; docs/config.md and
 * docs/runbook.md explain each one.
 */
export interface AlertSettings {
  /** The Prometheus `job` that scrapes sidetone (the `up`/`absent` alerts select on it). */
  job: string;
  /**
   * Where docs/runbook.md is served, as an absolute URL (a relative link means nothing in a pager
   * or a chat); each alert's `runbook_url` is this plus `#<alert>`.
   */
  runbook_url: string;
  /** Source silent: heartbeat older than this. */
  heartbeat_max_age_seconds: number;
  /** Weak signal: RSSI below this, in dBm (3GPP TS 27.007 +CSQ mapped to dBm), for 10 minutes. */
  signal_min_dbm: number;
  /** SMS send failures / (sent + failures) over 15 minutes above this fraction. */
  sms_failure_ratio: number;
  /** Delivery reports stalled: the oldest SMS awaiting its final report is older than this. */
  sms_pending_max_seconds: number;
  /** ASR over 15 minutes this many points below the trunk's own 1-day ASR. */
  asr_drop_points: number;
  /** NER over 15 minutes this many points below the trunk's own 1-day NER. */
  ner_drop_points: number;
  /**
   * Call health: a trunk's NER (ITU-T E.425) over the last {@link CALL_HEALTH_WINDOW_MINUTES}
   * minutes below this, %. NER counts busy, no answer and declined as effective, so a line whose
   * callees do not pick up stays healthy; the network failing calls does not. One threshold for
   * SidetoneTrunkNerLow, `/metrics/health`, readiness's `call_quality`, `sidetone health` and the
   * console.
   */
  ner_min_percent: number;
  /** KPI alerts and call health need at least this many attempts in the 15 minutes (no alarms on 3 calls). */
  kpi_min_attempts: number;
  /** Mean MOS-CQE over 15 minutes below this (G.107 Annex B: 3.6 is "some users dissatisfied"). */
  mos_min: number;
  /** 99th percentile of /metrics render time over 5 minutes above this, in seconds. */
  scrape_slow_seconds: number;
  /** Voice agents: p95 of the heard silence over 5 minutes above this, in seconds, for 5 minutes. */
  voice_silence_p95_seconds: number;
  /** Voice agents: share of turns with dead air over 10 minutes above this fraction, for 10 minutes. */
  voice_dead_air_ratio: number;
  /** Voice-agent alerts need at least this many turns in their window (no alarms on 3 turns). */
  voice_min_turns: number;
  /**
   * Outbound campaigns: the human-connect rate (answered by a person, as the answering-machine
   * detector found, over outbound call attempts; src/domain/cost.ts `isHumanConnect`) over
   * HUMAN_CONNECT_WINDOW_MINUTES below this fraction, for 10 minutes, with `kpi_min_attempts`
   * outbound attempts and a detector's verdict in the window. One threshold for
   * SidetoneHumanConnectLow, the console's "Problems now" and its voice panel. 0 turns it off.
   */
  human_connect_min_ratio: number;
}

export const ALERT_DEFAULTS: Readonly<AlertSettings> = {
  job: 'sidetone',
  // The runbook of this very version, as published with the package (its `files` include docs/).
  // A default install's own page (GET /runbook, served at server.host:server.port's defaults): it
  // resolves wherever Prometheus and Alertmanager run beside the sidecar; set alerts.runbook_url
  // once to the address your pager can reach.
  runbook_url: 'http://127.0.0.1:9464/runbook',
  heartbeat_max_age_seconds: 120,
  signal_min_dbm: -100,
  sms_failure_ratio: 0.1,
  sms_pending_max_seconds: 900,
  asr_drop_points: 20,
  ner_drop_points: 15,
  ner_min_percent: 70,
  kpi_min_attempts: 20,
  mos_min: 3.5,
  scrape_slow_seconds: 1,
  // Conversation research puts the natural gap between turns near 0.2 s and calls a pause past a
  // second noticeable; agents sit at 1-2 s. 3.5 s at the 95th percentile is callers talking over,
  // repeating themselves or hanging up (issue 36).
  voice_silence_p95_seconds: 3.5,
  voice_dead_air_ratio: 0.1,
  voice_min_turns: 20,
  // A campaign whose detector finds a person on fewer than 1 attempt in 10 is dialing mostly into
  // voicemail and IVRs: the list, the hour, or a caller ID that networks label as spam (its calls
  // go unanswered or to voicemail). The demo answers 60-61 % of its outbound attempts (seeds 1, 5,
  // 7 at rate 1); its answering-machine scenario finds a person on 1 answered call in 20: 3.1-3.2 %
  // of attempts, at most 4.8 % in any 10 minutes with 20 attempts.
  human_connect_min_ratio: 0.1,
};

/** The window call health judges a trunk's NER over, minutes (the shortest recorded KPI window). */
export const CALL_HEALTH_WINDOW_MINUTES = 15;

/**
 * The windows and quantiles of the alerts that read a rate, an increase or a quantile: the rules'
 * expressions (./alerts.ts, ./voice.ts) and the console's "Problems now" (src/analytics/problems.ts)
 * both read them here, so the strip judges the window the alert judges.
 */
export const ALERT_WINDOWS = {
  /** SidetoneVoiceAgentSlow: the p95 of the heard silence over 5 minutes, and the turns of as long. */
  voiceSilence: { minutes: 5, quantile: 0.95 },
  /** SidetoneVoiceAgentDeadAir: dead-air turns over turns, and the turns, over 10 minutes. */
  voiceDeadAir: { minutes: 10 },
  /** SidetonePiiRedacted, SidetoneSeriesOverflow: any increase over 10 minutes. */
  selfIncrease: { minutes: 10 },
  /**
   * SidetoneHumanConnectLow: the human-connect rate, the outbound attempts and the detector's
   * verdicts over HUMAN_CONNECT_WINDOW_MINUTES (src/domain/cost.ts, which its recording rule reads).
   */
  humanConnect: { minutes: HUMAN_CONNECT_WINDOW_MINUTES },
  /** SidetoneScrapeSlow: the p99 of the /metrics render time over 5 minutes. */
  scrapeSlow: { minutes: 5, quantile: 0.99 },
} as const;
