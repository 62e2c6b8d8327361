import { TURN_STAGES } from '../domain/vocab.js';
import type { AlertSettings } from '../rules/thresholds.js';
import { type Board, named, q95, rate } from './build.js';
import { SEL } from './panels.js';

/** Modem and SMS, voice AI, sidetone itself. */
export function operationsBoards(s: AlertSettings, prefix: string): Board[] {
  const { m, board } = named(prefix);
  return [
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
                  queries: [[`${m('modem_signal_rssi_dbm')}{${SEL}}`, '{{instance}} {{modem}}']],
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
                  queries: [[`${m('modem_registration_state')}{${SEL}} == 1`, '{{modem}} {{state}}']],
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
                    [`sum by (modem) (increase(${m('modem_reconnects_total')}{${SEL}}[5m]))`, '{{modem}}'],
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
                    [`${m('modem_connected')}{${SEL}}`, 'connected {{modem}}'],
                    [`${m('modem_registered')}{${SEL}}`, 'registered {{modem}}'],
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
                  queries: [[`sum by (outcome) (${rate(m('sms_delivery_reports_total'))})`, '{{outcome}}']],
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
                  queries: [[`sum(${m('sms_delivery_pending')}{${SEL}})`, 'pending']],
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
                  queries: [[`max(${m('sms_delivery_pending_oldest_seconds')}{${SEL}})`, 'oldest']],
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
                      `sum(${rate(m('sms_send_failures_total'))}) / (sum(${rate(m('sms_sent_total'))}) + sum(${rate(m('sms_send_failures_total'))}))`,
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
        'The silence callers hear after speaking and the stage that made it, dead air, interruptions, talk/listen; first byte of ASR, LLM and TTS, tool calls.',
        false,
        [
          [
            'Turns: the silence the caller hears',
            [
              [
                'ts',
                {
                  title: 'Heard silence p50 and p95 by agent',
                  description: `The caller stops speaking -> the agent's first audio plays, per agent. The latency alert is at p95 ${s.voice_silence_p95_seconds} s for 5 minutes. Not TTFA: Pipecat's TTFA is one TTS stage of this.`,
                  unit: 's',
                  min: 0,
                  queries: [
                    [q95(m('voiceai_heard_silence_seconds'), 'agent, ', SEL, 0.5), 'p50 {{agent}}'],
                    [q95(m('voiceai_heard_silence_seconds'), 'agent, '), 'p95 {{agent}}'],
                  ],
                  polarity: 'lower-better',
                  warn: s.voice_silence_p95_seconds * 0.7,
                  bad: s.voice_silence_p95_seconds,
                },
              ],
              [
                'ts',
                {
                  title: 'Where the wait goes: mean segment per turn',
                  description: `Seconds of the heard silence per turn by stage (${TURN_STAGES.join(', ')}; unattributed where the agent does not report a stage): stacked, they are the mean heard silence.`,
                  unit: 's',
                  min: 0,
                  queries: [
                    [
                      `sum by (segment) (${rate(`${m('voiceai_turn_segment_seconds')}_sum`)}) / scalar(sum(${rate(`${m('voiceai_heard_silence_seconds')}_count`)}))`,
                      '{{segment}}',
                    ],
                  ],
                  stacked: true,
                },
              ],
              [
                'ts',
                {
                  title: 'Dead air',
                  description: `Share of turns where the caller waited longer than voiceai.dead_air_seconds (default 3 s) after speaking; the alert is at ${s.voice_dead_air_ratio * 100} % over 10 minutes.`,
                  unit: 'percentunit',
                  min: 0,
                  queries: [
                    [
                      `sum by (agent) (${rate(m('voiceai_dead_air_turns_total'))}) / sum by (agent) (${rate(m('voiceai_turns_total'))})`,
                      '{{agent}}',
                    ],
                  ],
                  polarity: 'lower-better',
                  warn: s.voice_dead_air_ratio / 2,
                  bad: s.voice_dead_air_ratio,
                },
              ],
              [
                'ts',
                {
                  title: 'Interruptions by outcome',
                  description:
                    'Barge-ins (the agent stopped), talked over (it kept talking), false interruptions (it resumed), the agent over the caller; per second.',
                  unit: 'reqps',
                  min: 0,
                  queries: [[`sum by (kind) (${rate(m('voiceai_interruptions_total'))})`, '{{kind}}']],
                },
              ],
              [
                'ts',
                {
                  title: 'Talk/listen ratio',
                  description: 'Agent speech over caller speech, by agent.',
                  unit: 'short',
                  min: 0,
                  queries: [
                    [
                      `sum by (agent) (${rate(m('voiceai_speech_seconds_total'), `${SEL},speaker="agent"`)}) / sum by (agent) (${rate(m('voiceai_speech_seconds_total'), `${SEL},speaker="caller"`)})`,
                      '{{agent}}',
                    ],
                  ],
                },
              ],
              [
                'ts',
                {
                  title: 'Turns',
                  description: 'Conversational turns per second, by agent and model.',
                  unit: 'reqps',
                  min: 0,
                  queries: [
                    [`sum by (agent, model) (${rate(m('voiceai_turns_total'))})`, '{{agent}} {{model}}'],
                  ],
                },
              ],
            ],
          ],
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
                  queries: [[q95(m('voiceai_first_byte_seconds'), 'stage, '), '{{stage}}']],
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
                  queries: [[q95(m('voiceai_tool_call_seconds'), 'result, '), '{{result}}']],
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
                  queries: [[`sum(${rate(m('voiceai_barge_ins_total'))})`, 'barge-ins']],
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
                  description: `/metrics render time (for an instance that pushes, its push's: format remote_write or otlp); the slow-scrape alert is at ${s.scrape_slow_seconds} s.`,
                  unit: 's',
                  min: 0,
                  queries: [[q95(m('scrape_duration_seconds'), 'instance, ', SEL, 0.99), '{{instance}}']],
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
                    [`sum by (reason) (increase(${m('samples_dropped_total')}{${SEL}}[5m]))`, '{{reason}}'],
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
                      `sum by (metric, kind) (increase(${m('label_values_redacted_total')}{${SEL}}[5m]))`,
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
                    [`sum by (metric) (increase(${m('series_overflow_total')}{${SEL}}[5m]))`, '{{metric}}'],
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
