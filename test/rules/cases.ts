/**
 * `promtool test rules` cases, one per alert: a series that fires exactly at the end of its
 * `for:` (silent one evaluation earlier) and a near miss that never fires. Times are minutes on
 * promtool's 1 m evaluation grid; the comments derive each edge.
 */
export interface AlertCase {
  alert: string;
  /** Input series that trip the alert. */
  fires: Array<[string, string]>;
  /** First evaluation (minutes) at which the alert fires; one minute earlier it must not. */
  firesAt: number;
  /** Labels of the firing alert, besides alertname and severity. */
  labels: Record<string, string>;
  /** A near miss: no alert at firesAt nor later (up to `quietUntil`). */
  quiet: Array<[string, string]>;
  quietUntil?: number;
}

const J = 'job="sidetone",instance="gw1:9464"';
/** One bucket of the heard-silence histogram of one agent and model. */
const heard = (le: string, values: string): Array<[string, string]> => [
  [
    `sidetone_voiceai_heard_silence_seconds_bucket{${J},agent="support-bot",model="gpt-4.1-mini",le="${le}"}`,
    values,
  ],
];
const L = { job: 'sidetone', instance: 'gw1:9464' };

export const CASES: AlertCase[] = [
  // up 0 from 2m, for 1m -> 3m. Quiet: down for a single evaluation.
  {
    alert: 'SidetoneDown',
    fires: [[`up{${J}}`, '1 1 0 0 0 0 0']],
    firesAt: 3,
    labels: L,
    quiet: [[`up{${J}}`, '1 1 0 1 1 1 1']],
  },
  // No target of job sidetone from 0m, for 5m -> 5m. Quiet: the target exists.
  {
    alert: 'SidetoneAbsent',
    fires: [['up{job="node",instance="n:9100"}', '1x10']],
    firesAt: 5,
    labels: { job: 'sidetone' },
    quiet: [[`up{${J}}`, '1x10']],
    quietUntil: 10,
  },
  // Not ready from 1m, for 5m -> 6m. Quiet: not ready for 4 evaluations.
  {
    alert: 'SidetoneNotReady',
    fires: [[`sidetone_ready{${J}}`, '1 0x10']],
    firesAt: 6,
    labels: L,
    quiet: [[`sidetone_ready{${J}}`, '1 0 0 0 0 1x5']],
  },
  // Age 0, 60, 120, 180 ...: > 120 from 3m, for 2m -> 5m. Quiet: tops out at exactly 120.
  {
    alert: 'SidetoneSourceSilent',
    fires: [[`sidetone_source_heartbeat_age_seconds{${J}}`, '0+60x10']],
    firesAt: 5,
    labels: L,
    quiet: [[`sidetone_source_heartbeat_age_seconds{${J}}`, '0 60 120 0x7']],
  },
  // The hep check fails from 1m, for 1m -> 2m. Quiet: failing one evaluation at a time.
  {
    alert: 'SidetoneSourceDown',
    fires: [[`sidetone_health_check_status{${J},check="hep",status="fail"}`, '0 1x5']],
    firesAt: 2,
    labels: { ...L, check: 'hep' },
    quiet: [[`sidetone_health_check_status{${J},check="hep",status="fail"}`, '0 1 0 1 0 1 0']],
  },
  // Disconnected from 1m, for 2m -> 3m. Quiet: back after two evaluations.
  {
    alert: 'SidetoneModemDisconnected',
    fires: [[`sidetone_modem_connected{${J},modem="modem0"}`, '1 0x10']],
    firesAt: 3,
    labels: { ...L, modem: 'modem0' },
    quiet: [[`sidetone_modem_connected{${J},modem="modem0"}`, '1 0 0 1x8']],
  },
  // Connected, unregistered from 1m, for 5m -> 6m. Quiet: unregistered because disconnected.
  {
    alert: 'SidetoneModemUnregistered',
    fires: [
      [`sidetone_modem_registered{${J},modem="modem0"}`, '1 0x10'],
      [`sidetone_modem_connected{${J},modem="modem0"}`, '1x11'],
    ],
    firesAt: 6,
    labels: { ...L, modem: 'modem0' },
    quiet: [
      [`sidetone_modem_registered{${J},modem="modem0"}`, '1 0x10'],
      [`sidetone_modem_connected{${J},modem="modem0"}`, '1 0x10'],
    ],
  },
  // Flapping from 1m, for 1m -> 2m. Quiet: one evaluation.
  {
    alert: 'SidetoneModemFlapping',
    fires: [[`sidetone_modem_flapping{${J},modem="modem0"}`, '0 1x5']],
    firesAt: 2,
    labels: { ...L, modem: 'modem0' },
    quiet: [[`sidetone_modem_flapping{${J},modem="modem0"}`, '0 1 0x4']],
  },
  // -101 dBm from 1m, for 10m -> 11m. Quiet: exactly at the -100 dBm threshold.
  {
    alert: 'SidetoneModemSignalWeak',
    fires: [[`sidetone_modem_signal_rssi_dbm{${J},modem="modem0"}`, '-90 -101x15']],
    firesAt: 11,
    labels: { ...L, modem: 'modem0' },
    quiet: [[`sidetone_modem_signal_rssi_dbm{${J},modem="modem0"}`, '-90 -100x15']],
  },
  // 2 failures per 10 sent: 1/6 > 0.1 once a window has two samples (1m), for 15m -> 16m.
  // Quiet: 1 per 10 sent, 1/11 < 0.1.
  {
    alert: 'SidetoneSmsSendFailures',
    fires: [
      [`sidetone_sms_send_failures_total{${J},reason="network"}`, '0+2x40'],
      [`sidetone_sms_sent_total{${J}}`, '0+10x40'],
    ],
    firesAt: 16,
    labels: L,
    quiet: [
      [`sidetone_sms_send_failures_total{${J},reason="network"}`, '0+1x40'],
      [`sidetone_sms_sent_total{${J}}`, '0+10x40'],
    ],
  },
  // Oldest waits 60 s more each minute: > 900 from 16m (960 s) with no final report, for 5m ->
  // 21m. Quiet: the same wait while final reports keep arriving (a single lost report).
  {
    alert: 'SidetoneSmsDeliveryReportsStalled',
    fires: [
      [`sidetone_sms_delivery_pending_oldest_seconds{${J}}`, '0+60x40'],
      [`sidetone_sms_delivery_reports_total{${J},outcome="delivered"}`, '50x40'],
    ],
    firesAt: 21,
    labels: L,
    quiet: [
      [`sidetone_sms_delivery_pending_oldest_seconds{${J}}`, '0+60x40'],
      [`sidetone_sms_delivery_reports_total{${J},outcome="delivered"}`, '0+1x40'],
    ],
    quietUntil: 30,
  },
  // Down from 1m, for 2m -> 3m. Quiet: down for two evaluations.
  {
    alert: 'SidetoneTrunkDown',
    fires: [[`sidetone_trunk_up{${J},trunk="trunk-a"}`, '1 0x5']],
    firesAt: 3,
    labels: { ...L, trunk: 'trunk-a' },
    quiet: [[`sidetone_trunk_up{${J},trunk="trunk-a"}`, '1 0 0 1x3']],
  },
  // 10 attempts and 10 ended calls/min (`a+bxN` repeats its start value, hence 490+10x79);
  // 6 answered/min until 120m, then none. 15m ASR =
  // 4(135-t) %, 1d ASR = 7200/t %: 4(135-t) < 7200/t - 20 first at t = 126, for 15m -> 141m.
  // Quiet: ASR falls to 40 %, never 20 points under a baseline of at most 60 %.
  {
    alert: 'SidetoneTrunkAsrDrop',
    fires: [
      [`sidetone_call_attempts_total{${J},trunk="trunk-a",direction="outbound",channel="sip"}`, '0+10x200'],
      [
        `sidetone_call_outcomes_total{${J},trunk="trunk-a",direction="outbound",channel="sip",outcome="answered"}`,
        '0+6x120 720x80',
      ],
      [
        `sidetone_call_outcomes_total{${J},trunk="trunk-a",direction="outbound",channel="sip",outcome="failed"}`,
        '0+4x120 490+10x79',
      ],
    ],
    firesAt: 141,
    labels: { ...L, trunk: 'trunk-a', direction: 'outbound' },
    quiet: [
      [`sidetone_call_attempts_total{${J},trunk="trunk-a",direction="outbound",channel="sip"}`, '0+10x200'],
      [
        `sidetone_call_outcomes_total{${J},trunk="trunk-a",direction="outbound",channel="sip",outcome="answered"}`,
        '0+6x120 724+4x79',
      ],
      [
        `sidetone_call_outcomes_total{${J},trunk="trunk-a",direction="outbound",channel="sip",outcome="failed"}`,
        '0+4x120 486+6x79',
      ],
    ],
    quietUntil: 200,
  },
  // Same shape on NER with a 15-point drop: 4(135-t) < 7200/t - 15 first at t = 125 -> 140m.
  // Quiet: NER falls to 50 %, never 15 points under the baseline.
  {
    alert: 'SidetoneTrunkNerDrop',
    fires: [
      [`sidetone_call_attempts_total{${J},trunk="trunk-a",direction="inbound",channel="sip"}`, '0+10x200'],
      [
        `sidetone_call_outcomes_total{${J},trunk="trunk-a",direction="inbound",channel="sip",outcome="failed"}`,
        '0+10x200',
      ],
      [
        `sidetone_call_effective_total{${J},trunk="trunk-a",direction="inbound",channel="sip"}`,
        '0+6x120 720x80',
      ],
    ],
    firesAt: 140,
    labels: { ...L, trunk: 'trunk-a', direction: 'inbound' },
    quiet: [
      [`sidetone_call_attempts_total{${J},trunk="trunk-a",direction="inbound",channel="sip"}`, '0+10x200'],
      [
        `sidetone_call_outcomes_total{${J},trunk="trunk-a",direction="inbound",channel="sip",outcome="failed"}`,
        '0+10x200',
      ],
      [
        `sidetone_call_effective_total{${J},trunk="trunk-a",direction="inbound",channel="sip"}`,
        '0+6x120 720+5x80',
      ],
    ],
    quietUntil: 200,
  },
  // Per trunk, both directions: 10 ended calls/min, all effective until 20m, then 4 of 10. 15m NER =
  // (10(35-t) + 4(t-20)) / 150 = (270-6t)/1.5 %: 72 at 27m, 68 at 28m (< 70), for 5m -> 33m.
  // Quiet: every call fails, but 15 attempts in 15m are fewer than kpi_min_attempts (20).
  {
    alert: 'SidetoneTrunkNerLow',
    fires: [
      [
        `sidetone_call_outcomes_total{${J},trunk="trunk-a",direction="outbound",channel="sip",outcome="answered"}`,
        '0+5x20 102+2x40',
      ],
      [
        `sidetone_call_outcomes_total{${J},trunk="trunk-a",direction="inbound",channel="sip",outcome="answered"}`,
        '0+5x20 102+2x40',
      ],
      [
        `sidetone_call_outcomes_total{${J},trunk="trunk-a",direction="outbound",channel="sip",outcome="ineffective"}`,
        '0x20 6+6x40',
      ],
      [
        `sidetone_call_effective_total{${J},trunk="trunk-a",direction="outbound",channel="sip"}`,
        '0+5x20 102+2x40',
      ],
      [
        `sidetone_call_effective_total{${J},trunk="trunk-a",direction="inbound",channel="sip"}`,
        '0+5x20 102+2x40',
      ],
    ],
    firesAt: 33,
    labels: { ...L, trunk: 'trunk-a' },
    quiet: [
      [
        `sidetone_call_outcomes_total{${J},trunk="trunk-a",direction="outbound",channel="sip",outcome="ineffective"}`,
        '0+1x60',
      ],
    ],
    quietUntil: 60,
  },
  // Mean MOS 3.0 from 1m, for 15m -> 16m. Quiet: exactly 3.5.
  {
    alert: 'SidetoneMosLow',
    fires: [
      [`sidetone_media_mos_sum{${J}}`, '0+3x40'],
      [`sidetone_media_mos_count{${J}}`, '0+1x40'],
    ],
    firesAt: 16,
    labels: L,
    quiet: [
      [`sidetone_media_mos_sum{${J}}`, '0+3.5x40'],
      [`sidetone_media_mos_count{${J}}`, '0+1x40'],
    ],
  },
  // One eviction at 3m, no for: fires at 3m. Quiet: another anomaly kind.
  {
    alert: 'SidetoneZombieCalls',
    fires: [[`sidetone_call_anomalies_total{${J},kind="evicted"}`, '0 0 0 1x5']],
    firesAt: 3,
    labels: L,
    quiet: [[`sidetone_call_anomalies_total{${J},kind="duplicate_start"}`, '0 0 0 1x5']],
  },
  // Turns of 4-5 s (bucket le=5) from 0m, 30 a minute: p95 4.95 s > 3.5 from 1m (the first
  // rate), 150 turns in 5m >= 20, for 5m -> 6m. Quiet: every turn in (3, 3.5]: p95 3.475 s.
  {
    alert: 'SidetoneVoiceAgentSlow',
    fires: [
      ...heard('3', '0x20'),
      ...heard('3.5', '0x20'),
      ...heard('4', '0x20'),
      ...heard('5', '0+30x20'),
      ...heard('+Inf', '0+30x20'),
      [`sidetone_voiceai_turns_total{${J},agent="support-bot",model="gpt-4.1-mini"}`, '0+30x20'],
    ],
    firesAt: 6,
    labels: { ...L, agent: 'support-bot' },
    quiet: [
      ...heard('3', '0x20'),
      ...heard('3.5', '0+30x20'),
      ...heard('4', '0+30x20'),
      ...heard('5', '0+30x20'),
      ...heard('+Inf', '0+30x20'),
      [`sidetone_voiceai_turns_total{${J},agent="support-bot",model="gpt-4.1-mini"}`, '0+30x20'],
    ],
    quietUntil: 15,
  },
  // 6 of 30 turns a minute with dead air (20 %) from 0m: > 10 % from 1m, 300 turns in 10m, for
  // 10m -> 11m. Quiet: 3 of 30 (exactly 10 %, not above it).
  {
    alert: 'SidetoneVoiceAgentDeadAir',
    fires: [
      [`sidetone_voiceai_dead_air_turns_total{${J},agent="support-bot",model="gpt-4.1-mini"}`, '0+6x30'],
      [`sidetone_voiceai_turns_total{${J},agent="support-bot",model="gpt-4.1-mini"}`, '0+30x30'],
    ],
    firesAt: 11,
    labels: { ...L, agent: 'support-bot' },
    quiet: [
      [`sidetone_voiceai_dead_air_turns_total{${J},agent="support-bot",model="gpt-4.1-mini"}`, '0+3x30'],
      [`sidetone_voiceai_turns_total{${J},agent="support-bot",model="gpt-4.1-mini"}`, '0+30x30'],
    ],
    quietUntil: 25,
  },
  // 30 outbound attempts a minute, 2 found a person and 10 a voicemail: 2/30 (6.7 %) < 10 % from
  // 1m (the first rate), 30+ attempts and verdicts in 10m, for 10m -> 11m. Quiet: 3 of 30 (exactly
  // 10 %, not below it).
  {
    alert: 'SidetoneHumanConnectLow',
    fires: [
      [`sidetone_call_attempts_total{${J},trunk="trunk-a",direction="outbound",channel="sip"}`, '0+30x30'],
      [`sidetone_voiceai_amd_results_total{${J},agent="sales-bot",category="human"}`, '0+2x30'],
      [`sidetone_voiceai_amd_results_total{${J},agent="sales-bot",category="machine-vm"}`, '0+10x30'],
    ],
    firesAt: 11,
    labels: L,
    quiet: [
      [`sidetone_call_attempts_total{${J},trunk="trunk-a",direction="outbound",channel="sip"}`, '0+30x30'],
      [`sidetone_voiceai_amd_results_total{${J},agent="sales-bot",category="human"}`, '0+3x30'],
      [`sidetone_voiceai_amd_results_total{${J},agent="sales-bot",category="machine-vm"}`, '0+10x30'],
    ],
    quietUntil: 25,
  },
  // One redaction at 3m -> 3m. Quiet: the counter exists and stays at zero.
  {
    alert: 'SidetonePiiRedacted',
    fires: [
      [
        `sidetone_label_values_redacted_total{${J},metric="sidetone_x",label="queue",kind="phone"}`,
        '0 0 0 1x5',
      ],
    ],
    firesAt: 3,
    labels: { ...L, metric: 'sidetone_x' },
    quiet: [
      [`sidetone_label_values_redacted_total{${J},metric="sidetone_x",label="queue",kind="phone"}`, '0x8'],
    ],
  },
  {
    alert: 'SidetoneSeriesOverflow',
    fires: [[`sidetone_series_overflow_total{${J},metric="sidetone_x"}`, '0 0 0 2x5']],
    firesAt: 3,
    labels: { ...L, metric: 'sidetone_x' },
    quiet: [[`sidetone_series_overflow_total{${J},metric="sidetone_x"}`, '0x8']],
  },
  // Half the scrapes in (1, 2.5] s: p99 about 2.47 s > 1 s from 1m, for 10m -> 11m.
  // Quiet: every scrape under 0.5 s.
  {
    alert: 'SidetoneScrapeSlow',
    fires: [
      [`sidetone_scrape_duration_seconds_bucket{${J},format="text",le="0.5"}`, '0+10x30'],
      [`sidetone_scrape_duration_seconds_bucket{${J},format="text",le="1"}`, '0+10x30'],
      [`sidetone_scrape_duration_seconds_bucket{${J},format="text",le="2.5"}`, '0+20x30'],
      [`sidetone_scrape_duration_seconds_bucket{${J},format="text",le="+Inf"}`, '0+20x30'],
    ],
    firesAt: 11,
    labels: L,
    quiet: [
      [`sidetone_scrape_duration_seconds_bucket{${J},format="text",le="0.5"}`, '0+20x30'],
      [`sidetone_scrape_duration_seconds_bucket{${J},format="text",le="1"}`, '0+20x30'],
      [`sidetone_scrape_duration_seconds_bucket{${J},format="text",le="2.5"}`, '0+20x30'],
      [`sidetone_scrape_duration_seconds_bucket{${J},format="text",le="+Inf"}`, '0+20x30'],
    ],
  },
];
