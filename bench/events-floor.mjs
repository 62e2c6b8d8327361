// The events suite's floor (issue 51: every row a ratio to a floor measured in the same run): plain
// code doing the least the same job needs, with none of the bus, the packs or the registry. It
// takes the same events and records what the packs record for them: each series a slot of a plain
// array (its labels an index: direction, channel and trunk packed as the calls pack packs them),
// each histogram a linear walk of the catalogue's bounds, one object per call in a Map. Where the
// packs take a decision from the domain (a call's outcome and NER, its hangup cause, the E-model
// MOS, a voice turn's segments), the floor takes the same one from the same module: that is the
// job, not its overhead. `floorProblems()` proves it does the same work: the same events through
// both give the same totals, family by family (bench/events.bench.mjs runs it in every floor process).
import { classifyEnded, hangupCause, isNetworkEffective } from '../dist/domain/outcome/classify.js';
import { scoreMedia } from '../dist/domain/outcome/media.js';
import { q850ToSip } from '../dist/domain/standards/sip.js';
import { catalogueEntry } from '../dist/telephony/catalogue.js';
import {
  breakTurn,
  DEAD_AIR_SECONDS,
  isDeadAir,
  segmentIndex,
  TurnBreakdown,
  UNATTRIBUTED,
} from '../dist/telephony/outcome/turns.js';
import { turns } from './voice-turns.mjs';

/** Values of one catalogued family's label, in the catalogue's order (the index a series has). */
const labelValues = (family, label) => catalogueEntry(family).labels[label];
/** A label value's index; one not listed is `other`, listed or else one past the end. */
const indexOf = (values) => {
  const m = new Map(values.map((v, k) => [v, k]));
  const other = m.get('other') ?? values.length;
  return (v) => m.get(v) ?? other;
};

/** Series a label's values take: each listed one and `other`. */
const width = (values) => values.length + 1;

/** A counter family of `n` series: one number each. */
const counter = (n = 1) => new Float64Array(n);

/** A histogram family of `n` series over a catalogued family's bounds: per series, counts by bucket, sum, count. */
class Histogram {
  constructor(family, n = 1) {
    this.bounds = catalogueEntry(family).buckets;
    this.width = this.bounds.length + 1;
    this.counts = new Float64Array(n * this.width);
    this.sums = new Float64Array(n);
    this.n = new Float64Array(n);
  }
  observe(i, v) {
    const b = this.bounds;
    let k = 0;
    while (k < b.length && v > b[k]) k++;
    this.counts[i * this.width + k]++;
    this.sums[i] += v;
    this.n[i]++;
  }
  /** Totals as an exposition's sample lines add up: `_bucket` cumulative, `_sum`, `_count`. */
  totals(name, out) {
    let buckets = 0;
    for (let j = 0; j < this.counts.length; j++) buckets += this.counts[j] * (this.width - (j % this.width));
    out[`${name}_bucket`] = buckets;
    out[`${name}_sum`] = this.sums.reduce((a, b) => a + b, 0);
    out[`${name}_count`] = this.n.reduce((a, b) => a + b, 0);
  }
}

const dirOf = (d) => (d === 'outbound' ? 1 : 0);

/**
 * A floor holding what the packs would for `trunks`, `agents` and `models` (the names configured).
 * @example const f = eventsFloor({ trunks: ['carrier-a'] }); f.emit({ type: 'sms.received', segments: 1 });
 */
export function eventsFloor({ trunks = [], agents = [], models = [], listening = true } = {}) {
  const trunkOf = indexOf([...trunks, 'other']);
  const channelOf = indexOf(labelValues('call_attempts_total', 'channel'));
  const outcomeValues = labelValues('call_outcomes_total', 'outcome');
  const outcomeOf = indexOf(outcomeValues);
  const hangupByValues = labelValues('call_hangups_total', 'hangup_by');
  const hangupByOf = indexOf(hangupByValues);
  const causeValues = labelValues('call_hangups_total', 'cause');
  const causeOf = indexOf(causeValues);
  const codecValues = labelValues('media_mos', 'codec');
  const codecOf = indexOf(codecValues);
  const unavailableValues = labelValues('media_mos_unavailable_total', 'reason');
  const unavailableOf = indexOf(unavailableValues);
  const failureValues = labelValues('trunk_call_failures_total', 'class');
  const failureOf = indexOf(failureValues);
  const agentOf = indexOf([...agents, 'other']);
  const modelOf = indexOf([...models, 'other']);
  const methodValues = labelValues('sip_responses_total', 'method');
  const methodOf = indexOf(methodValues);
  const stageValues = labelValues('voiceai_first_byte_seconds', 'stage');
  const stageOf = indexOf(stageValues);
  const segmentCount = labelValues('voiceai_turn_segment_seconds', 'segment').length;
  const nCall = 2 * 4 * (trunks.length + 1);
  const nAgent = (agents.length + 1) * (models.length + 1);

  const s = {
    responses: counter(2 * width(methodValues) * 6),
    byCode: counter(width(methodValues) * 700),
    smsReceived: counter(),
    smsSegments: counter(2),
    attempts: counter(nCall),
    active: counter(nCall),
    answered: counter(nCall),
    effective: counter(nCall),
    outcomes: counter(nCall * width(outcomeValues)),
    hangups: counter(2 * width(hangupByValues) * width(causeValues)),
    trunkCalls: counter(2 * (trunks.length + 1)),
    trunkFailures: counter(width(failureValues) * (trunks.length + 1)),
    pdd: new Histogram('call_pdd_seconds', nCall),
    setup: new Histogram('call_setup_seconds', nCall),
    duration: new Histogram('call_duration_seconds', nCall),
    talk: new Histogram('call_talk_time_seconds', nCall),
    reports: counter(),
    received: counter(),
    lost: counter(),
    loss: new Histogram('media_loss_ratio'),
    jitter: new Histogram('media_jitter_seconds'),
    rtt: new Histogram('media_rtt_seconds'),
    mos: new Histogram('media_mos', width(codecValues)),
    mosUnavailable: counter(width(unavailableValues)),
    turns: counter(nAgent),
    heard: new Histogram('voiceai_heard_silence_seconds', nAgent),
    segments: new Histogram('voiceai_turn_segment_seconds', nAgent * segmentCount),
    ttfa: new Histogram('voiceai_tts_ttfa_seconds', agents.length + 1),
    speech: counter(2 * (agents.length + 1)),
    deadAir: counter(nAgent),
    firstByte: new Histogram('voiceai_first_byte_seconds', width(stageValues)),
  };
  const calls = new Map();
  const turn = new TurnBreakdown();
  let unknownCalls = 0;

  function response(e) {
    const m = methodOf(e.method);
    const cls = (e.code / 100) | 0;
    s.responses[(dirOf(e.direction) * width(methodValues) + m) * 6 + cls - 1]++;
    s.byCode[m * 700 + e.code]++;
  }
  function started(e) {
    if (calls.has(e.callId)) return;
    const d = dirOf(e.direction);
    const t = e.trunk === undefined ? trunks.length : trunkOf(e.trunk);
    const l = d | (channelOf(e.channel) << 1) | (t << 3);
    calls.set(e.callId, {
      l,
      trunk: e.trunk === undefined ? -1 : t,
      startedAt: e.ts ?? Date.now(),
      ringingAt: Number.NaN,
      answeredAt: Number.NaN,
      codec: undefined,
      received: 0,
      lost: 0,
      jitterSum: 0,
      jitterN: 0,
      rttSum: 0,
      rttN: 0,
      reported: false,
    });
    s.attempts[l]++;
    s.active[l]++;
    if (e.trunk !== undefined) s.trunkCalls[t * 2 + d]++;
  }
  function ringing(e) {
    const c = calls.get(e.callId);
    if (c === undefined) return void unknownCalls++;
    if (!Number.isNaN(c.ringingAt)) return;
    c.ringingAt = e.ts ?? Date.now();
    s.pdd.observe(c.l, (c.ringingAt - c.startedAt) / 1000);
  }
  function answered(e) {
    const c = calls.get(e.callId);
    if (c === undefined) return void unknownCalls++;
    if (!Number.isNaN(c.answeredAt)) return;
    c.answeredAt = e.ts ?? Date.now();
    s.answered[c.l]++;
    s.setup.observe(c.l, (c.answeredAt - c.startedAt) / 1000);
  }
  function report(e) {
    const lossRatio = e.packetsLost / (e.packetsReceived + e.packetsLost);
    s.reports[0]++;
    s.received[0] += e.packetsReceived;
    s.lost[0] += e.packetsLost;
    s.loss.observe(0, lossRatio);
    s.jitter.observe(0, e.jitterMs / 1000);
    s.rtt.observe(0, e.rttMs / 1000);
    const c = calls.get(e.callId);
    if (c === undefined) return;
    c.reported = true;
    c.codec = e.codec;
    c.received += e.packetsReceived;
    c.lost += e.packetsLost;
    c.jitterSum += e.jitterMs;
    c.jitterN++;
    c.rttSum += e.rttMs;
    c.rttN++;
  }
  function ended(e) {
    const c = calls.get(e.callId);
    if (c === undefined) return void unknownCalls++;
    calls.delete(e.callId);
    const l = c.l;
    const wasAnswered = !Number.isNaN(c.answeredAt);
    const verdict = classifyEnded(e, wasAnswered);
    s.active[l]--;
    s.outcomes[l * width(outcomeValues) + outcomeOf(verdict.outcome ?? 'failed')]++;
    if (isNetworkEffective(verdict.kpi)) s.effective[l]++;
    const at = e.ts ?? Date.now();
    s.duration.observe(l, (at - c.startedAt) / 1000);
    if (wasAnswered) s.talk.observe(l, e.durationSeconds ?? (at - c.answeredAt) / 1000);
    const cause = hangupCause({
      ended: true,
      answered: wasAnswered,
      sipCode: e.sipCode,
      q850: e.q850,
      timeout: e.timeout,
      hangupBy: e.hangupBy,
    });
    // The trunk's failure: an unanswered call's final response (a cancel is the caller's doing).
    if (c.trunk >= 0 && !wasAnswered) {
      const code = e.sipCode ?? (e.q850 === undefined ? undefined : q850ToSip(e.q850));
      if (code !== 487) {
        const cls =
          code === undefined
            ? failureOf(e.timeout === true ? 'timeout' : 'other')
            : code >= 400 && code < 700
              ? ((code / 100) | 0) - 4
              : failureOf('other');
        s.trunkFailures[c.trunk * width(failureValues) + cls]++;
      }
    }
    s.hangups[
      ((l & 1) * width(hangupByValues) + hangupByOf(e.hangupBy ?? 'unknown')) * width(causeValues) +
        causeOf(cause)
    ]++;
    if (c.reported) {
      const score = scoreMedia(
        c.codec,
        (c.lost * 100) / (c.received + c.lost),
        c.jitterSum / c.jitterN,
        c.rttSum / c.rttN,
      );
      if (score.mos === undefined) s.mosUnavailable[unavailableOf(score.unavailable)]++;
      else s.mos.observe(codecOf(score.codec.id), score.mos);
    }
  }
  function voiceTurn(e) {
    breakTurn(e, turn);
    const a = agentOf(e.agent);
    const am = a * (models.length + 1) + modelOf(e.model);
    s.turns[am]++;
    if (!turn.inconsistent && !Number.isNaN(turn.heardMs)) {
      s.heard.observe(am, turn.heardMs / 1000);
      let rest = 0;
      let restSeen = false;
      for (let i = 0; i <= UNATTRIBUTED; i++) {
        const ms = turn.ms[i];
        if (Number.isNaN(ms)) continue;
        const seg = segmentIndex(turn, i);
        if (seg === UNATTRIBUTED) {
          rest += ms;
          restSeen = true;
        } else s.segments.observe(am * segmentCount + seg, ms / 1000);
      }
      if (restSeen) s.segments.observe(am * segmentCount + UNATTRIBUTED, rest / 1000);
    }
    if (isDeadAir(turn, e, DEAD_AIR_SECONDS * 1000)) s.deadAir[am]++;
    if (e.ttsStartedAt !== undefined && e.ttsFirstAudibleAt !== undefined)
      s.ttfa.observe(a, Math.max(0, e.ttsFirstAudibleAt - e.ttsStartedAt) / 1000);
    if (e.userStartedAt !== undefined && e.userStoppedAt !== undefined)
      s.speech[a * 2 + 1] += (e.userStoppedAt - e.userStartedAt) / 1000;
    if (e.agentStartedAt !== undefined && e.agentStoppedAt !== undefined)
      s.speech[a * 2] += (e.agentStoppedAt - e.agentStartedAt) / 1000;
  }
  /** The listeners by type, as a bus holds them: a type nobody listens to is one lookup. */
  const on = !listening
    ? {}
    : {
        'sip.response': response,
        'sms.received': (e) => {
          s.smsReceived[0]++;
          s.smsSegments[0] += e.segments ?? 1;
        },
        'call.started': started,
        'call.ringing': ringing,
        'call.answered': answered,
        'media.report': report,
        'call.ended': ended,
        'voiceai.turn': voiceTurn,
      };
  return {
    emit(e) {
      const f = on[e.type];
      if (f !== undefined) f(e);
    },
    /** The packs' direct helpers (events.bench.mjs section 5). */
    inviteResult(direction, code) {
      response({ method: 'INVITE', code, direction });
    },
    smsReceived() {
      s.smsReceived[0]++;
      s.smsSegments[0]++;
    },
    firstByte(stage, seconds) {
      s.firstByte.observe(stageOf(stage), seconds);
    },
    unknownCalls: () => unknownCalls,
    /** Each family's total over its series, named as sidetone's exposition names its samples. */
    totals() {
      const out = {};
      const add = (name, xs) => {
        out[`sidetone_${name}`] = xs.reduce((a, b) => a + b, 0);
      };
      add('sip_responses_total', s.responses);
      add('sip_responses_by_code_total', s.byCode);
      add('sms_received_total', s.smsReceived);
      add('sms_segments_total', s.smsSegments);
      add('call_attempts_total', s.attempts);
      add('call_active', s.active);
      add('call_answered_total', s.answered);
      add('call_effective_total', s.effective);
      add('call_outcomes_total', s.outcomes);
      add('call_hangups_total', s.hangups);
      add('trunk_calls_total', s.trunkCalls);
      add('trunk_call_failures_total', s.trunkFailures);
      add('media_mos_unavailable_total', s.mosUnavailable);
      add('media_reports_total', s.reports);
      add('media_packets_received_total', s.received);
      add('media_packets_lost_total', s.lost);
      add('voiceai_turns_total', s.turns);
      add('voiceai_speech_seconds_total', s.speech);
      add('voiceai_dead_air_turns_total', s.deadAir);
      for (const [name, h] of [
        ['call_pdd_seconds', s.pdd],
        ['call_setup_seconds', s.setup],
        ['call_duration_seconds', s.duration],
        ['call_talk_time_seconds', s.talk],
        ['media_loss_ratio', s.loss],
        ['media_jitter_seconds', s.jitter],
        ['media_rtt_seconds', s.rtt],
        ['media_mos', s.mos],
        ['voiceai_heard_silence_seconds', s.heard],
        ['voiceai_turn_segment_seconds', s.segments],
        ['voiceai_tts_ttfa_seconds', s.ttfa],
        ['voiceai_first_byte_seconds', s.firstByte],
      ])
        h.totals(`sidetone_${name}`, out);
      return out;
    },
  };
}

/**
 * The floor does the same work as sidetone or it is not the floor of these rows: the same events
 * (calls of every outcome, SIP responses, SMS, voice turns and the helpers) through a fresh floor
 * and a fresh sidetone leave the same total in every family the floor keeps, and sidetone moves no
 * family the floor leaves out. `m`: sidetone's Registry, EventBus and instrument. The differences,
 * empty when the floor does the same work.
 * @example floorProblems({ ...await import('../dist/metrics/index.js'), ... }) // []
 */
export function floorProblems(m) {
  const events = [];
  for (let k = 0; k < 200; k++) {
    const callId = `verify-${k}`;
    const t = 1_700_000_000_000 + k * 100_000;
    const ended = { type: 'call.ended', callId, ts: t + 20_000 + k * 7 };
    events.push({
      type: 'call.started',
      callId,
      direction: k % 3 === 0 ? 'inbound' : 'outbound',
      channel: ['sip', 'pstn', 'webrtc', 'sip', 'sip'][k % 5],
      trunk: ['carrier-a', 'carrier-b', 'elsewhere'][k % 3],
      ts: t,
    });
    if (k % 4 !== 3) events.push({ type: 'call.ringing', callId, ts: t + 300 + k });
    if (k % 2 === 0) events.push({ type: 'call.answered', callId, ts: t + 2000 + 10 * k });
    if (k % 3 !== 2)
      events.push({
        type: 'media.report',
        callId,
        codec: k % 2 ? 'PCMU' : 'opus',
        packetsReceived: 3000 + k,
        packetsLost: k % 9,
        jitterMs: 1 + (k % 40),
        rttMs: 20 + k,
      });
    events.push(
      k % 2 === 0
        ? { ...ended, q850: 16, hangupBy: k % 4 ? 'caller' : 'callee' }
        : { ...ended, q850: [17, 18, 21, 34, 1][k % 5] },
    );
    events.push({
      type: 'sip.response',
      method: ['INVITE', 'BYE', 'REGISTER', 'OPTIONS'][k % 4],
      code: [100, 180, 200, 302, 404, 486, 503, 603][k % 8],
      direction: k % 2 ? 'inbound' : 'outbound',
    });
    events.push({ type: 'sms.received', from: '+447700900123', segments: 1 + (k % 3) });
  }
  // One side of each with every name configured (the timed cases configure a part each).
  const config = {
    trunks: ['carrier-a', 'carrier-b'],
    queues: ['support'],
    agents: ['support-bot'],
    models: ['gpt-4.1-mini'],
  };
  const floor = eventsFloor(config);
  const registry = new m.Registry();
  const bus = new m.EventBus({ registry });
  const telephony = m.instrument(bus, registry, { packs: 'all', ...config });
  const empty = totals(registry.render());
  for (const e of [...events, ...turns]) {
    floor.emit(e);
    bus.emit(e);
  }
  for (let code = 100; code < 700; code += 37) {
    floor.inviteResult('outbound', code);
    telephony.sip.inviteResult('outbound', code);
  }
  floor.smsReceived();
  telephony.sms.received();
  floor.firstByte('llm', 0.42);
  telephony.voiceai.firstByte('llm', 0.42);
  const got = totals(registry.render());
  const want = floor.totals();
  const problems = [];
  for (const [name, v] of Object.entries(want)) {
    const x = got[name] ?? 0;
    if (Math.abs(x - v) > 1e-9 * Math.max(1, Math.abs(v)))
      problems.push(`${name}: sidetone ${x}, the floor ${v}`);
  }
  for (const [name, x] of Object.entries(got))
    if (x !== (empty[name] ?? 0) && !(name in want))
      problems.push(`${name}: moved in sidetone, not kept by the floor`);
  return problems;
}

/** Each family's total over its sample lines (`_bucket`, `_sum` and `_count` apart). */
function totals(text) {
  const out = {};
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const name = line.slice(0, line.search(/[{ ]/));
    out[name] = (out[name] ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return out;
}
