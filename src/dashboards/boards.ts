import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { kpiQuery } from '../rules/kpi.js';
import { ALERT_DEFAULTS, type AlertSettings } from '../rules/thresholds.js';
import { type PanelSpec, SEL, SEL_TRUNK, singleStat, timeSeries, variables } from './panels.js';

/** One generated dashboard: its file name under deploy/grafana/ and its builder. */
export interface Board {
  readonly file: string;
  readonly builder: dashboard.DashboardBuilder;
}

const RI = '$__rate_interval';
const rate = (metric: string, sel = SEL) => `rate(${metric}{${sel}}[${RI}])`;
const q95 = (metric: string, by: string, sel = SEL, q = 0.95) =>
  `histogram_quantile(${q}, sum by (${by}le) (${rate(`${metric}_bucket`, sel)}))`;
const kpi = (name: Parameters<typeof kpiQuery>[0], window = '15m') =>
  kpiQuery(name, { window, by: ['trunk'], filter: SEL_TRUNK });

function board(
  uid: string,
  title: string,
  description: string,
  trunk: boolean,
  rows: Array<[string, Array<['ts' | 'stat', PanelSpec]>]>,
): dashboard.DashboardBuilder {
  const b = new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['sidetone', 'generated'])
    .editable()
    .refresh('30s')
    .time({ from: 'now-6h', to: 'now' })
    .timezone('browser');
  variables(b, trunk);
  for (const [row, panels] of rows) {
    b.withRow(new dashboard.RowBuilder(row));
    for (const [kind, spec] of panels) b.withPanel(kind === 'ts' ? timeSeries(spec) : singleStat(spec));
  }
  return b;
}

/**
 * The six sidetone dashboards, built with Grafana's typed builders from the same KPI PromQL
 * as the rules; thresholds follow the alert settings.
 * @example for (const b of boards()) writeFileSync(b.file, JSON.stringify(b.builder.build(), null, 2));
 */
export function boards(settings: AlertSettings = ALERT_DEFAULTS): Board[] {
  const s = settings;
  return [
    {
      file: 'sidetone-fleet.json',
      builder: board(
        'sidetone-fleet',
        'sidetone / Fleet overview',
        'Instances up and ready, per-trunk ASR, NER and calls, alerts firing.',
        true,
        [
          [
            'Fleet',
            [
              [
                'stat',
                {
                  title: 'Instances up',
                  description: 'Targets Prometheus scrapes successfully.',
                  unit: 'short',
                  queries: [[`sum(up{${SEL}})`, 'up']],
                  polarity: 'neutral',
                },
              ],
              [
                'stat',
                {
                  title: 'Instances not ready',
                  description: 'Instances whose /readyz fails (sidetone_ready == 0).',
                  unit: 'short',
                  queries: [[`sum(1 - sidetone_ready{${SEL}})`, 'not ready']],
                  polarity: 'lower-better',
                  warn: 1,
                  bad: 1,
                },
              ],
              [
                'stat',
                {
                  title: 'Alerts firing',
                  description: 'sidetone alerts firing now, from the generated rules.',
                  unit: 'short',
                  queries: [
                    ['count(ALERTS{alertstate="firing",alertname=~"Sidetone.+"}) or vector(0)', 'firing'],
                  ],
                  polarity: 'lower-better',
                  warn: 1,
                  bad: 3,
                },
              ],
              [
                'stat',
                {
                  title: 'Active calls',
                  description: 'Calls started and not yet ended.',
                  unit: 'short',
                  queries: [[`sum(sidetone_call_active{${SEL_TRUNK}})`, 'active']],
                  polarity: 'neutral',
                },
              ],
            ],
          ],
          [
            'Trunks',
            [
              [
                'ts',
                {
                  title: 'ASR by trunk (15 min)',
                  description: 'Answer-seizure ratio, ITU-T E.411, outbound and inbound together.',
                  unit: 'percent',
                  min: 0,
                  max: 100,
                  queries: [[kpi('asr'), '{{trunk}}']],
                  polarity: 'higher-better',
                  warn: 50,
                  bad: 30,
                  width: 8,
                },
              ],
              [
                'ts',
                {
                  title: 'NER by trunk (15 min)',
                  description: 'Network effectiveness ratio, ITU-T E.425.',
                  unit: 'percent',
                  min: 0,
                  max: 100,
                  queries: [[kpi('ner'), '{{trunk}}']],
                  polarity: 'higher-better',
                  warn: 90,
                  bad: 80,
                  width: 8,
                },
              ],
              [
                'ts',
                {
                  title: 'Call attempts by trunk',
                  description: 'Seizures per second.',
                  unit: 'reqps',
                  min: 0,
                  queries: [
                    [`sum by (trunk) (${rate('sidetone_call_attempts_total', SEL_TRUNK)})`, '{{trunk}}'],
                  ],
                  width: 8,
                },
              ],
              [
                'ts',
                {
                  title: 'Alerts firing by name',
                  description: 'Which sidetone alerts fire, over time.',
                  unit: 'short',
                  min: 0,
                  queries: [
                    [
                      'count by (alertname) (ALERTS{alertstate="firing",alertname=~"Sidetone.+"})',
                      '{{alertname}}',
                    ],
                  ],
                  width: 24,
                },
              ],
            ],
          ],
        ],
      ),
    },
    {
      file: 'sidetone-sip-trunks.json',
      builder: board(
        'sidetone-sip-trunks',
        'sidetone / SIP and trunks',
        'SIP responses by class, trunk status and OPTIONS RTT, PDD and ISA.',
        true,
        [
          [
            'SIP',
            [
              [
                'ts',
                {
                  title: 'SIP responses by class',
                  description: 'Final and provisional responses per second, by class (1xx..6xx).',
                  unit: 'reqps',
                  min: 0,
                  queries: [[`sum by (class) (${rate('sidetone_sip_responses_total')})`, '{{class}}']],
                },
              ],
              [
                'ts',
                {
                  title: 'Trunk up',
                  description: 'SIP OPTIONS probe result: 1 up, 0 down.',
                  unit: 'bool_on_off',
                  min: 0,
                  max: 1,
                  queries: [[`sidetone_trunk_up{${SEL_TRUNK}}`, '{{instance}} {{trunk}}']],
                  polarity: 'higher-better',
                  warn: 1,
                  bad: 1,
                },
              ],
            ],
          ],
          [
            'Setup',
            [
              [
                'ts',
                {
                  title: 'PDD mean by trunk',
                  description: 'Post-dial delay, ITU-T E.431: INVITE to the first 180/183.',
                  unit: 's',
                  min: 0,
                  queries: [[kpi('pdd', '5m'), '{{trunk}}']],
                  polarity: 'lower-better',
                  warn: 3,
                  bad: 6,
                  width: 8,
                },
              ],
              [
                'ts',
                {
                  title: 'PDD p95 by trunk',
                  description: '95th percentile of post-dial delay.',
                  unit: 's',
                  min: 0,
                  queries: [[q95('sidetone_call_pdd_seconds', 'trunk, ', SEL_TRUNK), '{{trunk}}']],
                  polarity: 'lower-better',
                  warn: 5,
                  bad: 10,
                  width: 8,
                },
              ],
              [
                'ts',
                {
                  title: 'ISA by trunk (15 min)',
                  description: 'Ineffective session attempts, RFC 6076 4.8: 408, 5xx, Timer B.',
                  unit: 'percent',
                  min: 0,
                  queries: [[kpi('isa'), '{{trunk}}']],
                  polarity: 'lower-better',
                  warn: 5,
                  bad: 15,
                  width: 8,
                },
              ],
              [
                'ts',
                {
                  title: 'OPTIONS RTT p95 by trunk',
                  description: 'Round trip of the trunk probes.',
                  unit: 's',
                  min: 0,
                  queries: [[q95('sidetone_trunk_options_rtt_seconds', 'trunk, ', SEL_TRUNK), '{{trunk}}']],
                  polarity: 'lower-better',
                  warn: 0.2,
                  bad: 0.5,
                  width: 24,
                },
              ],
            ],
          ],
        ],
      ),
    },
    {
      file: 'sidetone-media.json',
      builder: board(
        'sidetone-media',
        'sidetone / Media quality',
        'MOS-CQE (ITU-T G.107), jitter and loss distributions from RTCP.',
        false,
        [
          [
            'Quality',
            [
              [
                'ts',
                {
                  title: 'Mean MOS by codec',
                  description: 'MOS-CQE from the E-model (ITU-T G.107).',
                  unit: 'none',
                  min: 1,
                  max: 4.5,
                  queries: [
                    [
                      `sum by (codec) (${rate('sidetone_media_mos_sum')}) / sum by (codec) (${rate('sidetone_media_mos_count')})`,
                      '{{codec}}',
                    ],
                  ],
                  polarity: 'higher-better',
                  warn: 4,
                  bad: s.mos_min,
                  width: 12,
                },
              ],
              [
                'ts',
                {
                  title: 'MOS p05 and p50',
                  description: 'The worst 5 % of calls and the median.',
                  unit: 'none',
                  min: 1,
                  max: 4.5,
                  queries: [
                    [q95('sidetone_media_mos', '', SEL, 0.05), 'p05'],
                    [q95('sidetone_media_mos', '', SEL, 0.5), 'p50'],
                  ],
                  polarity: 'higher-better',
                  warn: 4,
                  bad: s.mos_min,
                  width: 12,
                },
              ],
              [
                'ts',
                {
                  title: 'Jitter p50 / p95',
                  description: 'Interarrival jitter (RFC 3550).',
                  unit: 's',
                  min: 0,
                  queries: [
                    [q95('sidetone_media_jitter_seconds', '', SEL, 0.5), 'p50'],
                    [q95('sidetone_media_jitter_seconds', ''), 'p95'],
                  ],
                  polarity: 'lower-better',
                  warn: 0.03,
                  bad: 0.05,
                  width: 12,
                },
              ],
              [
                'ts',
                {
                  title: 'Packet loss p50 / p95',
                  description: 'Fraction lost per report.',
                  unit: 'percentunit',
                  min: 0,
                  queries: [
                    [q95('sidetone_media_loss_ratio', '', SEL, 0.5), 'p50'],
                    [q95('sidetone_media_loss_ratio', ''), 'p95'],
                  ],
                  polarity: 'lower-better',
                  warn: 0.01,
                  bad: 0.03,
                  width: 12,
                },
              ],
            ],
          ],
        ],
      ),
    },
    {
      file: 'sidetone-modem-sms.json',
      builder: board(
        'sidetone-modem-sms',
        'sidetone / Modem and SMS',
        'Signal in dBm, registration, reconnects, SMS delivery outcomes and pending reports.',
        false,
        [
          [
            'Modem',
            [
              [
                'ts',
                {
                  title: 'Signal (RSSI)',
                  description: `RSSI from +CSQ in dBm; the weak-signal alert is at ${s.signal_min_dbm} dBm.`,
                  unit: 'dBm',
                  queries: [[`sidetone_modem_signal_rssi_dbm{${SEL}}`, '{{instance}} {{modem}}']],
                  polarity: 'higher-better',
                  warn: s.signal_min_dbm + 15,
                  bad: s.signal_min_dbm,
                },
              ],
              [
                'ts',
                {
                  title: 'Registration state',
                  description: '+CREG/+CEREG state over time (1 = current state).',
                  unit: 'short',
                  min: 0,
                  max: 1,
                  queries: [[`sidetone_modem_registration_state{${SEL}} == 1`, '{{modem}} {{state}}']],
                },
              ],
              [
                'ts',
                {
                  title: 'Reconnects',
                  description: 'Modem reconnects per 5 minutes; flapping is the alert.',
                  unit: 'short',
                  min: 0,
                  queries: [
                    [`sum by (modem) (increase(sidetone_modem_reconnects_total{${SEL}}[5m]))`, '{{modem}}'],
                  ],
                  polarity: 'lower-better',
                  warn: 1,
                  bad: 3,
                },
              ],
              [
                'ts',
                {
                  title: 'Connected and registered',
                  description: '1 = yes.',
                  unit: 'bool_yes_no',
                  min: 0,
                  max: 1,
                  queries: [
                    [`sidetone_modem_connected{${SEL}}`, 'connected {{modem}}'],
                    [`sidetone_modem_registered{${SEL}}`, 'registered {{modem}}'],
                  ],
                  polarity: 'higher-better',
                  warn: 1,
                  bad: 1,
                },
              ],
            ],
          ],
          [
            'SMS',
            [
              [
                'ts',
                {
                  title: 'Delivery reports by outcome',
                  description: 'TS 23.040 TP-Status class or provider status.',
                  unit: 'reqps',
                  min: 0,
                  queries: [
                    [`sum by (outcome) (${rate('sidetone_sms_delivery_reports_total')})`, '{{outcome}}'],
                  ],
                  width: 8,
                },
              ],
              [
                'ts',
                {
                  title: 'Awaiting a delivery report',
                  description: 'Sent SMS still waiting for a final report, and the oldest wait.',
                  unit: 'short',
                  min: 0,
                  queries: [[`sum(sidetone_sms_delivery_pending{${SEL}})`, 'pending']],
                  width: 8,
                },
              ],
              [
                'ts',
                {
                  title: 'Oldest pending report',
                  description: `Age of the oldest wait; the stall alert is at ${s.sms_pending_max_seconds} s.`,
                  unit: 's',
                  min: 0,
                  queries: [[`max(sidetone_sms_delivery_pending_oldest_seconds{${SEL}})`, 'oldest']],
                  polarity: 'lower-better',
                  warn: s.sms_pending_max_seconds / 2,
                  bad: s.sms_pending_max_seconds,
                  width: 8,
                },
              ],
              [
                'ts',
                {
                  title: 'Send failure ratio',
                  description: `Failures / (sent + failures); the alert is at ${s.sms_failure_ratio}.`,
                  unit: 'percentunit',
                  min: 0,
                  queries: [
                    [
                      `sum(${rate('sidetone_sms_send_failures_total')}) / (sum(${rate('sidetone_sms_sent_total')}) + sum(${rate('sidetone_sms_send_failures_total')}))`,
                      'failure ratio',
                    ],
                  ],
                  polarity: 'lower-better',
                  warn: s.sms_failure_ratio / 2,
                  bad: s.sms_failure_ratio,
                  width: 24,
                },
              ],
            ],
          ],
        ],
      ),
    },
    {
      file: 'sidetone-voiceai.json',
      builder: board(
        'sidetone-voiceai',
        'sidetone / Voice AI',
        'Time to first byte of ASR, LLM and TTS, tool calls and barge-in.',
        false,
        [
          [
            'Latency',
            [
              [
                'ts',
                {
                  title: 'First byte p95 by stage',
                  description: 'ASR, LLM and TTS time to first byte.',
                  unit: 's',
                  min: 0,
                  queries: [[q95('sidetone_voiceai_first_byte_seconds', 'stage, '), '{{stage}}']],
                  polarity: 'lower-better',
                  warn: 0.8,
                  bad: 1.5,
                },
              ],
              [
                'ts',
                {
                  title: 'Tool call p95',
                  description: 'Agent tool-call duration by result.',
                  unit: 's',
                  min: 0,
                  queries: [[q95('sidetone_voiceai_tool_call_seconds', 'result, '), '{{result}}']],
                  polarity: 'lower-better',
                  warn: 1,
                  bad: 3,
                },
              ],
              [
                'ts',
                {
                  title: 'Barge-ins',
                  description: 'Callers talking over the agent, per second.',
                  unit: 'reqps',
                  min: 0,
                  queries: [[`sum(${rate('sidetone_voiceai_barge_ins_total')})`, 'barge-ins']],
                  width: 24,
                },
              ],
            ],
          ],
        ],
      ),
    },
    {
      file: 'sidetone-self.json',
      builder: board(
        'sidetone-self',
        'sidetone / sidetone itself',
        'Scrape time, dropped samples, PII redactions, series overflow, event loop.',
        false,
        [
          [
            'Pipeline',
            [
              [
                'ts',
                {
                  title: 'Scrape render time p99',
                  description: `/metrics render time; the slow-scrape alert is at ${s.scrape_slow_seconds} s.`,
                  unit: 's',
                  min: 0,
                  queries: [
                    [q95('sidetone_scrape_duration_seconds', 'instance, ', SEL, 0.99), '{{instance}}'],
                  ],
                  polarity: 'lower-better',
                  warn: s.scrape_slow_seconds / 2,
                  bad: s.scrape_slow_seconds,
                },
              ],
              [
                'ts',
                {
                  title: 'Samples dropped',
                  description: 'Bad values dropped on the hot path, by reason.',
                  unit: 'short',
                  min: 0,
                  queries: [
                    [`sum by (reason) (increase(sidetone_samples_dropped_total{${SEL}}[5m]))`, '{{reason}}'],
                  ],
                  polarity: 'lower-better',
                  warn: 1,
                  bad: 100,
                },
              ],
              [
                'ts',
                {
                  title: 'PII redactions',
                  description: 'Label values the guard redacted; any is an integration bug.',
                  unit: 'short',
                  min: 0,
                  queries: [
                    [
                      `sum by (metric, kind) (increase(sidetone_label_values_redacted_total{${SEL}}[5m]))`,
                      '{{metric}} {{kind}}',
                    ],
                  ],
                  polarity: 'lower-better',
                  warn: 1,
                  bad: 1,
                },
              ],
              [
                'ts',
                {
                  title: 'Series overflow',
                  description: 'Series folded into the overflow series at the cap.',
                  unit: 'short',
                  min: 0,
                  queries: [
                    [`sum by (metric) (increase(sidetone_series_overflow_total{${SEL}}[5m]))`, '{{metric}}'],
                  ],
                  polarity: 'lower-better',
                  warn: 1,
                  bad: 1,
                },
              ],
              [
                'ts',
                {
                  title: 'Event loop delay p99',
                  description: 'Node.js event loop delay.',
                  unit: 's',
                  min: 0,
                  queries: [[q95('nodejs_eventloop_delay_seconds', 'instance, ', SEL, 0.99), '{{instance}}']],
                  polarity: 'lower-better',
                  warn: 0.05,
                  bad: 0.2,
                },
              ],
              [
                'ts',
                {
                  title: 'Resident memory',
                  description: 'Process RSS.',
                  unit: 'bytes',
                  min: 0,
                  queries: [[`process_resident_memory_bytes{${SEL}}`, '{{instance}}']],
                },
              ],
            ],
          ],
        ],
      ),
    },
  ];
}
