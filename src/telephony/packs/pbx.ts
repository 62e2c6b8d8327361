import type { EventBus } from '../../events/bus.js';
import type { Registry } from '../../metrics/index.js';
import { type PackBase, PackMetrics, type PackOptions, resolveOptions, wire } from '../pack.js';

export interface PbxPack extends PackBase {
  enqueued(queue: string): void;
  /** A queued caller was answered (`answered`) or hung up (`abandoned`) after `waitSeconds`. */
  dequeued(queue: string, outcome: 'answered' | 'abandoned', waitSeconds: number): void;
  voicemail(durationSeconds: number): void;
  routing(matched: boolean): void;
}

/**
 * PBX features, after RustPBX's catalogue, every one wired to an event: queues (enqueued,
 * answered, abandoned, wait time), voicemail, transcription (requests, results, latency, audio
 * seconds), routing evaluations and WebRTC connections with ICE time. Queue names come from
 * the `queues` option only.
 * @example
 * const pbx = pbxPack(registry, { queues: ['support'] });
 * pbx.dequeued('support', 'answered', 42);
 */
export function pbxPack(registry: Registry, options: PackOptions = {}): PbxPack {
  const o = resolveOptions(options);
  const m = new PackMetrics(registry, o, 'pbx');
  const queues = m.config('queues');
  const enqueued = m.counter('pbx_queue_enqueued_total');
  const answered = m.counter('pbx_queue_answered_total');
  const abandoned = m.counter('pbx_queue_abandoned_total');
  const wait = m.histogram('pbx_queue_wait_seconds');
  const size = m.gauge('pbx_queue_size');
  // Callers waiting per queue, never below zero (an answer for a caller queued before we started).
  const waiting = new Int32Array(queues.values.length);
  const stored = m.gauge('pbx_voicemail_messages_stored').at();
  const wsOpened = m.counter('pbx_websocket_connections_total').at();
  const wsClosed = m.counter('pbx_websocket_disconnections_total').at();
  const wsActive = m.gauge('pbx_websocket_connections_active').at();
  let wsOpen = 0;
  const network = m.gauge('pbx_network_connections').at();
  const voicemails = m.counter('pbx_voicemail_messages_total').at();
  const voicemailSeconds = m.histogram('pbx_voicemail_duration_seconds').at();
  const transcriptionRequests = m.counter('pbx_transcription_requests_total').at();
  const transcriptions = m.counter('pbx_transcriptions_total');
  const transcriptionLatency = m.histogram('pbx_transcription_latency_seconds').at();
  const transcribedAudio = m.counter('pbx_transcription_audio_seconds_total').at();
  const routing = m.counter('pbx_routing_evaluations_total');
  const webrtc = m.counter('pbx_webrtc_connections_total');
  const ice = m.histogram('pbx_webrtc_ice_seconds').at();

  const pack: PbxPack = {
    name: 'pbx',
    enqueued(queue) {
      const q = queues.of(queue);
      enqueued.at(q).inc();
      waiting[q] = (waiting[q] as number) + 1;
      size.at(q).set(waiting[q] as number);
    },
    dequeued(queue, outcome, waitSeconds) {
      const q = queues.of(queue);
      if ((waiting[q] as number) > 0) {
        waiting[q] = (waiting[q] as number) - 1;
        size.at(q).set(waiting[q] as number);
      }
      (outcome === 'answered' ? answered : abandoned).at(q).inc();
      wait.at(q, outcome === 'answered' ? 0 : 1).observe(waitSeconds);
    },
    voicemail(durationSeconds) {
      voicemails.inc();
      voicemailSeconds.observe(durationSeconds);
    },
    routing: (matched) => routing.at(matched ? 0 : 1).inc(),
    subscribe: (bus: EventBus) =>
      wire([
        bus.on('pbx.queue_enqueued', (e) => pack.enqueued(e.queue)),
        bus.on('pbx.queue_answered', (e) => pack.dequeued(e.queue, 'answered', e.waitSeconds)),
        bus.on('pbx.queue_abandoned', (e) => pack.dequeued(e.queue, 'abandoned', e.waitSeconds)),
        bus.on('pbx.voicemail', (e) => pack.voicemail(e.durationSeconds)),
        bus.on('pbx.transcription_requested', () => transcriptionRequests.inc()),
        bus.on('pbx.transcription_result', (e) => {
          transcriptions.at(e.ok ? 0 : 1).inc();
          if (e.latencySeconds !== undefined) transcriptionLatency.observe(e.latencySeconds);
          if (e.ok && e.audioSeconds !== undefined) transcribedAudio.inc(e.audioSeconds);
        }),
        bus.on('pbx.routing', (e) => pack.routing(e.matched)),
        bus.on('pbx.voicemail_stored', (e) => stored.set(e.messages)),
        bus.on('pbx.connections', (e) => network.set(e.network)),
        bus.on('pbx.websocket', (e) => {
          if (e.state === 'connected') {
            wsOpened.inc();
            wsOpen++;
          } else {
            wsClosed.inc();
            if (wsOpen > 0) wsOpen--;
          }
          wsActive.set(wsOpen);
        }),
        bus.on('pbx.webrtc', (e) => {
          webrtc.at(e.result === 'connected' ? 0 : 1).inc();
          if (e.iceSeconds !== undefined) ice.observe(e.iceSeconds);
        }),
      ]),
  };
  return pack;
}
