import type { AlertSettings } from '../rules/thresholds.js';
import { type Board, named, q95, rate } from './build.js';
import { SEL, SEL_TRUNK } from './panels.js';

/** Fleet overview, SIP and trunks, media quality. */
export function callBoards(s: AlertSettings, prefix: string): Board[] {
  const { m, board, kpi } = named(prefix);
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
                  description: `Instances whose /readyz fails (${m('ready')} == 0).`,
                  unit: 'short',
                  queries: [[`sum(1 - ${m('ready')}{${SEL}})`, 'not ready']],
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
                  queries: [[`sum(${m('call_active')}{${SEL_TRUNK}})`, 'active']],
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
                  queries: [[`sum by (trunk) (${rate(m('call_attempts_total'), SEL_TRUNK)})`, '{{trunk}}']],
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
                  queries: [[`sum by (class) (${rate(m('sip_responses_total'))})`, '{{class}}']],
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
                  queries: [[`${m('trunk_up')}{${SEL_TRUNK}}`, '{{instance}} {{trunk}}']],
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
                  queries: [[q95(m('call_pdd_seconds'), 'trunk, ', SEL_TRUNK), '{{trunk}}']],
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
                  queries: [[q95(m('trunk_options_rtt_seconds'), 'trunk, ', SEL_TRUNK), '{{trunk}}']],
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
                      `sum by (codec) (${rate(m('media_mos_sum'))}) / sum by (codec) (${rate(m('media_mos_count'))})`,
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
                    [q95(m('media_mos'), '', SEL, 0.05), 'p05'],
                    [q95(m('media_mos'), '', SEL, 0.5), 'p50'],
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
                    [q95(m('media_jitter_seconds'), '', SEL, 0.5), 'p50'],
                    [q95(m('media_jitter_seconds'), ''), 'p95'],
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
                    [q95(m('media_loss_ratio'), '', SEL, 0.5), 'p50'],
                    [q95(m('media_loss_ratio'), ''), 'p95'],
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
  ];
}
