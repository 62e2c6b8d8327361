/**
 * The modem over time (issue 37): its signal trend and its registration and reconnect timeline,
 * from the samples the store keeps (`CallStore.modemHistory`), so the console and `sidetone modem`
 * show the last day after a restart or a page reload, not what happened since either.
 */
import type { CallStore, ModemSample } from '../store/types.js';

/** Samples a modem's trend has at most: the period is cut into this many buckets or fewer. */
export const MODEM_TREND_POINTS = 240;
/** Timeline entries kept per modem: the newest. */
export const MODEM_TIMELINE_MAX = 200;

/** One bucket of the trend: the worst of its samples (a dip is what an operator looks for). */
export interface ModemTrendPoint {
  /** Bucket start, epoch ms. */
  at: number;
  /** Lowest RSSI / RSRP in the bucket, dBm; null when none was known. */
  signalDbm: number | null;
  rsrpDbm: number | null;
  /** False when any sample of the bucket was not registered; null when none said. */
  registered: boolean | null;
}

export type ModemChange =
  | 'connected'
  | 'disconnected'
  | 'registered'
  | 'not_registered'
  | 'reconnected'
  | 'flapping'
  | 'stable';

/** A change of state between two samples, at the later one. */
export interface ModemTimelineEntry {
  at: number;
  change: ModemChange;
  /** For `reconnected`: how many reconnects between the two samples. */
  count?: number;
}

export interface ModemHistoryView {
  modem: string;
  /** Samples read for the period. */
  samples: number;
  firstAt: number;
  lastAt: number;
  /** Over every sample of the period, dBm. */
  signal: { min: number | null; max: number | null; last: number | null };
  rsrp: { min: number | null; max: number | null; last: number | null };
  /** Reconnects in the period (counter increases; a sidecar restart resets the counter). */
  reconnects: number;
  /** The state at the first sample of the period (what the timeline changes from). */
  initial: { connected: boolean | null; registered: boolean | null; flapping: boolean };
  trend: ModemTrendPoint[];
  bucketMs: number;
  /** Oldest first; the newest {@link MODEM_TIMELINE_MAX}. */
  timeline: ModemTimelineEntry[];
}

/** What `GET /metrics/modems` answers and `sidetone modem --json` prints. */
export interface ModemHistory {
  period: { from: number; to: number };
  modems: ModemHistoryView[];
}

/** Bucket sizes the trend may use: a minute up to a day. */
const STEPS = [60_000, 300_000, 900_000, 3_600_000, 21_600_000, 86_400_000];

const lower = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
const higher = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

/** The timeline between two samples of one modem. */
function changes(prev: ModemSample, s: ModemSample, out: ModemTimelineEntry[]): void {
  if (s.connected !== null && prev.connected !== s.connected)
    out.push({ at: s.at, change: s.connected ? 'connected' : 'disconnected' });
  if (s.registered !== null && prev.registered !== s.registered)
    out.push({ at: s.at, change: s.registered ? 'registered' : 'not_registered' });
  // A counter that went down: the sidecar restarted, and counted anew from zero.
  const count = s.reconnects >= prev.reconnects ? s.reconnects - prev.reconnects : s.reconnects;
  if (count > 0) out.push({ at: s.at, change: 'reconnected', count });
  if (prev.flapping !== s.flapping) out.push({ at: s.at, change: s.flapping ? 'flapping' : 'stable' });
}

/** One modem's samples (oldest first) as its view. */
function view(modem: string, ss: readonly ModemSample[], from: number, to: number): ModemHistoryView {
  const bucketMs = STEPS.find((b) => (to - from) / b <= MODEM_TREND_POINTS) ?? STEPS.at(-1)!;
  const trend: ModemTrendPoint[] = [];
  const timeline: ModemTimelineEntry[] = [];
  const signal = { min: null as number | null, max: null as number | null, last: null as number | null };
  const rsrp = { min: null as number | null, max: null as number | null, last: null as number | null };
  let reconnects = 0;
  let prev: ModemSample | undefined;
  for (const s of ss) {
    const at = Math.floor(s.at / bucketMs) * bucketMs;
    let p = trend.at(-1);
    if (p === undefined || p.at !== at) {
      p = { at, signalDbm: null, rsrpDbm: null, registered: null };
      trend.push(p);
    }
    p.signalDbm = lower(p.signalDbm, s.signalDbm);
    p.rsrpDbm = lower(p.rsrpDbm, s.rsrpDbm);
    if (s.registered !== null) p.registered = p.registered === false ? false : s.registered;
    signal.min = lower(signal.min, s.signalDbm);
    signal.max = higher(signal.max, s.signalDbm);
    if (s.signalDbm !== null) signal.last = s.signalDbm;
    rsrp.min = lower(rsrp.min, s.rsrpDbm);
    rsrp.max = higher(rsrp.max, s.rsrpDbm);
    if (s.rsrpDbm !== null) rsrp.last = s.rsrpDbm;
    if (prev !== undefined) {
      const before = timeline.length;
      changes(prev, s, timeline);
      for (let i = before; i < timeline.length; i++) reconnects += timeline[i]!.count ?? 0;
    }
    prev = s;
  }
  const first = ss[0]!;
  return {
    modem,
    samples: ss.length,
    firstAt: first.at,
    lastAt: ss.at(-1)!.at,
    signal,
    rsrp,
    reconnects,
    initial: { connected: first.connected, registered: first.registered, flapping: first.flapping },
    trend,
    bucketMs,
    timeline: timeline.slice(-MODEM_TIMELINE_MAX),
  };
}

/**
 * Each modem's history over `[from, to)`: its signal trend (the worst sample per bucket, at most
 * {@link MODEM_TREND_POINTS} buckets), its reconnects and the changes of its state.
 * @example
 * const { modems } = await modemHistory(store, { from: Date.now() - 86_400_000, to: Date.now() });
 * modems[0].timeline // [{ at, change: 'not_registered' }, { at, change: 'reconnected', count: 1 }, …]
 */
export async function modemHistory(
  store: CallStore,
  q: { from: number; to: number; modem?: string },
): Promise<ModemHistory> {
  const rows = await store.modemHistory(q);
  const by = new Map<string, ModemSample[]>();
  for (const s of rows) {
    const list = by.get(s.modem);
    if (list === undefined) by.set(s.modem, [s]);
    else list.push(s);
  }
  const modems = [...by.keys()].sort().map((m) => view(m, by.get(m)!, q.from, q.to));
  return { period: { from: q.from, to: q.to }, modems };
}
