import { describe, expect, it } from 'vitest';
import { FIXTURES } from './fixtures.js';
import { expectNoPii, expectSeries, FIXTURE_PRICES, PII, sample, setup, T0 } from './helpers.js';

describe('voiceai pack', () => {
  it('turns representative events into exact metrics, with no PII', () => {
    const { emit, registry } = setup();
    emit(FIXTURES.voiceai);
    const text = registry.render();
    expectSeries(text, 'voiceai', [
      'sidetone_voiceai_asr_errors_total{reason="rate_limit"} 1',
      'sidetone_voiceai_asr_errors_total{reason="timeout"} 1',
      'sidetone_voiceai_tts_errors_total{reason="other"} 1',
      'sidetone_voiceai_barge_ins_total 1',
      'sidetone_voiceai_first_byte_seconds_sum{stage="end_to_end"} 0.8',
      'sidetone_voiceai_first_byte_seconds_count{stage="end_to_end"} 1',
      'sidetone_voiceai_first_byte_seconds_sum{stage="llm"} 0.4',
      'sidetone_voiceai_first_byte_seconds_count{stage="llm"} 1',
      'sidetone_voiceai_first_byte_seconds_sum{stage="tts"} 0.15',
      'sidetone_voiceai_first_byte_seconds_count{stage="tts"} 1',
      'sidetone_voiceai_tool_call_seconds_sum{result="success"} 0.3',
      'sidetone_voiceai_tool_call_seconds_count{result="success"} 1',
      'sidetone_voiceai_tool_call_seconds_sum{result="failure"} 2.5',
      'sidetone_voiceai_tool_call_seconds_count{result="failure"} 1',
      'sidetone_voiceai_transcripts_total{transcript="present"} 1',
      'sidetone_voiceai_transcripts_total{transcript="missing"} 1',
      'sidetone_voiceai_attach_total{mode="cascaded",result="ok"} 1',
      'sidetone_voiceai_attach_total{mode="realtime",result="config_error"} 1',
      'sidetone_voiceai_attach_mode_fallbacks_total{from="pipeline",to="realtime"} 1',
      'sidetone_voiceai_dialog_reconnects_total{transport="webrtc",outcome="ok"} 1',
      'sidetone_voiceai_dialog_reconnects_total{transport="webrtc",outcome="fail"} 1',
      // Turns (docs/sources/voice-agents.md): the full one heard 1.2 s, split 0.3 + 0.2 + 0.4 + 0.2 + 0.1; the
      // unanswered one is dead air without a heard silence; the inconsistent one records no segment.
      'sidetone_voiceai_turns_total{agent="other",model="other"} 3',
      // Names outside labels.agents / labels.models, counted (issue 47): two agents on turns and
      // one on an answering-machine verdict, one model.
      'sidetone_voiceai_unconfigured_names_total{list="agents"} 3',
      'sidetone_voiceai_unconfigured_names_total{list="models"} 1',
      // The end-of-turn model's verdict on turn 1, and the interruption model's on the barge-in.
      'sidetone_voiceai_eou_probability_ratio_count{agent="other"} 1',
      'sidetone_voiceai_eou_probability_ratio_sum{agent="other"} 0.91',
      'sidetone_voiceai_eou_detection_delay_seconds_count{agent="other"} 1',
      'sidetone_voiceai_eou_detection_delay_seconds_sum{agent="other"} 0.04',
      'sidetone_voiceai_interruption_detection_delay_seconds_count{agent="other",kind="barge_in"} 1',
      'sidetone_voiceai_interruption_detection_delay_seconds_sum{agent="other",kind="barge_in"} 0.12',
      // The LLM request priced by the fixtures' file; the synthesis by a model it does not price.
      'sidetone_voiceai_usage_reports_total{agent="other",component="llm",pricing="priced"} 1',
      'sidetone_voiceai_usage_reports_total{agent="other",component="tts",pricing="unpriced"} 1',
      'sidetone_voiceai_heard_silence_seconds_count{agent="other",model="other"} 1',
      'sidetone_voiceai_heard_silence_seconds_sum{agent="other",model="other"} 1.2',
      ...(
        [
          ['stt', 0.3],
          ['endpointing', 0.2],
          ['llm_ttft', 0.4],
          ['tts_ttfb', 0.2],
          ['remainder', 0.1],
        ] as const
      ).flatMap(([segment, v]) => [
        `sidetone_voiceai_turn_segment_seconds_count{agent="other",model="other",segment="${segment}"} 1`,
        `sidetone_voiceai_turn_segment_seconds_sum{agent="other",model="other",segment="${segment}"} ${v}`,
      ]),
      'sidetone_voiceai_dead_air_turns_total{agent="other",model="other"} 1',
      'sidetone_voiceai_turns_inconsistent_total{agent="other"} 1',
      'sidetone_voiceai_tts_ttfa_seconds_count{agent="other"} 1',
      'sidetone_voiceai_tts_ttfa_seconds_sum{agent="other"} 0.2',
      'sidetone_voiceai_speech_seconds_total{agent="other",speaker="agent"} 3',
      'sidetone_voiceai_speech_seconds_total{agent="other",speaker="caller"} 2',
      'sidetone_voiceai_interruptions_total{agent="other",kind="barge_in"} 1',
      'sidetone_voiceai_interruptions_total{agent="other",kind="false_interruption"} 1',
      // Answering-machine verdicts: a voicemail after 0.42 s, and a person with no delay reported.
      'sidetone_voiceai_amd_results_total{agent="other",category="machine-vm"} 1',
      'sidetone_voiceai_amd_results_total{agent="other",category="human"} 1',
      'sidetone_voiceai_amd_delay_seconds_count{agent="other"} 1',
      'sidetone_voiceai_amd_delay_seconds_sum{agent="other"} 0.42',
      // What the priced usage cost: 2.5M input tokens at 0.4, 500k output at 1.6 per million.
      'sidetone_voiceai_cost_total{agent="other",component="llm",trunk="other"} 1.8',
    ]);
    expect(sample(text, 'sidetone_voiceai_first_byte_seconds_bucket{stage="llm",le="0.5"}')).toBe(1);
    expectNoPii(text);
  });

  const errors: Array<[string, string]> = [
    ['deadline exceeded after 5000ms', 'timeout'],
    ['HTTP 429: quota exceeded', 'rate_limit'],
    ['401 Unauthorized: invalid API key', 'auth'],
    ['unsupported sample rate 44100', 'bad_input'],
    ['502 Bad Gateway', 'server'],
    [`websocket closed by ${PII.sipUri}`, 'network'],
    [PII.body, 'other'],
  ];
  it.each(errors)('error text %j -> %s', (error, reason) => {
    const { bus, registry } = setup();
    bus.emit({ type: 'voiceai.tts_error', error, callId: PII.phone });
    const text = registry.render();
    expect(sample(text, `sidetone_voiceai_tts_errors_total{reason="${reason}"}`)).toBe(1);
    expectNoPii(text);
  });

  it('counts usage without a price file as no_price_file, and costs nothing', () => {
    const { bus, registry } = setup({ prices: undefined });
    bus.emit({ type: 'voiceai.usage', component: 'llm', model: 'gpt-4.1-mini', inputTokens: 1000 });
    const text = registry.render();
    expect(
      sample(
        text,
        'sidetone_voiceai_usage_reports_total{agent="other",component="llm",pricing="no_price_file"}',
      ),
    ).toBe(1);
    expect(sample(text, 'sidetone_voiceai_cost_total{agent="other",component="llm",trunk="other"}')).toBe(0);
  });

  // The carrier's minutes (issue 52): priced as an answered call ends, at its trunk's price, under
  // the agent its events named; a call pushed out of the tracked calls has no known talk time.
  it('carrier minutes: counted as an answered call ends, by trunk and agent; nothing for an evicted call', () => {
    const prices = {
      ...FIXTURE_PRICES,
      trunks: [{ trunk: 'carrier-a', perMinute: 0.02, incrementSeconds: 60 }],
    };
    const { bus, registry } = setup({ prices, maxTracked: 1, agents: ['support-bot'] });
    const call = (callId: string, at: number) => {
      bus.emit({
        type: 'call.started',
        ts: at,
        callId,
        direction: 'outbound',
        channel: 'sip',
        trunk: 'carrier-a',
      });
      bus.emit({ type: 'call.answered', ts: at + 1000, callId });
    };
    call('c1', T0);
    bus.emit({ type: 'voiceai.amd', callId: 'c1', agent: 'support-bot', category: 'human' });
    // 61 s of talk: two minutes.
    bus.emit({ type: 'call.ended', ts: T0 + 62_000, callId: 'c1' });
    call('c2', T0 + 100_000);
    // c3 evicts c2 (maxTracked 1): its end is an unknown call's, and costs nothing here.
    call('c3', T0 + 200_000);
    bus.emit({ type: 'call.ended', ts: T0 + 300_000, callId: 'c2' });
    bus.emit({ type: 'call.ended', ts: T0 + 230_000, callId: 'c3' });
    const text = registry.render();
    expect(
      sample(text, 'sidetone_voiceai_cost_total{agent="support-bot",component="carrier",trunk="carrier-a"}'),
    ).toBeCloseTo(0.04, 12);
    // c3 named no agent: 29 s, one minute, under `other`.
    expect(
      sample(text, 'sidetone_voiceai_cost_total{agent="other",component="carrier",trunk="carrier-a"}'),
    ).toBeCloseTo(0.02, 12);
  });

  it('helpers update the same series', () => {
    const { registry, telephony } = setup();
    telephony.voiceai?.firstByte('asr', 0.25);
    telephony.voiceai?.asrError('auth');
    telephony.voiceai?.bargeIn();
    const text = registry.render();
    expect(sample(text, 'sidetone_voiceai_first_byte_seconds_sum{stage="asr"}')).toBe(0.25);
    expect(sample(text, 'sidetone_voiceai_asr_errors_total{reason="auth"}')).toBe(1);
    expect(sample(text, 'sidetone_voiceai_barge_ins_total')).toBe(1);
  });
});
