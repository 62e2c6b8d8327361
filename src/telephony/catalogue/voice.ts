import { INTERRUPTION_KINDS, SPEAKERS, TURN_SEGMENTS } from '../../domain/vocab.js';
import { BUCKETS, type MetricSpec } from './types.js';

/**
 * Voice-agent turns (docs/sources/voice-agents.md): recorded as each turn ends, not at the end of the session,
 * labelled only by the configured agent and model names. No transcript, no caller.
 */
export const VOICE_METRICS: readonly MetricSpec[] = [
  {
    pack: 'voiceai',
    name: 'voiceai_turns_total',
    type: 'counter',
    help: 'Conversational turns of voice agents, counted as each turn ends',
    labels: { agent: 'agents', model: 'models' },
    events: ['voiceai.turn'],
  },
  {
    pack: 'voiceai',
    name: 'voiceai_heard_silence_seconds',
    type: 'histogram',
    unit: 'seconds',
    help: 'Silence the caller heard in a turn: the caller stopped speaking -> the first agent audio played (not TTFA, which is one stage of it)',
    labels: { agent: 'agents', model: 'models' },
    buckets: BUCKETS.heard,
    events: ['voiceai.turn'],
    note: 'Turns where neither end nor the whole was reported are not observed (unknown, not zero).',
  },
  {
    pack: 'voiceai',
    name: 'voiceai_turn_segment_seconds',
    type: 'histogram',
    unit: 'seconds',
    help: 'The heard silence split by the stage that kept the caller waiting; per turn the segments sum to the heard silence',
    labels: { agent: 'agents', model: 'models', segment: TURN_SEGMENTS },
    buckets: BUCKETS.segment,
    events: ['voiceai.turn'],
    note: 'A stage whose end was not reported is not observed; its time goes to `unattributed` with its neighbour (docs/sources/voice-agents.md).',
  },
  {
    pack: 'voiceai',
    name: 'voiceai_dead_air_turns_total',
    type: 'counter',
    help: 'Turns where the caller waited longer than voiceai.dead_air_seconds (default 3) after speaking, answered late or not at all',
    labels: { agent: 'agents', model: 'models' },
    events: ['voiceai.turn'],
  },
  {
    pack: 'voiceai',
    name: 'voiceai_turns_inconsistent_total',
    type: 'counter',
    help: 'Turns whose reported whole was shorter than the stages placed inside it (clocks disagree): segments not recorded',
    labels: { agent: 'agents' },
    events: ['voiceai.turn'],
  },
  {
    pack: 'voiceai',
    name: 'voiceai_tts_ttfa_seconds',
    type: 'histogram',
    unit: 'seconds',
    help: "Time to first audio as Pipecat defines it: text sent to speech synthesis -> its first audible sample (a stage of the heard silence, not the caller's wait)",
    labels: { agent: 'agents' },
    buckets: BUCKETS.ai,
    events: ['voiceai.turn'],
  },
  {
    pack: 'voiceai',
    name: 'voiceai_speech_seconds_total',
    type: 'counter',
    unit: 'seconds',
    help: 'Speech time by speaker (agent talks, caller talks while the agent listens): the talk/listen ratio',
    labels: { agent: 'agents', speaker: SPEAKERS },
    events: ['voiceai.turn'],
  },
  {
    pack: 'voiceai',
    name: 'voiceai_interruptions_total',
    type: 'counter',
    help: 'Overlapping speech by outcome: barge-in (agent stopped), talked over, false interruption (agent resumed), agent over the caller',
    labels: { agent: 'agents', kind: INTERRUPTION_KINDS },
    events: ['voiceai.interruption'],
  },
];
