/**
 * The sidecar's live state for the console, read from its registry as typed series (after the
 * collect callbacks, as a scrape reads them): trunk up/down and OPTIONS RTT, the modems. No text
 * exposition is parsed, and the family names carry the configured `metrics.prefix`.
 */
import type { LiveState } from '../analytics/problems.js';
import type { Registry } from '../metrics/index.js';
import type { FamilySnapshot, SeriesSnapshot } from '../metrics/snapshot.js';
import { humanConnectLive, selfWindows, voiceAgents } from './console-voice.js';
import type { LiveWindows } from './console-windows.js';

const label = (s: SeriesSnapshot, name: string) => s.labels.find(([n]) => n === name)?.[1] ?? '';

/**
 * A reader of {@link LiveState}. The OPTIONS RTT is the mean of the probes since the previous read
 * (the histogram's sum and count differences), so it follows the trunk now, not since start. The
 * voice agents and the self counters are read over the alerts' windows from `windows`.
 * @example
 * const windows = consoleWindows(registry, 'sidetone');
 * const live = liveReader(registry, 'sidetone', windows);
 * const state = await live();
 */
export function liveReader(
  registry: Registry,
  prefix: string,
  windows: LiveWindows,
  /**
   * Readiness as /readyz answers it now (the health registry's run, shared with a concurrent
   * probe). Without it the `<prefix>_ready` gauge, which is the last background run's (up to 10 s
   * old): the strip said SidetoneNotReady beside a badge that /readyz had just made "Ready".
   */
  readiness?: () => Promise<boolean>,
): () => Promise<LiveState> {
  const last = new Map<string, { sum: number; count: number; mean: number | null }>();
  /** Mean of a histogram's observations since the previous read, ms (the last one when none came). */
  const recentMean = (key: string, h: { sum: number; count: number } | undefined): number | null => {
    const prev = last.get(key);
    if (h === undefined) return prev?.mean ?? null;
    const dc = h.count - (prev?.count ?? 0);
    const mean = dc > 0 ? Math.round(((h.sum - (prev?.sum ?? 0)) / dc) * 10_000) / 10 : (prev?.mean ?? null);
    last.set(key, { sum: h.sum, count: h.count, mean });
    return mean;
  };
  return async () => {
    await registry.collect();
    const families = new Map<string, FamilySnapshot>();
    for (const f of registry.snapshot())
      if (f.name.startsWith(`${prefix}_`)) families.set(f.name.slice(prefix.length + 1), f);
    const series = (name: string) => families.get(name)?.series ?? [];
    const by = (name: string, key: string) =>
      new Map(series(name).map((s) => [label(s, key), s.value ?? null]));

    const up = by('trunk_up', 'trunk');
    const trunks = series('trunk_options_rtt_seconds')
      .map((s) => label(s, 'trunk'))
      .concat([...up.keys()]);
    const rtt = new Map(series('trunk_options_rtt_seconds').map((s) => [label(s, 'trunk'), s.histogram]));
    const liveTrunks = [...new Set(trunks)].sort().map((trunk) => {
      const u = up.get(trunk);
      return {
        trunk,
        up: u === undefined || u === null ? null : u === 1,
        optionsRttMs: recentMean(`trunk:${trunk}`, rtt.get(trunk)),
      };
    });
    const voiceAi = series('voiceai_first_byte_seconds')
      .filter((s) => (s.histogram?.count ?? 0) > 0)
      .map((s) => ({
        stage: label(s, 'stage'),
        firstByteMs: recentMean(`voiceai:${label(s, 'stage')}`, s.histogram),
      }));

    const connected = by('modem_connected', 'modem');
    const registered = by('modem_registered', 'modem');
    const signal = by('modem_signal_rssi_dbm', 'modem');
    const rsrp = by('modem_signal_rsrp_dbm', 'modem');
    // A counter by the reason the modem had gone: a modem's reconnects are the sum of its series
    // (read as one per modem, the last reason's count stood for all: 0 through a modem-flap demo).
    const reconnects = new Map<string, number>();
    for (const s of series('modem_reconnects'))
      reconnects.set(label(s, 'modem'), (reconnects.get(label(s, 'modem')) ?? 0) + (s.value ?? 0));
    const flapping = by('modem_flapping', 'modem');
    const names = new Set([...connected.keys(), ...registered.keys(), ...signal.keys()]);
    const bool = (v: number | null | undefined) => (v === undefined || v === null ? null : v === 1);
    const modems = [...names].sort().map((modem) => ({
      modem,
      connected: bool(connected.get(modem)),
      registered: bool(registered.get(modem)),
      signalDbm: signal.get(modem) ?? null,
      rsrpDbm: rsrp.get(modem) ?? null,
      reconnects: reconnects.get(modem) ?? 0,
      flapping: flapping.get(modem) === 1,
    }));
    const ready = readiness === undefined ? series('ready')[0]?.value : (await readiness()) ? 1 : 0;
    const ages = series('source_heartbeat_age_seconds').map((x) => x.value ?? 0);
    const self = {
      ready: ready === undefined ? null : ready === 1,
      heartbeatAgeSeconds: ages.length === 0 ? null : Math.max(...ages),
      hepFailing: series('health_check_status').some(
        (x) => label(x, 'check') === 'hep' && label(x, 'status') === 'fail' && x.value === 1,
      ),
      ...selfWindows(windows),
    };
    return {
      trunks: liveTrunks,
      modems,
      voiceAi,
      voice: voiceAgents(windows),
      humanConnect: humanConnectLive(windows),
      self,
    };
  };
}
