// LiveKit's Python and Node SDKs write the same `lk.*` keys under the same scope in different
// units (src/sources/otlp/units.ts): the agents-js fixture (livekit/agents-js @ 8c88e3b) carries
// `lk.transcription_delay` 330 (ms) where the Python one carries 0.33 (s). What decides is the
// resource's `telemetry.sdk.language`, else the TTS metrics' field names, never the magnitude.
import { describe, expect, it } from 'vitest';
import type { EventOf } from '../../../src/events/types.js';
import { breakTurn, segmentsByName, TurnBreakdown } from '../../../src/telephony/outcome/turns.js';
import { expected, type FixtureName, fixtureJson, JSON_TYPE, type OtlpJson, receiverApp } from './helpers.js';

type Attr = { key: string; value: Record<string, unknown> };

/** The fixture with the resource's SDK language removed (a Python `Resource({...})` without defaults). */
function withoutLanguage(name: FixtureName): OtlpJson {
  const req = fixtureJson(name);
  for (const rs of req.resourceSpans) {
    const res = rs.resource as { attributes: Attr[] };
    res.attributes = res.attributes.filter((a) => a.key !== 'telemetry.sdk.language');
  }
  return req;
}

/** Remove an attribute from every span. */
function strip(req: OtlpJson, key: string): OtlpJson {
  for (const rs of req.resourceSpans)
    for (const ss of rs.scopeSpans)
      for (const s of ss.spans) s.attributes = (s.attributes as Attr[]).filter((a) => a.key !== key);
  return req;
}

function setLanguage(req: OtlpJson, lang: string): OtlpJson {
  for (const rs of req.resourceSpans) {
    const res = rs.resource as { attributes: Attr[] };
    res.attributes = res.attributes.map((a) =>
      a.key === 'telemetry.sdk.language' ? { key: a.key, value: { stringValue: lang } } : a,
    );
  }
  return req;
}

async function turnsOf(req: OtlpJson) {
  const r = receiverApp();
  const res = await r.post(JSON.stringify(req), JSON_TYPE);
  expect(res.status).toBe(200);
  const b = new TurnBreakdown();
  return r.turns().map((t: EventOf<'voiceai.turn'>) => {
    const segments = segmentsByName(breakTurn(t, b));
    return { heard: b.heardMs, segments };
  });
}

const stt = (name: FixtureName) => expected(name).turns.map((t) => (t.segments.stt as number) * 1000);

describe('LiveKit units by emitter (units.ts)', () => {
  it('agents-js: the user turn delays are ms, the TTS metrics ttfbMs/durationMs: stt 330/335/325 ms, not 330 s', async () => {
    const got = await turnsOf(fixtureJson('livekit-agents-js-3turn-bargein'));
    expect(got.map((t) => Math.round(t.segments.stt as number))).toEqual([330, 335, 325]);
    expect(got.map((t) => Math.round(t.segments.tts_ttfb as number))).toEqual([294, 335, 271]);
    for (const t of got) expect(Object.values(t.segments).reduce((a, b) => a + b, 0)).toBeCloseTo(t.heard, 6);
  });

  it('the same call from the Python and the Node SDK: the same segments within 1 ms', async () => {
    const py = await turnsOf(fixtureJson('livekit-agents-3turn-bargein'));
    const js = await turnsOf(fixtureJson('livekit-agents-js-3turn-bargein'));
    expect(js.length).toBe(3);
    py.forEach((t, i) => {
      const other = js[i] as (typeof js)[number];
      expect(Object.keys(other.segments).sort()).toEqual(Object.keys(t.segments).sort());
      for (const [k, v] of Object.entries(t.segments))
        expect(Math.abs((other.segments[k] as number) - v), k).toBeLessThan(1);
      expect(Math.abs(other.heard - t.heard)).toBeLessThan(1);
    });
  });

  it.each([
    'livekit-agents-3turn-bargein',
    'livekit-agents-js-3turn-bargein',
  ] as const)('%s without telemetry.sdk.language: the TTS metrics field names tell the emitter', async (name) => {
    const got = await turnsOf(withoutLanguage(name));
    got.forEach((t, i) => {
      expect(Math.abs((t.segments.stt as number) - (stt(name)[i] as number))).toBeLessThan(0.002);
    });
  });

  it.each([
    'livekit-agents-3turn-bargein',
    'livekit-agents-js-3turn-bargein',
  ] as const)('%s with neither: the stages whose unit is unknown are unknown, and the segments still sum to the heard silence', async (name) => {
    const got = await turnsOf(strip(withoutLanguage(name), 'lk.tts_metrics'));
    expect(got.length).toBe(3);
    const want = expected(name).turns;
    got.forEach((t, i) => {
      expect(t.segments.stt).toBeUndefined();
      expect(t.segments.llm_ttft).toBeUndefined();
      // The heard silence is the spans' own times (user_speaking end -> agent_speaking start).
      expect(Math.abs(t.heard - (want[i]?.heard_silence as number) * 1000)).toBeLessThan(0.002);
      expect(Object.values(t.segments).reduce((a, b) => a + b, 0)).toBeCloseTo(t.heard, 6);
    });
  });

  it('the language decides, not the magnitude: the Python fixture declared as nodejs reads its 0.33 as 0.33 ms', async () => {
    const got = await turnsOf(setLanguage(fixtureJson('livekit-agents-3turn-bargein'), 'nodejs'));
    // 0.33 ms after the caller stopped: the stt segment is that, not 330 ms.
    expect(got.map((t) => (t.segments.stt as number) < 1)).toEqual([true, true, true]);
  });
});
