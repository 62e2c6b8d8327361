import type { EventType } from '../../events/types.js';

/** The instrumentation packs; `source` (heartbeats) is always on. */
export const PACK_NAMES = [
  'source',
  'sms',
  'ussd',
  'modem',
  'calls',
  'trunks',
  'sip',
  'media',
  'voiceai',
  'pbx',
  'sim',
] as const;
export type PackName = (typeof PACK_NAMES)[number];

/** Label values that come from the configuration (bounded by it; unknown names become `other`). */
export type ConfigList = 'trunks' | 'operators' | 'modems' | 'queues' | 'agents' | 'models';

/** One catalogued metric: the single source of its name, help, unit, labels and source events. */
export interface MetricSpec {
  readonly pack: PackName;
  /** Name after `<prefix>_`; counters end in `_total` (the sample name). */
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly help: string;
  /** OpenMetrics unit; the name ends in `_<unit>` (before `_total`). */
  readonly unit?: string;
  /** Label name -> allowed values (or the configuration list they come from), in label order. */
  readonly labels?: Readonly<Record<string, readonly string[] | ConfigList>>;
  readonly buckets?: readonly number[];
  /** Gauges: `unknown` = absent until a first real value (never a made-up zero). */
  readonly initial?: 'unknown';
  /** Events that move it. */
  readonly events: readonly EventType[];
  /** Extra semantics for the docs (when it is computed, when it disappears). */
  readonly note?: string;
}

/** Histogram buckets, in base units. */
export const BUCKETS = {
  /** PDD, setup, SIP and probe latencies: 5 ms .. 60 s (Timer B is 32 s). */
  latency: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  /** Talk time: 1 s .. 2 h. */
  talk: [1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200],
  /** MOS-CQE 1..4.5 (G.107 caps narrowband MOS at 4.5), finer where quality is usable. */
  mos: [1, 1.5, 2, 2.5, 3, 3.5, 3.8, 4, 4.2, 4.4, 4.5],
  jitter: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.5],
  rtt: [0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2, 5, 10],
  loss: [0, 0.001, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.5, 1],
  /** SMS submit -> delivery report: 1 s .. 1 day. */
  delivery: [1, 2, 5, 10, 30, 60, 120, 300, 900, 3600, 86400],
  /**
   * The silence a caller hears in a voice-agent turn: fine around the shipped thresholds (dead air
   * at 3 s, the p95 alert at 3.5 s) so `histogram_quantile` and the ratios are exact there.
   */
  heard: [0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 2.5, 3, 3.5, 4, 5, 7.5, 10, 15, 30],
  /** One stage of that silence (STT, endpointing, LLM time to first token, TTS first byte, rest). */
  segment: [0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10],
  /**
   * A model's probability (end of turn, interruption): tenths, finer at the top, where LiveKit's
   * end-of-turn thresholds sit (its unlikely threshold is per language, well above 0.5 for most).
   */
  probability: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1],
  /** Voice-agent first-byte and tool latencies. */
  ai: [0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10],
  /** APDU round trips on a reader or modem. */
  apdu: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  /** Sessions, queue waits, recordings: 0.1 s .. 30 min. */
  long: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800],
} as const satisfies Record<string, readonly number[]>;
