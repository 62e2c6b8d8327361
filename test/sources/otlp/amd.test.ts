// Answering-machine detection as LiveKit traces it (spans built here per the code lines cited):
// - livekit/agents @ da6af86: one `amd` span under the session's root (voice/amd/detector.py
//   L569-578), ended once the verdict's attributes are set (L536-547): `lk.amd.category`
//   (classifier.py L28-33), `lk.amd.delay` = time.time() - speech end, seconds (classifier.py L374).
// - livekit/agents-js @ 8c88e3b: `answering_machine_detection` under the session's root
//   (agents/src/voice/amd.ts L430-432), the same keys (L1170-1175), the delay as `delayMs`, a
//   performance.now() difference in ms (L1366-1369).
// Pipecat @ acead050 traces no detection (its voicemail extension, src/pipecat/extensions/voicemail,
// opens no span): there is nothing of Pipecat's to read.
import { describe, expect, it } from 'vitest';
import { sample } from '../../telephony/helpers.js';
import { JSON_TYPE, receiverApp } from './helpers.js';

const T0_NS = 1_787_320_800n * 1_000_000_000n;
const ns = (s: number) => String(T0_NS + BigInt(Math.round(s * 1e6)) * 1000n);

/** One detection span, as the given SDK exports it (language undefined: a resource without it). */
function detection(spanName: string, language: string | undefined, attrs: Record<string, string | number>) {
  const resource = [
    { key: 'service.name', value: { stringValue: 'outbound' } },
    ...(language === undefined ? [] : [{ key: 'telemetry.sdk.language', value: { stringValue: language } }]),
  ];
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: resource },
        scopeSpans: [
          {
            scope: { name: 'livekit-agents' },
            spans: [
              {
                traceId: 'a3d0'.repeat(8),
                spanId: 'a3d0000000000002',
                parentSpanId: 'a3d0000000000001',
                name: spanName,
                kind: 1,
                startTimeUnixNano: ns(0.2),
                endTimeUnixNano: ns(4.1),
                attributes: Object.entries({ 'sidetone.call_id': 'amd-call-1', ...attrs }).map(
                  ([key, v]) => ({
                    key,
                    value: typeof v === 'string' ? { stringValue: v } : { doubleValue: v },
                  }),
                ),
              },
            ],
          },
        ],
      },
    ],
  });
}

async function post(body: string) {
  const r = receiverApp({ agents: ['outbound'] });
  const res = await r.post(body, JSON_TYPE);
  expect(res.status).toBe(200);
  const amd = r.events.filter((e) => e.type === 'voiceai.amd');
  return { amd, text: await r.registry.metrics() };
}

const VERDICT_SERIES = 'sidetone_voiceai_amd_results_total{agent="outbound",category="machine-vm"} 1';

describe('answering-machine detection spans -> voiceai.amd -> metrics', () => {
  it('Python `amd`: machine-vm after 0.42 s (seconds) is counted and its delay observed', async () => {
    const { amd, text } = await post(
      detection('amd', 'python', { 'lk.amd.category': 'machine-vm', 'lk.amd.delay': 0.42 }),
    );
    expect(amd).toEqual([
      {
        type: 'voiceai.amd',
        ts: 1_787_320_804_100,
        callId: 'amd-call-1',
        agent: 'outbound',
        category: 'machine-vm',
        delaySeconds: 0.42,
      },
    ]);
    expect(text).toContain(VERDICT_SERIES);
    expect(text).toContain('sidetone_voiceai_amd_delay_seconds_bucket{agent="outbound",le="0.3"} 0');
    expect(text).toContain('sidetone_voiceai_amd_delay_seconds_bucket{agent="outbound",le="0.5"} 1');
    expect(text).toContain('sidetone_voiceai_amd_delay_seconds_sum{agent="outbound"} 0.42');
  });

  it('agents-js `answering_machine_detection`: its 420 (ms) is 0.42 s, not 420 s', async () => {
    const { amd, text } = await post(
      detection('answering_machine_detection', 'nodejs', {
        'lk.amd.category': 'machine-vm',
        'lk.amd.delay': 420,
      }),
    );
    expect(amd.map((e) => e.type === 'voiceai.amd' && e.delaySeconds)).toEqual([0.42]);
    expect(text).toContain(VERDICT_SERIES);
    expect(text).toContain('sidetone_voiceai_amd_delay_seconds_sum{agent="outbound"} 0.42');
  });

  it('without the SDK language the span name tells the emitter (amd: seconds; answering_machine_detection: ms)', async () => {
    const py = await post(detection('amd', undefined, { 'lk.amd.category': 'human', 'lk.amd.delay': 0.42 }));
    const js = await post(
      detection('answering_machine_detection', undefined, {
        'lk.amd.category': 'human',
        'lk.amd.delay': 420,
      }),
    );
    for (const { amd, text } of [py, js]) {
      expect(amd.map((e) => e.type === 'voiceai.amd' && [e.category, e.delaySeconds])).toEqual([
        ['human', 0.42],
      ]);
      expect(text).toContain('sidetone_voiceai_amd_results_total{agent="outbound",category="human"} 1');
    }
  });

  it('a category outside the five is dropped and counted, never a new label value', async () => {
    const { amd, text } = await post(
      detection('amd', 'python', { 'lk.amd.category': 'fax', 'lk.amd.delay': 1 }),
    );
    expect(amd).toEqual([]);
    expect(text).not.toContain('category="fax"');
    expect(sample(text, 'sidetone_otlp_spans_total{result="dropped"}')).toBe(1);
    expect(sample(text, 'sidetone_voiceai_amd_results_total{agent="outbound",category="uncertain"}')).toBe(0);
  });
});
