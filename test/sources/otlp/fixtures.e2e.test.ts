import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { EventOf } from '../../../src/events/types.js';
import { AllowList } from '../../../src/sources/otlp/spans.js';
import { decodeJson, decodeProtobuf } from '../../../src/sources/otlp/wire.js';
import { breakTurn, segmentsByName, TurnBreakdown } from '../../../src/telephony/outcome/turns.js';
import { encodeOtlpJson, otlpRoot } from '../../helpers/otlp.js';
import { sample } from '../../telephony/helpers.js';
import {
  expected,
  FIXTURES,
  type FixtureName,
  fixtureFile,
  fixtureJson,
  fixturePb,
  JSON_TYPE,
  PROTOBUF,
  receiverApp,
  sdkBatches,
} from './helpers.js';

const root = await otlpRoot();
const Request = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');

/** What the fixtures carry that must never leave the receiver: words, numbers, names, prompts. */
const PLANTED = [
  'order status',
  "I'd like",
  'tracking link',
  'You are a helpful',
  '15550100123',
  'call-_',
  'sip_+',
  '0b7f3c1e',
  'a0e99841',
  'HkZz3qLp',
  'voice-agent-6d8f7b9c4',
  'AJ_n4Rt7YvB2c',
];

/** Compare the emitted turns with the independent reference's (seconds, to 2 us). */
function expectSegments(name: FixtureName, turns: EventOf<'voiceai.turn'>[]) {
  const want = expected(name).turns;
  expect(turns.map((t) => t.turn)).toEqual(want.map((t) => t.turn));
  const b = new TurnBreakdown();
  want.forEach((w, i) => {
    const got = segmentsByName(breakTurn(turns[i] as EventOf<'voiceai.turn'>, b));
    expect(Object.keys(got).sort(), `turn ${w.turn}`).toEqual(Object.keys(w.segments).sort());
    for (const [k, v] of Object.entries(w.segments))
      expect(Math.abs((got[k] as number) - v * 1000)).toBeLessThan(0.002);
    expect(Math.abs(b.heardMs - w.heard_silence * 1000)).toBeLessThan(0.002);
  });
}

describe('voice-agent span fixtures (test/fixtures/voice)', () => {
  it.each(FIXTURES)('%s: the .pb is the .json in protobuf, every key a field of its message', (name) => {
    expect(Buffer.compare(Buffer.from(encodeOtlpJson(Request, fixtureJson(name))), fixturePb(name))).toBe(0);
    const decoded = Request.toObject(Request.decode(fixturePb(name)), { longs: String }) as {
      resourceSpans: Array<{ scopeSpans: Array<{ spans: unknown[] }> }>;
    };
    const spans = decoded.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
    expect(spans.length).toBe(name.startsWith('pipecat') ? 13 : 36);
  });

  it('the Python reference rebuilds them byte for byte and its segments sum to the whole', () => {
    const r = spawnSync('python3', ['build_fixtures.py', '--check'], {
      cwd: fileURLToPath(fixtureFile('.')),
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      'ok pipecat-3turn-bargein\nok livekit-agents-3turn-bargein\nok livekit-agents-js-3turn-bargein\n',
    );
  });

  it.each(
    FIXTURES,
  )('%s: protobuf and JSON decode to the same spans, keeping only allow-listed attributes', (name) => {
    const allow = new AllowList(['sidetone.call_id']);
    const pb = decodeProtobuf(fixturePb(name), allow);
    const js = decodeJson(JSON.stringify(fixtureJson(name)), allow);
    expect(pb.rejected + js.rejected).toBe(0);
    expect(pb.spans.length).toBe(js.spans.length);
    pb.spans.forEach((s, i) => {
      const j = js.spans[i] as (typeof js.spans)[number];
      expect({ ...s, start: 0, end: 0 }).toEqual({ ...j, start: 0, end: 0 });
      // Nanoseconds to epoch ms in a double: within its resolution (0.24 us at these dates).
      expect(Math.abs(s.start - j.start)).toBeLessThan(0.0005);
      expect(Math.abs(s.end - j.end)).toBeLessThan(0.0005);
      // A JSON attribute's numbers are kept as `<key>.<field>`, each field one the list names.
      for (const k of Object.keys(s.attrs)) expect(allow.keeps(k), k).toBe(true);
    });
    const text = JSON.stringify([pb.spans, js.spans]);
    for (const p of PLANTED) expect(text).not.toContain(p);
  });
});

describe('OTLP/HTTP receiver: the fixtures become turns', () => {
  const bodies = (name: FixtureName) =>
    [
      ['protobuf', fixturePb(name), PROTOBUF],
      ['JSON', JSON.stringify(fixtureJson(name)), JSON_TYPE],
      ['gzip protobuf', gzipSync(fixturePb(name)), { ...PROTOBUF, 'content-encoding': 'gzip' }],
      [
        'deflate JSON',
        deflateSync(JSON.stringify(fixtureJson(name))),
        { ...JSON_TYPE, 'content-encoding': 'deflate' },
      ],
    ] as const;

  for (const name of FIXTURES) {
    it.each(
      bodies(name),
    )(`${name} as %s: the turns' segments are the reference's, with one barge-in`, async (_kind, body, headers) => {
      const r = receiverApp();
      const res = await r.post(body, headers);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(headers['content-type']);
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(
        headers['content-type'] === 'application/json'
          ? new Uint8Array(Buffer.from('{}'))
          : new Uint8Array(0),
      );
      expectSegments(name, r.turns());
      const cut = r.interruptions();
      expect(cut.map((i) => [i.kind, i.turn])).toEqual([['barge_in', 2]]);
      const t0 = expected(name).t0_unix_s * 1000;
      if (name.startsWith('livekit')) {
        // The caller's onset 12.900 s, the agent paused at 13.412 s: talked over for 0.512 s.
        expect((cut[0]?.startedAt as number) - t0).toBeCloseTo(12_900, 3);
        expect((cut[0]?.endedAt as number) - t0).toBeCloseTo(13_412, 3);
      } else expect((cut[0]?.endedAt as number) - t0).toBeCloseTo(13_102.5, 3);
      // No call id unless an attribute is configured to carry one; no PII in any event.
      expect(r.events.some((e) => 'callId' in e)).toBe(false);
      const text = JSON.stringify(r.events) + (await r.registry.metrics());
      for (const p of PLANTED) expect(text).not.toContain(p);
    });
  }

  it.each(
    FIXTURES,
  )("%s split into the SDK's 5 s batches, and every batch sent twice: the same turns, once", async (name) => {
    const r = receiverApp();
    for (const batch of sdkBatches(fixtureJson(name))) {
      for (let k = 0; k < 2; k++) {
        const res = await r.post(Buffer.from(encodeOtlpJson(Request, batch)), PROTOBUF);
        expect(res.status).toBe(200);
      }
    }
    expect(sdkBatches(fixtureJson(name)).length).toBeGreaterThan(2);
    expectSegments(name, r.turns());
    expect(r.interruptions().length).toBe(1);
    const text = await r.registry.metrics();
    const sum = expected(name).turns.reduce((s, t) => s + t.heard_silence, 0);
    expect(
      sample(text, 'sidetone_voiceai_heard_silence_seconds_sum{agent="other",model="other"}'),
    ).toBeCloseTo(sum, 5);
    expect(sample(text, 'sidetone_voiceai_turns_total{agent="other",model="other"}')).toBe(3);
    expect(sample(text, 'sidetone_otlp_spans_total{result="duplicate"}')).toBeGreaterThan(0);
    expect(
      sample(
        text,
        `sidetone_otlp_turns_total{framework="${name.startsWith('pipecat') ? 'pipecat' : 'livekit'}"}`,
      ),
    ).toBe(3);
  });

  it('a configured call-id attribute joins the turns to the call; configured names become labels', async () => {
    const r = receiverApp({
      callIdAttributes: ['conversation.id'],
      agents: ['voice-agent'],
      models: ['gpt-4.1-mini'],
    });
    await r.post(fixturePb('pipecat-3turn-bargein'), PROTOBUF);
    expect(new Set(r.turns().map((t) => t.callId))).toEqual(
      new Set(['0b7f3c1e-5a2d-4d8e-9f41-6c2a8e0d7b15']),
    );
    // The API's dated model name (turns 2 and 3) is the configured model.
    expect(r.turns().map((t) => [t.agent, t.model])).toEqual([
      ['voice-agent', 'gpt-4.1-mini'],
      ['voice-agent', 'gpt-4.1-mini'],
      ['voice-agent', 'gpt-4.1-mini'],
    ]);
    const text = await r.registry.metrics();
    expect(sample(text, 'sidetone_voiceai_turns_total{agent="voice-agent",model="gpt-4.1-mini"}')).toBe(3);
  });
});
