import { describe, expect, it } from 'vitest';
import { FIXTURES } from './fixtures.js';
import { expectNoPii, expectSeries, sample, setup } from './helpers.js';

describe('pbx pack', () => {
  it('turns representative events into exact metrics, with no PII', () => {
    const { emit, registry } = setup();
    emit(FIXTURES.pbx);
    const text = registry.render();
    expectSeries(text, 'pbx', [
      'sidetone_pbx_queue_enqueued_total{queue="support"} 2',
      'sidetone_pbx_queue_enqueued_total{queue="other"} 1',
      'sidetone_pbx_queue_answered_total{queue="support"} 1',
      'sidetone_pbx_queue_abandoned_total{queue="support"} 1',
      'sidetone_pbx_queue_wait_seconds_sum{queue="support",outcome="answered"} 12',
      'sidetone_pbx_queue_wait_seconds_count{queue="support",outcome="answered"} 1',
      'sidetone_pbx_queue_wait_seconds_sum{queue="support",outcome="abandoned"} 40',
      'sidetone_pbx_queue_wait_seconds_count{queue="support",outcome="abandoned"} 1',
      'sidetone_pbx_voicemail_messages_total 1',
      'sidetone_pbx_voicemail_duration_seconds_sum 30',
      'sidetone_pbx_voicemail_duration_seconds_count 1',
      'sidetone_pbx_transcription_requests_total 1',
      'sidetone_pbx_transcriptions_total{result="success"} 1',
      'sidetone_pbx_transcriptions_total{result="failure"} 1',
      'sidetone_pbx_transcription_latency_seconds_sum 63',
      'sidetone_pbx_transcription_latency_seconds_count 2',
      'sidetone_pbx_transcription_audio_seconds_total 30',
      'sidetone_pbx_routing_evaluations_total{result="matched"} 1',
      'sidetone_pbx_routing_evaluations_total{result="default"} 1',
      'sidetone_pbx_webrtc_connections_total{result="connected"} 1',
      'sidetone_pbx_webrtc_connections_total{result="failed"} 1',
      'sidetone_pbx_webrtc_ice_seconds_sum 0.35',
      'sidetone_pbx_webrtc_ice_seconds_count 1',
      // support: 2 queued, 1 answered, 1 abandoned; the unlisted queue keeps its caller.
      'sidetone_pbx_queue_size{queue="other"} 1',
      'sidetone_pbx_voicemail_messages_stored 7',
      'sidetone_pbx_websocket_connections_total 2',
      'sidetone_pbx_websocket_disconnections_total 1',
      'sidetone_pbx_websocket_connections_active 1',
      'sidetone_pbx_network_connections 42',
    ]);
    expect(
      sample(text, 'sidetone_pbx_queue_wait_seconds_bucket{queue="support",outcome="abandoned",le="30"}'),
    ).toBe(0);
    expect(
      sample(text, 'sidetone_pbx_queue_wait_seconds_bucket{queue="support",outcome="abandoned",le="60"}'),
    ).toBe(1);
    expectNoPii(text);
  });

  it('helpers update the same series', () => {
    const { registry, telephony } = setup();
    telephony.pbx?.enqueued('support');
    telephony.pbx?.dequeued('support', 'abandoned', 5);
    telephony.pbx?.voicemail(12);
    telephony.pbx?.routing(false);
    const text = registry.render();
    expect(sample(text, 'sidetone_pbx_queue_abandoned_total{queue="support"}')).toBe(1);
    expect(sample(text, 'sidetone_pbx_voicemail_duration_seconds_sum')).toBe(12);
    expect(sample(text, 'sidetone_pbx_routing_evaluations_total{result="default"}')).toBe(1);
  });
});
