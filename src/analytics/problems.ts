/**
 * What is wrong now, for the console's first strip: the conditions of the shipped alerts
 * (src/rules/alerts.ts), judged with the same `[alerts]` thresholds, over the store and the
 * sidecar's live state. Empty when all is well. Each names the alert whose runbook section it
 * links to and the console panel that shows it.
 */
import type { AlertSettings } from '../rules/thresholds.js';
import { CALL_HEALTH_WINDOW_MINUTES } from '../rules/thresholds.js';
import type { CallStore, ModemSample } from '../store/types.js';
import type { ConsoleData } from './console.js';
import { percent } from './kpi.js';

/** The sidecar's own state at this moment (its packs' gauges), read by the server. */
export interface LiveState {
  trunks: Array<{ trunk: string; up: boolean | null; optionsRttMs: number | null }>;
  /** Each modem's state now: what the store's history samples (`reconnects` since the start). */
  modems: Array<Omit<ModemSample, 'at'>>;
  /** Voice-AI time to first byte per stage (stt, llm, tts…), mean since the previous read, ms. */
  voiceAi: Array<{ stage: string; firstByteMs: number | null }>;
}

export interface Problem {
  /** The alert of the same condition; its runbook section is `alerts.runbook_url#<alert lower-cased>`. */
  alert: string;
  severity: 'critical' | 'warning';
  /** One line, with the value and the threshold. */
  message: string;
  /** The console panel that shows it (`trunks`, `modem`, `sms`, `calls`, `quality`). */
  panel: string;
  runbook: string;
  trunk?: string;
}

export type ProblemSettings = Pick<
  AlertSettings,
  | 'runbook_url'
  | 'signal_min_dbm'
  | 'sms_failure_ratio'
  | 'sms_pending_max_seconds'
  | 'asr_drop_points'
  | 'kpi_min_attempts'
  | 'mos_min'
>;

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
  const add = (p: Omit<Problem, 'runbook'>) =>
    out.push({ ...p, runbook: `${s.runbook_url}#${p.alert.toLowerCase()}` });
  const now = data.generatedAt;
  for (const t of live.trunks) {
    if (t.up === false)
      add({
        alert: 'SidetoneTrunkDown',
        severity: 'critical',
        panel: 'trunks',
        trunk: t.trunk,
        message: `trunk ${t.trunk} is down: SIP OPTIONS probes fail`,
      });
  }
  for (const w of data.health.warnings) {
    if (w.code === 'low_ner')
      add({
        alert: 'SidetoneTrunkNerLow',
        severity: 'critical',
        panel: 'trunks',
        ...(w.trunk !== undefined && { trunk: w.trunk }),
        message: w.message,
      });
    if (w.code === 'zombie_calls')
      add({ alert: 'SidetoneZombieCalls', severity: 'warning', panel: 'live', message: w.message });
  }
  // ASR over the last 15 minutes this many points below the trunk's own day (SidetoneTrunkAsrDrop).
  const recent = { from: now - WINDOW_MS, to: now + 1 };
  const day = { from: now - 86_400_000, to: now + 1 };
  const drops = await Promise.all(
    data.trunks.map(async (t) => {
      const [r, d] = await Promise.all([
        store.stats({ ...recent, trunk: t.trunk }),
        store.stats({ ...day, trunk: t.trunk }),
      ]);
      return {
        trunk: t.trunk,
        attempts: r.finished,
        asr: percent(r.answered, r.finished),
        dayAsr: percent(d.answered, d.finished),
      };
    }),
  );
  for (const d of drops) {
    if (d.asr === null || d.dayAsr === null || d.attempts < s.kpi_min_attempts) continue;
    if (d.asr < d.dayAsr - s.asr_drop_points)
      add({
        alert: 'SidetoneTrunkAsrDrop',
        severity: 'warning',
        panel: 'trunks',
        trunk: d.trunk,
        message: `ASR on trunk ${d.trunk} over ${CALL_HEALTH_WINDOW_MINUTES} min is ${d.asr}% (${d.attempts} attempts), more than ${s.asr_drop_points} points below its day (${d.dayAsr}%)`,
      });
  }
  for (const m of live.modems) {
    if (m.connected === false)
      add({
        alert: 'SidetoneModemDisconnected',
        severity: 'critical',
        panel: 'modem',
        message: `modem ${m.modem} is disconnected`,
      });
    else if (m.registered === false)
      add({
        alert: 'SidetoneModemUnregistered',
        severity: 'critical',
        panel: 'modem',
        message: `modem ${m.modem} is not registered on the network`,
      });
    if (m.flapping)
      add({
        alert: 'SidetoneModemFlapping',
        severity: 'warning',
        panel: 'modem',
        message: `modem ${m.modem} is flapping (${m.reconnects} reconnects)`,
      });
    if (m.signalDbm !== null && m.signalDbm < s.signal_min_dbm)
      add({
        alert: 'SidetoneModemSignalWeak',
        severity: 'warning',
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
      severity: 'warning',
      panel: 'sms',
      message: `an SMS has waited ${sms.oldestAwaitingSeconds} s for its delivery report (limit ${s.sms_pending_max_seconds} s)`,
    });
  if (submitted > 0 && refused / submitted > s.sms_failure_ratio)
    add({
      alert: 'SidetoneSmsSendFailures',
      severity: 'warning',
      panel: 'sms',
      message: `${percent(refused, submitted)}% of SMS submissions failed over ${CALL_HEALTH_WINDOW_MINUTES} min (limit ${s.sms_failure_ratio * 100}%)`,
    });
  const q = await store.stats(recent);
  if (q.mosAvg !== null && q.mediaCount > 0 && q.mosAvg < s.mos_min)
    add({
      alert: 'SidetoneMosLow',
      severity: 'warning',
      panel: 'quality',
      message: `mean MOS over ${CALL_HEALTH_WINDOW_MINUTES} min is ${q.mosAvg.toFixed(2)}, below ${s.mos_min}`,
    });
  return out.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'critical' ? -1 : 1));
}
