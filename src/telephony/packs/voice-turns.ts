import type { EventOf } from '../../events/types.js';
import { INTERRUPTION_KINDS, SPEAKERS, TURN_SEGMENTS } from '../../events/vocab.js';
import type { HistogramSeries } from '../../metrics/index.js';
import {
  agentSpeechMs,
  breakTurn,
  callerSpeechMs,
  isDeadAir,
  segmentIndex,
  TurnBreakdown,
  UNATTRIBUTED,
} from '../outcome/turns.js';
import type { PackMetrics, ResolvedOptions } from '../pack.js';
import { Enum, type SeriesTable } from '../table.js';

/** The voice-AI pack's turn metrics: what each `voiceai.turn` and `voiceai.interruption` moves. */
export interface TurnMetrics {
  turn(e: EventOf<'voiceai.turn'>): void;
  interruption(e: EventOf<'voiceai.interruption'>): void;
}

const SPEAKER_AGENT = SPEAKERS.indexOf('agent');
const SPEAKER_CALLER = SPEAKERS.indexOf('caller');

/**
 * Per-turn histograms recorded as each turn ends (LiveKit flushes its turn histograms at session
 * end, livekit/agents telemetry/otel_metrics.py; a dashboard then sees a call's turns only after
 * the call), labelled by the configured agent and model names only. Hot path: one breakdown object
 * reused, series reached through pre-indexed tables, no allocation per turn.
 */
export function turnMetrics(m: PackMetrics, o: ResolvedOptions): TurnMetrics {
  const agents = m.config('agents');
  const models = m.config('models');
  const kinds = new Enum(INTERRUPTION_KINDS);
  const turns = m.counter('voiceai_turns_total');
  const heard = m.histogram('voiceai_heard_silence_seconds');
  const segments = m.histogram('voiceai_turn_segment_seconds');
  const deadAir = m.counter('voiceai_dead_air_turns_total');
  const inconsistent = m.counter('voiceai_turns_inconsistent_total');
  const ttfa = m.histogram('voiceai_tts_ttfa_seconds');
  const speech = m.counter('voiceai_speech_seconds_total');
  const interruptions = m.counter('voiceai_interruptions_total');
  const b = new TurnBreakdown();
  const deadAirMs = o.deadAirSeconds * 1000;
  const unattributed = TURN_SEGMENTS.indexOf('unattributed');

  const observeSegments = (table: SeriesTable<HistogramSeries>, a: number, mo: number) => {
    // A segment carrying a missing neighbour is time no single stage can be charged with: it is
    // summed with the unplaced rest into one `unattributed` observation, so per turn the recorded
    // segments still add up to the heard silence.
    let rest = 0;
    let restSeen = false;
    for (let i = 0; i <= UNATTRIBUTED; i++) {
      const ms = b.ms[i] as number;
      if (Number.isNaN(ms)) continue;
      const seg = segmentIndex(b, i);
      if (seg === UNATTRIBUTED) {
        rest += ms;
        restSeen = true;
      } else table.at(a, mo, seg).observe(ms / 1000);
    }
    if (restSeen) table.at(a, mo, unattributed).observe(rest / 1000);
  };

  return {
    turn(e) {
      breakTurn(e, b);
      const a = agents.of(e.agent);
      const mo = models.of(e.model);
      turns.at(a, mo).inc();
      // Segments only beside a whole they add up to: stacked, they are the heard-silence histogram.
      if (b.inconsistent) inconsistent.at(a).inc();
      else if (!Number.isNaN(b.heardMs)) {
        heard.at(a, mo).observe(b.heardMs / 1000, e.callId === undefined ? undefined : o.exemplar(e.callId));
        observeSegments(segments, a, mo);
      }
      if (isDeadAir(b, e, deadAirMs)) deadAir.at(a, mo).inc();
      if (e.ttsStartedAt !== undefined && e.ttsFirstAudibleAt !== undefined) {
        ttfa.at(a).observe(Math.max(0, e.ttsFirstAudibleAt - e.ttsStartedAt) / 1000);
      }
      const agentMs = agentSpeechMs(e);
      if (!Number.isNaN(agentMs)) speech.at(a, SPEAKER_AGENT).inc(agentMs / 1000);
      const callerMs = callerSpeechMs(e);
      if (!Number.isNaN(callerMs)) speech.at(a, SPEAKER_CALLER).inc(callerMs / 1000);
    },
    interruption(e) {
      interruptions.at(agents.of(e.agent), kinds.of(e.kind)).inc();
    },
  };
}
