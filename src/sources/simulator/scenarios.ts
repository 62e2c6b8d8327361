import type { ScenarioContext } from './context.js';
import { agentConversation } from './voice.js';

type Outcome = 'answered' | 'busy' | 'no_answer' | 'failed' | 'cancelled' | 'timeout';

// Roughly a busy PBX: most calls connect; the rest spread over the ways calls really fail. No call
// is left without its end: a zombie is the source losing events, which SidetoneZombieCalls and the
// health indicators report, so a healthy demo has none.
const OUTCOMES: ReadonlyArray<readonly [Outcome, number]> = [
  ['answered', 64],
  ['busy', 9],
  ['no_answer', 9],
  ['failed', 8],
  ['cancelled', 6],
  ['timeout', 4],
];

/**
 * One call, start to end: INVITE, 180, 200 or a failure, RTCP reports while it talks, voice-agent
 * turns on agent calls (./voice.ts), BYE and a transcript flag. Trunk B degrades: more 503s.
 */
export function call(t: number, c: ScenarioContext): void {
  const { rng, schedule } = c;
  const callId = `${rng.hex(16)}@sim.invalid`;
  const direction = rng.chance(0.5) ? 'inbound' : 'outbound';
  const trunk = rng.pick(c.trunks);
  const channel = rng.weighted([
    ['sip', 7],
    ['webrtc', 2],
    ['pstn', 1],
  ] as const);
  const agent = channel === 'webrtc';
  let outcome = rng.weighted(OUTCOMES);
  if (trunk === c.trunks[1] && outcome === 'answered' && rng.chance(0.1)) outcome = 'failed';
  const sip = (at: number, method: string, code: number) =>
    schedule.at(at, { type: 'sip.response', method, code, direction, callId });
  schedule.at(t, {
    type: 'call.started',
    callId,
    direction,
    channel,
    trunk,
    from: rng.phone(),
    to: rng.phone(),
  });
  schedule.at(t, { type: 'sip.request', method: 'INVITE', direction, callId });
  const routed = t + rng.between(5, 40);
  schedule.at(routed, { type: 'pbx.routing', matched: rng.chance(0.9), callId });
  const ringAt = t + rng.between(300, 4000);
  if (outcome === 'timeout') {
    // No final response: Timer B fires 64*T1 = 32 s after the INVITE (RFC 3261 17.1.1.2).
    schedule.at(t + 32_000, { type: 'sip.transaction_timeout', method: 'INVITE', timer: 'B', callId });
    schedule.at(t + 32_000, { type: 'call.ended', callId, timeout: true, sipCode: 408, hangupBy: 'system' });
    return;
  }
  if (outcome === 'failed') {
    const code = trunk === c.trunks[1] ? 503 : rng.pick([404, 500, 503, 488]);
    const at = t + rng.between(200, 2000);
    sip(at, 'INVITE', code);
    schedule.at(at, { type: 'call.ended', callId, sipCode: code, hangupBy: 'system' });
    return;
  }
  sip(ringAt, 'INVITE', 180);
  schedule.at(ringAt, { type: 'call.ringing', callId });
  if (outcome === 'busy') {
    const at = ringAt + rng.between(500, 3000);
    sip(at, 'INVITE', 486);
    schedule.at(at, { type: 'call.ended', callId, sipCode: 486, q850: 17, hangupBy: 'callee' });
    return;
  }
  if (outcome === 'no_answer') {
    const at = ringAt + rng.between(20_000, 30_000);
    sip(at, 'INVITE', 480);
    schedule.at(at, { type: 'call.ended', callId, sipCode: 480, q850: 18, hangupBy: 'system' });
    return;
  }
  if (outcome === 'cancelled') {
    const at = ringAt + rng.between(1000, 8000);
    schedule.at(at, { type: 'sip.request', method: 'CANCEL', direction, callId });
    sip(at, 'INVITE', 487);
    schedule.at(at, { type: 'call.ended', callId, sipCode: 487, q850: 16, hangupBy: 'caller' });
    return;
  }
  const answerAt = ringAt + rng.between(1500, 9000);
  sip(answerAt, 'INVITE', 200);
  schedule.at(answerAt, { type: 'call.answered', callId });
  schedule.at(answerAt, { type: 'sip.dialog_created', dialogId: callId });
  const talk = rng.between(5_000, 90_000);
  const endAt = answerAt + talk;
  // A bad-network episode on some calls: the MOS histogram needs a tail.
  const loss = rng.chance(0.15) ? rng.between(3, 12) : rng.between(0, 1.5);
  for (let at = answerAt + 5000; at < endAt; at += 5000) {
    schedule.at(at, {
      type: 'media.report',
      callId,
      codec: agent ? 'opus' : rng.pick(['PCMU', 'PCMA', 'G729']),
      packetsReceived: 250,
      packetsLost: Math.round((250 * loss) / 100),
      jitterMs: rng.between(2, loss > 3 ? 60 : 20),
      rttMs: rng.between(20, loss > 3 ? 400 : 150),
    });
  }
  if (agent) agentConversation(callId, answerAt, endAt, c);
  schedule.at(endAt, { type: 'sip.request', method: 'BYE', direction, callId });
  sip(endAt + rng.between(20, 200), 'BYE', 200);
  schedule.at(endAt, { type: 'sip.dialog_terminated', dialogId: callId });
  schedule.at(endAt, {
    type: 'call.ended',
    callId,
    q850: 16,
    hangupBy: rng.chance(0.5) ? 'caller' : 'callee',
  });
  schedule.at(endAt + 100, { type: 'voiceai.transcript', present: rng.chance(0.8), callId });
}

/** One SMS: inbound, or outbound with a delivery report that sometimes fails or never comes. */
export function sms(t: number, c: ScenarioContext): void {
  const { rng, schedule } = c;
  if (rng.chance(0.4)) {
    schedule.at(t, {
      type: 'sms.received',
      from: rng.phone(),
      body: `Call me back on ${rng.phone()} about order ${rng.int(1000, 9999)}`,
      segments: rng.chance(0.1) ? 2 : 1,
      modem: c.modem,
    });
    return;
  }
  const reference = `sim-${c.seq}`;
  if (rng.chance(0.04)) {
    schedule.at(t, {
      type: 'sms.send_failed',
      to: rng.phone(),
      cmsError: rng.pick([38, 330, 331, 500]),
      reference,
      modem: c.modem,
    });
    return;
  }
  schedule.at(t, {
    type: 'sms.sent',
    to: rng.phone(),
    body: 'Your code is 482913',
    reference,
    segments: 1,
    modem: c.modem,
  });
  const fate = rng.weighted([
    ['delivered', 84],
    ['late', 5],
    ['failed', 8],
    ['lost', 3],
  ] as const);
  const at = t + rng.between(1500, 20_000);
  // A TP-MR names a submission only on its own modem (TS 23.040 9.2.3.6): a report without the
  // modem matched no submission, so every report was filed as a message of its own.
  const report = (tpStatus: number) => ({
    type: 'sms.delivery_report' as const,
    reference,
    tpStatus,
    modem: c.modem,
  });
  if (fate === 'delivered') schedule.at(at, report(0x00));
  else if (fate === 'failed') schedule.at(at, report(rng.pick([0x41, 0x45, 0x62])));
  else if (fate === 'late') {
    schedule.at(at, report(0x20));
    schedule.at(at + rng.between(10_000, 60_000), report(0x00));
  }
}

/** A USSD balance check; the network sometimes refuses it. */
export function ussd(t: number, c: ScenarioContext): void {
  const { rng, schedule } = c;
  schedule.at(t, { type: 'ussd.request', code: '*100#', modem: c.modem });
  schedule.at(t + rng.between(800, 4000), {
    type: 'ussd.response',
    status: rng.weighted([
      [0, 85],
      [2, 5],
      [4, 5],
      [5, 5],
    ] as const),
    text: `Balance 12.40 EUR, valid until 2026-12-31. Top up: ${rng.phone()}`,
    modem: c.modem,
  });
}

/** A call-centre queue: answered by an agent, or abandoned; some leave a voicemail. */
export function queue(t: number, c: ScenarioContext): void {
  const { rng, schedule } = c;
  const q = rng.pick(c.queues);
  const callId = `${rng.hex(16)}@sim.invalid`;
  schedule.at(t, { type: 'pbx.queue_enqueued', queue: q, callId, caller: rng.phone() });
  const wait = rng.between(2, 120);
  if (rng.chance(0.8))
    schedule.at(t + wait * 1000, { type: 'pbx.queue_answered', queue: q, callId, waitSeconds: wait });
  else {
    schedule.at(t + wait * 1000, { type: 'pbx.queue_abandoned', queue: q, callId, waitSeconds: wait });
    if (rng.chance(0.5)) {
      schedule.at(t + wait * 1000 + 2000, {
        type: 'pbx.voicemail',
        mailbox: '2001',
        durationSeconds: rng.between(5, 60),
        caller: rng.phone(),
      });
      const audio = rng.between(5, 60);
      schedule.at(t + wait * 1000 + 3000, { type: 'pbx.transcription_requested', audioSeconds: audio });
      schedule.at(t + wait * 1000 + 3000 + rng.between(800, 6000), {
        type: 'pbx.transcription_result',
        ok: rng.chance(0.93),
        latencySeconds: rng.between(0.8, 6),
        audioSeconds: audio,
      });
    }
  }
  if (rng.chance(0.3))
    schedule.at(t, {
      type: 'pbx.webrtc',
      result: rng.chance(0.95) ? 'connected' : 'failed',
      iceSeconds: rng.between(0.1, 2),
    });
}

// ISO 7816-4 / TS 102 221 instructions a test bench sends, and the status words cards answer.
const INS = [0xa4, 0xb0, 0xb2, 0xc0, 0x88, 0xf2, 0xdc, 0x14];
const SW: ReadonlyArray<readonly [number, number]> = [
  [0x9000, 80],
  [0x6110, 8],
  [0x6a82, 5],
  [0x6982, 3],
  [0x6d00, 2],
  [0x9210, 2],
];

/** A SIM/OTA test-bench session: a run of APDUs, a BIP channel, a PSK-TLS handshake. */
export function simSession(t: number, c: ScenarioContext): void {
  const { rng, schedule } = c;
  let at = t;
  const n = rng.int(4, 12);
  for (let i = 0; i < n; i++) {
    at += rng.between(20, 300);
    schedule.at(at, {
      type: 'sim.apdu',
      ins: rng.pick(INS),
      sw: rng.weighted(SW),
      seconds: rng.between(0.005, 0.25),
      commandBytes: rng.int(5, 261),
      responseBytes: rng.int(2, 258),
    });
  }
  const protocol = rng.pick(['bip', 'https', 'sms_pp', 'pcsc'] as const);
  if (protocol === 'bip' || protocol === 'https') {
    schedule.at(t + 10, { type: 'sim.bip_opened', ok: rng.chance(0.95), channel: 1 });
    schedule.at(at, {
      type: 'sim.tls_handshake',
      result: rng.chance(0.92) ? 'success' : 'failure',
      seconds: rng.between(0.2, 2),
    });
    schedule.at(at + 50, {
      type: 'sim.bip_closed',
      bytesSent: rng.int(200, 20_000),
      bytesReceived: rng.int(200, 20_000),
      channel: 1,
    });
  }
  schedule.at(at + 60, {
    type: 'sim.session',
    kind: rng.pick(['ota', 'rfm', 'ram', 'test'] as const),
    protocol,
    result: rng.weighted([
      ['success', 88],
      ['failure', 7],
      ['timeout', 4],
      ['aborted', 1],
    ] as const),
    durationSeconds: (at + 60 - t) / 1000,
  });
}
