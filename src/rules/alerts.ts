import { DefinitionError } from '../errors.js';
import { CATALOGUE, metricName } from '../telephony/catalogue.js';
import type { AlertRule } from './alert-rule.js';
import { kpiQuery } from './kpi.js';
import { KPI_WINDOWS, recordName } from './recording.js';
import { ALERT_WINDOWS, type AlertSettings, CALL_HEALTH_WINDOW_MINUTES } from './thresholds.js';
import { voiceAlerts } from './voice.js';

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
 * The alerts, from the catalogue's metric names and the alert settings. Thresholds appear in
 * the expression and in the description, so a page says what was crossed.
 * @example alertRules(ALERT_DEFAULTS).map((a) => a.alert)
 */
export function alertRules(s: AlertSettings, prefix = 'sidetone'): AlertRule[] {
  const c = (name: string) => catalogued(prefix, name);
  // sidetone's own families outside the catalogue (health, scrape, guard) take the prefix too.
  const own = (name: string) => `${prefix}_${name}`;
  const up = `up{job="${s.job}"}`;
  const by = 'sum by (job, instance)';
  const finals = `${c('sms_delivery_reports_total')}{outcome!="pending"}`;
  const smsFail = `${by} (increase(${c('sms_send_failures_total')}[15m]))`;
  const smsSent = `${by} (increase(${c('sms_sent_total')}[15m]))`;
  const mos = (suffix: string) => `${by} (rate(${c('media_mos')}${suffix}[15m]))`;
  const scrape = ALERT_WINDOWS.scrapeSlow;
  const scrapeP99 = `histogram_quantile(${scrape.quantile}, sum by (job, instance, le) (rate(${own('scrape_duration_seconds_bucket')}[${scrape.minutes}m])))`;
  const selfIncrease = (name: string) =>
    `sum by (job, instance, metric) (increase(${own(name)}[${ALERT_WINDOWS.selfIncrease.minutes}m]))`;
  const drop = (kpi: 'asr' | 'ner', points: number): string => {
    const [short, , long] = KPI_WINDOWS;
    const attempts = `sum by (job, instance, trunk, direction) (increase(${c('call_attempts_total')}[${short}]))`;
    return `${recordName(kpi, short, prefix)} < ${recordName(kpi, long, prefix)} - ${points}\n  and on (job, instance, trunk, direction) ${attempts} >= ${s.kpi_min_attempts}`;
  };
  // Call health per trunk, both directions: the same verdict as /metrics/health (src/analytics/health.ts).
  const healthWindow = `${CALL_HEALTH_WINDOW_MINUTES}m`;
  const byTrunk = ['job', 'instance', 'trunk'];
  const trunkNer = kpiQuery('ner', { prefix, window: healthWindow, by: byTrunk, filter: '' });
  const trunkAttempts = `sum by (${byTrunk.join(', ')}) (increase(${c('call_outcomes_total')}{outcome!="challenged"}[${healthWindow}]))`;
  return [
    {
      alert: 'SidetoneDown',
      group: 'availability',
      severity: 'critical',
      for: '1m',
      expr: `${up} == 0`,
      signal: up,
      summary: 'sidetone on {{ $labels.instance }} is down',
      description:
        'Prometheus cannot scrape sidetone on {{ $labels.instance }} (job {{ $labels.job }}): the process is dead, hung or unreachable, so none of its telephony metrics are current.',
    },
    {
      alert: 'SidetoneAbsent',
      group: 'availability',
      severity: 'critical',
      for: '5m',
      expr: `absent(${up})`,
      summary: `no sidetone target in job ${s.job}`,
      description: `Prometheus has no target for job "${s.job}" at all: service discovery or the scrape configuration lost it, so SidetoneDown cannot fire either.`,
    },
    {
      alert: 'SidetoneNotReady',
      group: 'availability',
      severity: 'critical',
      for: '5m',
      expr: `${own('ready')} == 0`,
      signal: own('ready'),
      summary: 'sidetone on {{ $labels.instance }} is not ready',
      description: `Readiness (/readyz) has been failing for 5 minutes; ${own('health_check_status')}{status!="pass"} on {{ $labels.instance }} shows which check.`,
    },
    {
      alert: 'SidetoneSourceSilent',
      group: 'availability',
      severity: 'warning',
      for: '2m',
      expr: `${c('source_heartbeat_age_seconds')} > ${s.heartbeat_max_age_seconds}`,
      signal: c('source_heartbeat_age_seconds'),
      summary: 'no heartbeat from the event source of {{ $labels.instance }}',
      description: `The last heartbeat is {{ $value | humanizeDuration }} old (limit ${s.heartbeat_max_age_seconds} s): the gateway or PBX feeding sidetone stopped sending events.`,
    },
    {
      alert: 'SidetoneSourceDown',
      group: 'availability',
      severity: 'critical',
      for: '1m',
      // No `signal`: a demo has no HEP listener, so there is no series to check for data.
      expr: `max by (job, instance, check) (${own('health_check_status')}{check="hep",status="fail"}) == 1`,
      summary: 'the HEP listener of {{ $labels.instance }} cannot listen',
      description:
        'sidetone on {{ $labels.instance }} has not been able to bind its HEP address for a minute (in use, not permitted, not an address of the host), so no capture reaches it; it retries every 10 s. `sidetone health` and /readyz show the cause. A modem that cannot open fires SidetoneModemDisconnected.',
    },
    {
      alert: 'SidetoneModemDisconnected',
      group: 'modem-sms',
      severity: 'critical',
      for: '2m',
      expr: `${c('modem_connected')} == 0`,
      signal: c('modem_connected'),
      summary: 'modem {{ $labels.modem }} on {{ $labels.instance }} is disconnected',
      description:
        'The host has not had modem {{ $labels.modem }} open for 2 minutes (USB, power or AT timeout): no SMS or calls go through it.',
    },
    {
      alert: 'SidetoneModemUnregistered',
      group: 'modem-sms',
      severity: 'warning',
      for: '5m',
      expr: `${c('modem_registered')} == 0\n  and on (job, instance, modem) ${c('modem_connected')} == 1`,
      signal: c('modem_registered'),
      summary: 'modem {{ $labels.modem }} on {{ $labels.instance }} is not registered',
      description:
        'Modem {{ $labels.modem }} is connected but has not been registered on a network for 5 minutes (searching, denied or no coverage).',
    },
    {
      alert: 'SidetoneModemFlapping',
      group: 'modem-sms',
      severity: 'warning',
      for: '1m',
      expr: `${c('modem_flapping')} == 1`,
      signal: c('modem_flapping'),
      summary: 'modem {{ $labels.modem }} on {{ $labels.instance }} keeps reconnecting',
      description:
        'Modem {{ $labels.modem }} reconnected more often than modem.flapping allows: a loose cable, a failing USB hub or a power problem.',
    },
    {
      alert: 'SidetoneModemSignalWeak',
      group: 'modem-sms',
      severity: 'warning',
      for: '10m',
      expr: `${c('modem_signal_rssi_dbm')} < ${s.signal_min_dbm}`,
      signal: c('modem_signal_rssi_dbm'),
      summary: 'weak signal on modem {{ $labels.modem }} ({{ $value }} dBm)',
      description: `RSSI on modem {{ $labels.modem }} has been below ${s.signal_min_dbm} dBm for 10 minutes: expect failed SMS and dropped calls. Move the antenna or the modem.`,
    },
    {
      alert: 'SidetoneSmsSendFailures',
      group: 'modem-sms',
      severity: 'warning',
      for: '15m',
      expr: `${smsFail}\n  / (${smsSent} + ${smsFail}) > ${s.sms_failure_ratio}`,
      signal: `${smsFail} / (${smsSent} + ${smsFail})`,
      summary: 'SMS sends failing on {{ $labels.instance }}',
      description: `{{ $value | humanizePercentage }} of SMS submissions failed over 15 minutes (limit ${s.sms_failure_ratio * 100} %). ${c('sms_send_failures_total')}{reason} shows why.`,
    },
    {
      alert: 'SidetoneSmsDeliveryReportsStalled',
      group: 'modem-sms',
      severity: 'warning',
      for: '5m',
      expr: `${c('sms_delivery_pending_oldest_seconds')} > ${s.sms_pending_max_seconds}\n  and on (job, instance) ${by} (increase(${finals}[${s.sms_pending_max_seconds}s])) == 0`,
      signal: c('sms_delivery_pending_oldest_seconds'),
      summary: 'delivery reports are not arriving on {{ $labels.instance }}',
      description: `An SMS has waited {{ $value | humanizeDuration }} for its delivery report (limit ${s.sms_pending_max_seconds} s) and no final report arrived for as long: the SMSC or provider stopped sending them.`,
    },
    {
      alert: 'SidetoneTrunkDown',
      group: 'calls',
      severity: 'critical',
      for: '2m',
      expr: `${c('trunk_up')} == 0`,
      signal: c('trunk_up'),
      summary: 'trunk {{ $labels.trunk }} on {{ $labels.instance }} is down',
      description:
        'SIP OPTIONS probes to trunk {{ $labels.trunk }} have failed for 2 minutes: calls on it fail or reroute.',
    },
    {
      alert: 'SidetoneTrunkAsrDrop',
      group: 'kpis',
      severity: 'warning',
      for: '15m',
      expr: drop('asr', s.asr_drop_points),
      signal: recordName('asr', KPI_WINDOWS[0], prefix),
      summary: 'ASR dropped on trunk {{ $labels.trunk }} ({{ $labels.direction }})',
      description: `ASR over 15 minutes is {{ $value | printf "%.1f" }} %, more than ${s.asr_drop_points} points below the trunk's own 1-day ASR (ITU-T E.411).`,
    },
    {
      alert: 'SidetoneTrunkNerDrop',
      group: 'kpis',
      severity: 'critical',
      for: '15m',
      expr: drop('ner', s.ner_drop_points),
      signal: recordName('ner', KPI_WINDOWS[0], prefix),
      summary: 'NER dropped on trunk {{ $labels.trunk }} ({{ $labels.direction }})',
      description: `NER over 15 minutes is {{ $value | printf "%.1f" }} %, more than ${s.ner_drop_points} points below the trunk's own 1-day NER (ITU-T E.425): the network, not the callees, is failing calls.`,
    },
    {
      alert: 'SidetoneTrunkNerLow',
      group: 'calls',
      severity: 'warning',
      for: '5m',
      expr: `${trunkNer} < ${s.ner_min_percent}\n  and on (job, instance, trunk) ${trunkAttempts} >= ${s.kpi_min_attempts}`,
      signal: trunkNer,
      summary:
        'calls failing in the network on trunk {{ $labels.trunk }} (NER {{ $value | printf "%.1f" }} %)',
      description: `NER (ITU-T E.425) on trunk {{ $labels.trunk }} over ${healthWindow} is {{ $value | printf "%.1f" }} %, below ${s.ner_min_percent} % with at least ${s.kpi_min_attempts} attempts: the network, not the callees, is failing calls. sidetone health and /metrics/health show the same verdict; sidetone failures shows why.`,
    },
    {
      alert: 'SidetoneMosLow',
      group: 'calls',
      severity: 'warning',
      for: '15m',
      expr: `${mos('_sum')} / ${mos('_count')} < ${s.mos_min}`,
      signal: `${mos('_sum')} / ${mos('_count')}`,
      summary: 'call quality is low on {{ $labels.instance }} (MOS {{ $value | printf "%.2f" }})',
      description: `Mean MOS-CQE (ITU-T G.107) over 15 minutes is below ${s.mos_min}: check jitter and loss (${own('media_*')}) per codec and network path.`,
    },
    {
      alert: 'SidetoneZombieCalls',
      group: 'calls',
      severity: 'warning',
      for: '0m',
      expr: `${by} (increase(${c('call_anomalies_total')}{kind="evicted"}[1h])) > 0`,
      signal: `${by} (increase(${c('call_anomalies_total')}{kind="evicted"}[1h]))`,
      summary: 'calls never ended on {{ $labels.instance }}',
      description:
        'Calls were evicted as zombies in the last hour (started, never ended): the source lost call.ended events, so active-call gauges and durations are off.',
    },
    ...voiceAlerts(s, prefix),
    {
      alert: 'SidetonePiiRedacted',
      group: 'self',
      severity: 'warning',
      for: '0m',
      expr: `${selfIncrease('label_values_redacted_total')} > 0`,
      signal: selfIncrease('label_values_redacted_total'),
      summary: 'sidetone redacted PII from labels of {{ $labels.metric }} on {{ $labels.instance }}',
      description:
        'The guard replaced label values that looked like personal data: an integration passes numbers or addresses where an enum belongs. Nothing leaked; fix the integration.',
    },
    {
      alert: 'SidetoneSeriesOverflow',
      group: 'self',
      severity: 'warning',
      for: '0m',
      expr: `${selfIncrease('series_overflow_total')} > 0`,
      signal: selfIncrease('series_overflow_total'),
      summary: 'series cap reached for {{ $labels.metric }} on {{ $labels.instance }}',
      description:
        'New series went to the overflow series because metrics.max_series was reached: some breakdowns are merged. Raise the cap or find the label driving cardinality (sidetone lint).',
    },
    {
      alert: 'SidetoneScrapeSlow',
      group: 'self',
      severity: 'warning',
      for: '10m',
      expr: `${scrapeP99} > ${s.scrape_slow_seconds}`,
      signal: scrapeP99,
      summary: 'sidetone /metrics is slow on {{ $labels.instance }}',
      description: `The 99th percentile of /metrics render time is {{ $value | humanizeDuration }} (limit ${s.scrape_slow_seconds} s): scrapes risk timing out. Check the series count and the event loop.`,
    },
  ];
}
