import { HUMAN_CONNECT_WINDOW_MINUTES } from '../domain/cost.js';
import { TURN_STAGES } from '../domain/vocab.js';
import { DefinitionError } from '../errors.js';
import { CATALOGUE, metricName } from '../telephony/catalogue.js';
import type { AlertRule } from './alert-rule.js';
import { oneLine } from './kpi.js';
import type { RecordingRule } from './recording.js';
import { ALERT_WINDOWS, type AlertSettings } from './thresholds.js';

/** Voice-agent rules group per scraped instance and configured agent name. */
const BY = 'job, instance, agent';

function catalogued(prefix: string, name: string): string {
  const spec = CATALOGUE.find((s) => s.name === name);
  if (spec === undefined)
    throw new DefinitionError(
      'ST_NOT_IN_CATALOGUE',
      `metric "${name}" is not in the catalogue: update src/rules`,
    );
  return metricName(spec, prefix);
}

/**
 * The recorded voice-agent series, in the `level:metric:operations` convention: the p50 and p95
 * of the heard silence over 5 minutes, the turn rate, and the share of turns with dead air over
 * 10 minutes, per instance and agent.
 * @example voiceRecordName('silence_p95') // 'instance_agent:sidetone_voiceai_heard_silence_seconds:p95_5m'
 */
export function voiceRecordName(
  what: 'silence_p50' | 'silence_p95' | 'turns' | 'dead_air_ratio' | 'human_connect_ratio',
  prefix = 'sidetone',
): string {
  switch (what) {
    case 'silence_p50':
      return `instance_agent:${prefix}_voiceai_heard_silence_seconds:p50_5m`;
    case 'silence_p95':
      return `instance_agent:${prefix}_voiceai_heard_silence_seconds:p95_5m`;
    case 'turns':
      return `instance_agent:${prefix}_voiceai_turns:rate5m`;
    case 'dead_air_ratio':
      return `instance_agent:${prefix}_voiceai_dead_air_turns:ratio_rate10m`;
    case 'human_connect_ratio':
      return `instance:${prefix}_voiceai_human_connect:ratio_rate10m`;
  }
}

export function voiceRecordingRules(prefix = 'sidetone'): RecordingRule[] {
  const heard = `${catalogued(prefix, 'voiceai_heard_silence_seconds')}_bucket`;
  const turns = catalogued(prefix, 'voiceai_turns_total');
  const dead = catalogued(prefix, 'voiceai_dead_air_turns_total');
  const amd = catalogued(prefix, 'voiceai_amd_results_total');
  const attempts = catalogued(prefix, 'call_attempts_total');
  // The window the console reads the rate over too (server/console-voice.ts).
  const HC = HUMAN_CONNECT_WINDOW_MINUTES;
  const slow = `${ALERT_WINDOWS.voiceSilence.minutes}m`;
  const deadAir = `${ALERT_WINDOWS.voiceDeadAir.minutes}m`;
  const q = (p: number) => `histogram_quantile(${p}, sum by (${BY}, le) (rate(${heard}[${slow}])))`;
  return [
    { record: voiceRecordName('silence_p50', prefix), expr: q(0.5) },
    { record: voiceRecordName('silence_p95', prefix), expr: q(ALERT_WINDOWS.voiceSilence.quantile) },
    { record: voiceRecordName('turns', prefix), expr: `sum by (${BY}) (rate(${turns}[${slow}]))` },
    {
      record: voiceRecordName('dead_air_ratio', prefix),
      expr: oneLine(
        `sum by (${BY}) (rate(${dead}[${deadAir}]))\n  / sum by (${BY}) (rate(${turns}[${deadAir}]))`,
      ),
    },
    // The human-connect rate of outbound campaigns: calls a detector found a person on (a verdict
    // exists only for an answered call) over outbound attempts, per instance: the SIP counters
    // carry no agent label, so no per-agent join exists. No attempts: no sample, not a 0 or NaN.
    // Verdicts but never a person (no `human` series yet): 0, as the console reads it, not absent.
    {
      record: voiceRecordName('human_connect_ratio', prefix),
      expr: oneLine(
        `(sum by (job, instance) (rate(${amd}{category="human"}[${HC}m])) or 0 * sum by (job, instance) (rate(${amd}[${HC}m])))\n  / (sum by (job, instance) (rate(${attempts}{direction="outbound"}[${HC}m])) > 0)`,
      ),
    },
  ];
}

/**
 * The voice-agent SLO alerts, on the recorded series (same group, so they read this evaluation's
 * values): the caller's wait and dead air, each only with enough turns to mean something.
 */
export function voiceAlerts(s: AlertSettings, prefix = 'sidetone'): AlertRule[] {
  const turns = catalogued(prefix, 'voiceai_turns_total');
  const enough = (window: string) =>
    `and on (${BY}) sum by (${BY}) (increase(${turns}[${window}])) >= ${s.voice_min_turns}`;
  const p95 = voiceRecordName('silence_p95', prefix);
  const dead = voiceRecordName('dead_air_ratio', prefix);
  const connect = voiceRecordName('human_connect_ratio', prefix);
  const hc = `${ALERT_WINDOWS.humanConnect.minutes}m`;
  const byInstance = 'sum by (job, instance)';
  const minPercent = Math.round(s.human_connect_min_ratio * 1000) / 10;
  return [
    {
      alert: 'SidetoneVoiceAgentSlow',
      group: 'voice',
      severity: 'warning',
      for: '5m',
      expr: `${p95} > ${s.voice_silence_p95_seconds}\n  ${enough(`${ALERT_WINDOWS.voiceSilence.minutes}m`)}`,
      signal: p95,
      summary:
        'callers of voice agent {{ $labels.agent }} on {{ $labels.instance }} wait {{ $value | printf "%.1f" }} s (p95)',
      description: `The 95th percentile of the silence callers hear after they stop talking (until the agent's first audio) has been above ${s.voice_silence_p95_seconds} s for 5 minutes. ${catalogued(prefix, 'voiceai_turn_segment_seconds')}{segment} shows which stage holds them: ${TURN_STAGES.join(', ')}.`,
    },
    {
      alert: 'SidetoneVoiceAgentDeadAir',
      group: 'voice',
      severity: 'warning',
      for: '10m',
      expr: `${dead} > ${s.voice_dead_air_ratio}\n  ${enough(`${ALERT_WINDOWS.voiceDeadAir.minutes}m`)}`,
      signal: dead,
      summary:
        'dead air on {{ $value | humanizePercentage }} of voice agent {{ $labels.agent }} turns on {{ $labels.instance }}',
      description: `More than ${s.voice_dead_air_ratio * 100} % of turns over 10 minutes left the caller in silence longer than voiceai.dead_air_seconds (answered late, or not at all): callers hang up or repeat themselves.`,
    },
    // Per instance, as its recording rule (the SIP counters carry no agent). Only where a detector
    // gave a verdict in the window: outbound calls without one are not a campaign, and a campaign
    // that ended stops paging once its verdicts leave the window.
    {
      alert: 'SidetoneHumanConnectLow',
      group: 'voice',
      severity: 'warning',
      for: '10m',
      expr: [
        `${connect} < ${s.human_connect_min_ratio}`,
        `  and on (job, instance) ${byInstance} (increase(${catalogued(prefix, 'voiceai_amd_results_total')}[${hc}])) > 0`,
        `  and on (job, instance) ${byInstance} (increase(${catalogued(prefix, 'call_attempts_total')}{direction="outbound"}[${hc}])) >= ${s.kpi_min_attempts}`,
      ].join('\n'),
      signal: connect,
      summary:
        'a person answered {{ $value | humanizePercentage }} of outbound call attempts on {{ $labels.instance }}',
      description: `Over ${ALERT_WINDOWS.humanConnect.minutes} minutes, fewer than ${minPercent} % of outbound call attempts were answered by a person, as the answering-machine detector found (${catalogued(prefix, 'voiceai_amd_results_total')}{category}): the rest reached voicemail, an IVR, or no answer. The list, the hour of the campaign, or a caller ID networks label as spam.`,
    },
  ];
}
