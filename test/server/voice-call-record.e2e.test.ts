// One call, both legs, as an operator runs it: the built CLI serving with its defaults, the SIP leg
// and its RTCP captured over HEP, the voice agent's turns from Pipecat's OpenTelemetry spans on
// /v1/traces (the fixture built per pipecat-ai/pipecat @ acead05, test/fixtures/voice). The call
// ends as one store row holding the SIP outcome, the media quality (per direction, from each
// side's RTCP) and the agent's turn summary and turns, and every surface that reads it (GET /metrics/calls/<id>, the export, `sidetone call`) shows both.
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ntpMiddle32 } from '../../src/sources/hep/rtcp.js';
import { freePort } from '../helpers/prometheus.js';
import { CLI, startCli } from '../helpers/spawn.js';
import { freeUdpPort, hep, rawHep, sip } from '../sources/hep/helpers.js';
import { expected, fixtureJson, JSON_TYPE } from '../sources/otlp/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-voice-call-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Pipecat's conversation_id, which the agent set to the SIP Call-ID of the call it answered
// (pipecat-3turn-bargein.md: PipelineWorker(..., conversation_id=...)).
const CALL_ID = '0b7f3c1e-5a2d-4d8e-9f41-6c2a8e0d7b15';
// The fixture's call, moved to a minute ago: capture agents stamp HEP with the time of capture, and
// sidetone pulls a stamp further than hep.max_clock_skew_ms (5 min) from its receipt back to it.
const SHIFT_MS =
  Math.floor(Date.now() / 1000) * 1000 - 60_000 - expected('pipecat-3turn-bargein').t0_unix_s * 1000;
const T0 = expected('pipecat-3turn-bargein').t0_unix_s * 1000 + SHIFT_MS;

/** The fixture with every instant (span start and end, span events) moved by SHIFT_MS. */
function shiftedFixture(): string {
  const shift = BigInt(SHIFT_MS) * 1_000_000n;
  return JSON.stringify(fixtureJson('pipecat-3turn-bargein'), (k, v) =>
    (k === 'startTimeUnixNano' || k === 'endTimeUnixNano' || k === 'timeUnixNano') && typeof v === 'string'
      ? String(BigInt(v) + shift)
      : v,
  );
}

/**
 * RTCP RR (RFC 3550 6.4.2), one report block: fraction lost /256, jitter in timestamp units, and
 * LSR / DLSR (6.4.1: middle 32 bits of the NTP time of the last SR, the delay since, 1/65536 s).
 */
function rr(fraction: number, jitter: number, lsr = 0, dlsr = 0): Buffer {
  const b = Buffer.alloc(32);
  b[0] = 0x81;
  b[1] = 201;
  b.writeUInt16BE(7, 2);
  b.writeUInt32BE(0x1234, 4);
  b.writeUInt32BE(0x5678, 8);
  b[12] = fraction;
  b.writeUInt32BE(jitter, 20);
  b.writeUInt32BE(lsr, 24);
  b.writeUInt32BE(dlsr, 28);
  return b;
}

describe('a voice-agent call through HEP and OTLP', () => {
  it('ends as one store row with the SIP outcome, the media and the turn summary, on every surface', async () => {
    const port = await freePort();
    const hepPort = await freeUdpPort();
    const url = `http://127.0.0.1:${port}`;
    const db = join(dir, 'calls.db');
    const config = join(dir, 'sidetone.toml');
    writeFileSync(config, '[otlp_receiver]\ncall_id_attributes = ["conversation.id"]\n');
    const env = { SIDETONE_STORE_HASH_KEY: 'v'.repeat(32) };
    const { child, exited } = await startCli(
      [
        'serve',
        '--port',
        String(port),
        '--db',
        db,
        '--config',
        config,
        '--hep',
        `udp://127.0.0.1:${hepPort}`,
      ],
      url,
      env,
    );
    try {
      const sock = createSocket('udp4');
      const send = (b: Buffer) => new Promise<void>((r) => sock.send(b, hepPort, '127.0.0.1', () => r()));
      const leg = { callId: CALL_ID, cseq: '1 INVITE' };
      // G.711 µ-law offered: the codec the RTCP report's MOS is computed for (G.107).
      const sdp = 'v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 4000 RTP/AVP 0\r\n';
      const invite = { ...leg, extra: ['Content-Type: application/sdp'], body: sdp };
      await send(hep(sip('INVITE sip:agent@b.example SIP/2.0', invite), { ts: T0 - 3000 }));
      await send(hep(sip('SIP/2.0 180 Ringing', { ...leg, to: 'agent' }), { ts: T0 - 2500 }));
      const answer = 'v=0\r\nc=IN IP4 10.0.0.2\r\nm=audio 5000 RTP/AVP 0\r\n';
      const ok = { ...leg, to: 'agent', extra: ['Content-Type: application/sdp'], body: answer };
      await send(hep(sip('SIP/2.0 200 OK', ok), { ts: T0 - 1000 }));
      // Each side's receiver report (RFC 3550 6.4: a receiver reports what it receives), matched
      // to its stream by the SDP addresses. The callee: 5 % lost (13/256), jitter 80 timestamp
      // units (10 ms at 8 kHz); the caller: 1/256 lost, jitter 16 (2 ms). The callee got the
      // caller's SR 200 ms before its report went out 20 ms after it: a round trip of 180 ms.
      const lsr = ntpMiddle32(T0 + 5000 - 200);
      const dlsr = Math.round(0.02 * 65_536);
      await send(
        rawHep(5, rr(13, 80, lsr, dlsr), CALL_ID, { at: T0 + 5000, src: '10.0.0.2', srcPort: 5001 }),
      );
      await send(rawHep(5, rr(1, 16), CALL_ID, { at: T0 + 5100, src: '10.0.0.1', srcPort: 4001 }));
      const traces = await fetch(`${url}/v1/traces`, {
        method: 'POST',
        body: shiftedFixture(),
        headers: JSON_TYPE,
      });
      expect(traces.status).toBe(200);
      // A new transaction: its own branch (RFC 3261 8.1.1.7).
      const bye = { callId: CALL_ID, cseq: '2 BYE', to: 'agent', branch: 'z9hG4bK-bye' };
      await send(hep(sip('BYE sip:agent@b.example SIP/2.0', bye), { ts: T0 + 20_000 }));
      await send(hep(sip('SIP/2.0 200 OK', bye), { ts: T0 + 20_050 }));
      sock.close();

      let call: Record<string, unknown> = {};
      // The capture spans 23 s and was sent at once: sidetone hands a message on only once its
      // reorder watermark (receipt clock, moved by the smallest capture - receipt offset seen) passes
      // its capture time, so the BYE is taken about 23 s after the INVITE, as in a live capture.
      for (let i = 0; i < 450; i++) {
        const res = await fetch(`${url}/metrics/calls/${encodeURIComponent(CALL_ID)}`);
        if (res.status === 200) call = ((await res.json()) as { call: Record<string, unknown> }).call;
        const media = call.media as unknown[] | null | undefined;
        if (call.status === 'completed' && media?.length === 2 && call.agent_turns === 3) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      // The phone leg: answered, ended by BYE, 3 s of set-up; the media quality from the RTCP report.
      expect(call).toMatchObject({ status: 'completed', channel: 'sip', talk_ms: 21_000 });
      expect(call.loss_percent).toBeCloseTo((13 / 256) * 100, 6);
      expect(call.mos).toEqual(expect.any(Number));
      // Per direction: the callee's report is the caller->callee stream, the caller's the other;
      // the call's worst figures are the worse direction's.
      const [up, down] = call.media as Array<Record<string, number | string | null>>;
      expect(up?.rtt_ms).toBeCloseTo(180, 0);
      expect(up).toMatchObject({
        direction: 'caller_to_callee',
        jitter_ms: 10,
        codec: 'PCMU',
        mos: call.mos,
      });
      expect(up?.loss_percent).toBeCloseTo((13 / 256) * 100, 6);
      expect(down).toMatchObject({ direction: 'callee_to_caller', jitter_ms: 2, codec: 'PCMU' });
      expect(down?.loss_percent).toBeCloseTo((1 / 256) * 100, 6);
      expect(down?.mos as number).toBeGreaterThan(up?.mos as number);
      // The agent's half: Pipecat's three turns, heard silence 1.105, 1.381 and 1.062 s (the fixture's
      // turn.user_bot_latency_seconds): p50 1105 ms, p95 1353.4 ms (linear between ranks); the
      // caller's barge-in in turn 2; no turn past the 3 s dead-air threshold.
      expect(call).toMatchObject({ agent_turns: 3, agent_interruptions: 1, agent_dead_air: 0 });
      expect(call.agent_silence_p50_ms).toBeCloseTo(1105, 0);
      expect(call.agent_silence_p95_ms).toBeCloseTo(1353.4, 0);
      expect(call.agent_talk_listen_ratio).toEqual(expect.any(Number));
      // Its turns one by one: the same heard silences, each split into segments that add up to it,
      // the barge-in marked on turn 2; no text, no caller identity.
      const turns = call.turns as Array<{
        turn: number;
        at_ms: number;
        heard_silence_ms: number;
        segments: Record<string, number>;
        interrupted: boolean;
        dead_air: boolean;
      }>;
      expect(turns.map((t) => t.turn)).toEqual([1, 2, 3]);
      expect(turns.map((t) => Math.round(t.heard_silence_ms))).toEqual([1105, 1381, 1062]);
      for (const t of turns) {
        const sum = Object.values(t.segments).reduce((a, b) => a + b, 0);
        expect(Math.abs(sum - t.heard_silence_ms)).toBeLessThanOrEqual(1);
        expect(t.at_ms).toBeGreaterThan(0);
        // At the caller's ear: the phone leg's round trip (180 ms) and both directions' jitter
        // (10 + 2 ms) added to what the agent heard.
        expect((t as unknown as { caller_ear_ms: number }).caller_ear_ms - t.heard_silence_ms).toBeCloseTo(
          192,
          0,
        );
        // Pipecat's turn made one LLM call (one `llm` span): the count is kept, nothing else is.
        expect(Object.keys(t).sort()).toEqual([
          'at_ms',
          'caller_ear_ms',
          'dead_air',
          'heard_silence_ms',
          'interrupted',
          'llm_calls',
          'segments',
          'turn',
        ]);
      }
      expect(turns.map((t) => t.interrupted)).toEqual([false, true, false]);
      expect(turns.every((t) => !t.dead_air)).toBe(true);

      // The export reads the same row: one line with both halves.
      const csv = await (await fetch(`${url}/metrics/export?format=csv&days=1`)).text();
      const [header, ...rows] = csv.trim().split('\r\n');
      expect(rows).toHaveLength(1);
      const row = Object.fromEntries(
        (header as string).split(',').map((k, i) => [k, rows[0]!.split(',')[i]]),
      );
      expect(row).toMatchObject({
        call_id: call.call_id,
        status: 'completed',
        agent_turns: '3',
        agent_dead_air: '0',
      });
      expect(Number(row.mos)).toBe(call.mos);

      // `sidetone call` on the store file prints it too.
      const cli = spawnSync(process.execPath, [CLI, 'call', CALL_ID, '--url', url, '--json'], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', ...env },
        timeout: 20_000,
      });
      expect(cli.status).toBe(0);
      expect(JSON.parse(cli.stdout).call).toEqual(call);
      // And in text: both directions' rows and the three turns.
      const text = spawnSync(process.execPath, [CLI, 'call', CALL_ID, '--url', url], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', ...env },
        timeout: 20_000,
      });
      expect(text.stdout).toMatch(/^ {2}caller_to_callee +[\d.]+ +10\.0 ms +5\.08 % .* PCMU$/m);
      expect(text.stdout).toMatch(/^ {2}callee_to_caller +[\d.]+ +2\.0 ms +0\.39 % .* PCMU$/m);
      expect(text.stdout).toContain('Voice agent turns (3;');
      // Heard 1381 ms by the agent, 1573 at the caller's ear (+180 round trip, +12 jitter).
      expect(text.stdout).toMatch(/^ {2}2 +[\d.]+ s +1381 +1573 .* interrupted$/m);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 90_000);
});
