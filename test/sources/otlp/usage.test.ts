// What a call's providers used, read from the spans that made the requests (spans built here per
// the code lines cited), priced into the call record and the cost counters:
// - pipecat-ai/pipecat @ acead050: src/pipecat/utils/tracing/service_decorators.py
//   `_add_token_usage_to_span` (prompt -> gen_ai.usage.input_tokens, completion -> output_tokens,
//   cache_read_input_tokens, reasoning_tokens on the `llm` span), `traced_tts` (`metrics.character_count`
//   = len(text) on the `tts` span), the `stt` span's `metrics.audio_seconds`;
//   service_attributes.py `gen_ai.provider.name` (the service class without its suffix, lower-cased)
//   and `gen_ai.request.model`.
// - livekit/agents @ da6af86: the `llm_request` span's `lk.llm_metrics` (LLMMetrics JSON:
//   prompt_tokens, which includes the cached ones, completion_tokens, prompt_cached_tokens,
//   metadata.model_name/model_provider, metrics/base.py) beside `gen_ai.usage.input_tokens` and
//   `output_tokens` (livekit-agents/livekit/agents/llm/llm.py, LLMStream's metrics), the `tts_request` span's `lk.tts_metrics` (characters_count), a realtime
//   model's `lk.realtime_model_metrics` (input_tokens, output_tokens, input_token_details,
//   output_token_details).
import { describe, expect, it } from 'vitest';
import { parsePrices } from '../../../src/config/prices.js';
import type { EventOf } from '../../../src/events/types.js';
import type { Registry } from '../../../src/metrics/index.js';
import type { OtlpReceiverOptions } from '../../../src/sources/otlp/receiver.js';
import { openSqliteCallStore } from '../../../src/store/index.js';
import type { CallStore, CallUpdate } from '../../../src/store/types.js';
import { sample } from '../../telephony/helpers.js';
import { JSON_TYPE, receiverApp } from './helpers.js';

const T0_NS = 1_787_320_800n * 1_000_000_000n;
const ns = (s: number) => String(T0_NS + BigInt(Math.round(s * 1e6)) * 1000n);
const TRACE = 'c057'.repeat(8);

type Attr = string | number;
const attr = ([key, v]: [string, Attr]) => ({
  key,
  value:
    typeof v === 'string'
      ? { stringValue: v }
      : Number.isInteger(v)
        ? { intValue: String(v) }
        : { doubleValue: v },
});

/** One request's spans under one resource (the call id on the resource, as an app sets it). */
function request(scope: string, spans: Array<[name: string, id: number, attrs: Record<string, Attr>]>) {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: {
          attributes: [
            ['service.name', 'support-bot'],
            ['sidetone.call_id', 'cost-call-1'],
          ].map((a) => attr(a as [string, Attr])),
        },
        scopeSpans: [
          {
            scope: { name: scope },
            spans: spans.map(([name, id, attrs]) => ({
              traceId: TRACE,
              spanId: `c057${String(id).padStart(12, '0')}`,
              parentSpanId: 'c057000000000001',
              name,
              kind: 1,
              startTimeUnixNano: ns(id),
              endTimeUnixNano: ns(id + 0.5),
              attributes: Object.entries(attrs).map(attr),
            })),
          },
        ],
      },
    ],
  });
}

const PRICES = parsePrices({
  currency: 'USD',
  models: [
    {
      provider: 'openai',
      model: 'gpt-4.1-mini',
      input_tokens_per_million: 0.4,
      cached_input_tokens_per_million: 0.1,
      output_tokens_per_million: 1.6,
    },
    { provider: 'deepgram', model: 'nova-3', audio_per_minute: 0.0043 },
    { provider: 'cartesia', model: 'sonic-2', characters_per_million: 38 },
    {
      provider: 'openai',
      model: 'gpt-realtime',
      input_tokens_per_million: 4,
      cached_input_tokens_per_million: 0.4,
      input_audio_tokens_per_million: 32,
      output_tokens_per_million: 16,
      output_audio_tokens_per_million: 64,
    },
  ],
});

const PIPECAT = request('pipecat', [
  [
    'llm',
    2,
    {
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4.1-mini-2025-04-14',
      'gen_ai.usage.input_tokens': 812,
      'gen_ai.usage.output_tokens': 41,
      'gen_ai.usage.cache_read_input_tokens': 512,
    },
  ],
  [
    'stt',
    3,
    { 'gen_ai.provider.name': 'deepgram', 'gen_ai.request.model': 'nova-3', 'metrics.audio_seconds': 2.4 },
  ],
  [
    'tts',
    4,
    { 'gen_ai.provider.name': 'cartesia', 'gen_ai.request.model': 'sonic-2', 'metrics.character_count': 57 },
  ],
]);
// Independent figures: (812 - 512) x 0.4 + 512 x 0.1 + 41 x 1.6 per million; 2.4 s of 0.0043 a minute; 57 x 38 per million.
const PIPECAT_LLM = (300 * 0.4 + 512 * 0.1 + 41 * 1.6) / 1e6;
const PIPECAT_STT = (2.4 / 60) * 0.0043;
const PIPECAT_TTS = (57 * 38) / 1e6;

const clock = { now: 1_787_320_900_000 };
const usages = (events: unknown[]) =>
  events.filter((e): e is EventOf<'voiceai.usage'> => (e as { type: string }).type === 'voiceai.usage');

describe('usage from spans -> voiceai.usage -> cost', () => {
  it('Pipecat: tokens (cached apart), audio seconds and characters, by stage; the snapshot priced as its model', async () => {
    const r = receiverApp({ agents: ['support-bot'], prices: PRICES });
    expect((await r.post(PIPECAT, JSON_TYPE)).status).toBe(200);
    expect(usages(r.events)).toEqual([
      {
        type: 'voiceai.usage',
        ts: 1_787_320_802_500,
        callId: 'cost-call-1',
        agent: 'support-bot',
        component: 'llm',
        provider: 'openai',
        model: 'gpt-4.1-mini',
        inputTokens: 812,
        outputTokens: 41,
        cachedInputTokens: 512,
      },
      expect.objectContaining({ component: 'stt', provider: 'deepgram', model: 'nova-3', audioSeconds: 2.4 }),
      expect.objectContaining({ component: 'tts', provider: 'cartesia', model: 'sonic-2', characters: 57 }),
    ]);
    const text = await r.registry.metrics();
    expect(
      sample(text, 'sidetone_voiceai_cost_total{agent="support-bot",component="llm",trunk="other"}'),
    ).toBeCloseTo(PIPECAT_LLM, 12);
    expect(
      sample(text, 'sidetone_voiceai_cost_total{agent="support-bot",component="stt",trunk="other"}'),
    ).toBeCloseTo(PIPECAT_STT, 12);
    expect(
      sample(text, 'sidetone_voiceai_cost_total{agent="support-bot",component="tts",trunk="other"}'),
    ).toBeCloseTo(PIPECAT_TTS, 12);
    expect(sample(text, 'sidetone_otlp_usage_reports_total{model="known"}')).toBe(3);
  });

  it("LiveKit: lk.llm_metrics, lk.tts_metrics and a realtime model's token details", async () => {
    const r = receiverApp({ agents: ['support-bot'], prices: PRICES });
    const body = request('livekit-agents', [
      [
        'llm_request',
        2,
        {
          // Both, as LLMStream sets them (llm/llm.py): one request, counted once.
          'gen_ai.usage.input_tokens': 900,
          'gen_ai.usage.output_tokens': 60,
          'lk.llm_metrics': JSON.stringify({
            type: 'llm_metrics',
            prompt_tokens: 900,
            completion_tokens: 60,
            prompt_cached_tokens: 128,
            metadata: { model_name: 'gpt-4.1-mini', model_provider: 'openai' },
          }),
        },
      ],
      [
        'tts_request',
        3,
        {
          'lk.tts_metrics': JSON.stringify({
            timestamp: 1_787_320_803.1,
            ttfb: 0.2,
            duration: 0.4,
            characters_count: 80,
            audio_duration: 4.2,
            metadata: { model_name: 'sonic-2', model_provider: 'cartesia' },
          }),
        },
      ],
      [
        'agent_turn',
        4,
        {
          'lk.realtime_model_metrics': JSON.stringify({
            timestamp: 1_787_320_804.0,
            ttft: 0.3,
            input_tokens: 1200,
            output_tokens: 300,
            input_token_details: { audio_tokens: 400, cached_tokens: 600, text_tokens: 800 },
            output_token_details: { audio_tokens: 250, text_tokens: 50 },
            metadata: { model_name: 'gpt-realtime', model_provider: 'openai' },
          }),
        },
      ],
    ]);
    expect((await r.post(body, JSON_TYPE)).status).toBe(200);
    const u = usages(r.events);
    expect(u.map((e) => [e.component, e.provider, e.model])).toEqual([
      ['llm', 'openai', 'gpt-4.1-mini'],
      ['tts', 'cartesia', 'sonic-2'],
      ['llm', 'openai', 'gpt-realtime'],
    ]);
    expect(u[0]).toMatchObject({ inputTokens: 900, outputTokens: 60, cachedInputTokens: 128 });
    expect(u[2]).toMatchObject({
      inputTokens: 1200,
      outputTokens: 300,
      inputAudioTokens: 400,
      cachedInputTokens: 600,
      outputAudioTokens: 250,
    });
    const llm =
      ((900 - 128) * 0.4 + 128 * 0.1 + 60 * 1.6) / 1e6 +
      ((1200 - 600 - 400) * 4 + 600 * 0.4 + 400 * 32 + (300 - 250) * 16 + 250 * 64) / 1e6;
    const text = await r.registry.metrics();
    expect(
      sample(text, 'sidetone_voiceai_cost_total{agent="support-bot",component="llm",trunk="other"}'),
    ).toBeCloseTo(llm, 12);
    expect(
      sample(text, 'sidetone_voiceai_cost_total{agent="support-bot",component="tts",trunk="other"}'),
    ).toBeCloseTo((80 * 38) / 1e6, 12);
  });

  // Pipecat @ acead050: Gemini Live's `llm_response` (service_decorators.py L1310-1345: prompt and
  // response tokens, `cache_read.input_tokens`, `reasoning_tokens` from thoughts, the AUDIO
  // modality's counts as `gen_ai.usage.audio.*`), and `_add_token_usage_to_span` (L192-209) writing
  // reasoning as `gen_ai.usage.reasoning.output_tokens` on a cascade's `llm` span.
  it('Pipecat: audio tokens (Gemini Live) and reasoning tokens under both of its names are priced as such', async () => {
    const prices = parsePrices({
      currency: 'USD',
      models: [
        {
          provider: 'gcp.gemini',
          model: 'gemini-2.5-flash-native-audio',
          input_tokens_per_million: 0.5,
          cached_input_tokens_per_million: 0.125,
          input_audio_tokens_per_million: 3,
          output_tokens_per_million: 2,
          reasoning_tokens_per_million: 2.5,
          output_audio_tokens_per_million: 12,
        },
        {
          provider: 'openai',
          model: 'o4-mini',
          input_tokens_per_million: 1.1,
          output_tokens_per_million: 4.4,
          reasoning_tokens_per_million: 8,
        },
      ],
    });
    const r = receiverApp({ agents: ['support-bot'], prices });
    const body = request('pipecat', [
      [
        'llm_response',
        2,
        {
          'gen_ai.provider.name': 'gcp.gemini',
          'gen_ai.request.model': 'gemini-2.5-flash-native-audio',
          'gen_ai.usage.input_tokens': 1000,
          'gen_ai.usage.output_tokens': 400,
          'gen_ai.usage.cache_read.input_tokens': 100,
          'gen_ai.usage.reasoning_tokens': 30,
          'gen_ai.usage.audio.input_tokens': 700,
          'gen_ai.usage.audio.cache_read.input_tokens': 50,
          'gen_ai.usage.audio.output_tokens': 350,
        },
      ],
      [
        'llm',
        3,
        {
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'o4-mini',
          'gen_ai.usage.input_tokens': 500,
          'gen_ai.usage.output_tokens': 300,
          'gen_ai.usage.reasoning.output_tokens': 200,
        },
      ],
    ]);
    expect((await r.post(body, JSON_TYPE)).status).toBe(200);
    const [gemini, o4] = usages(r.events);
    // The cached audio is of the cached input: the audio left to price apart is 700 - 50.
    expect(gemini).toMatchObject({
      inputTokens: 1000,
      cachedInputTokens: 100,
      inputAudioTokens: 650,
      outputTokens: 400,
      reasoningTokens: 30,
      outputAudioTokens: 350,
    });
    expect(o4).toMatchObject({ inputTokens: 500, outputTokens: 300, reasoningTokens: 200 });
    // Independently: text in 1000 - 100 - 650 = 250, cached 100, audio in 650; text out 400 - 30 - 350 = 20.
    const geminiCost = (250 * 0.5 + 100 * 0.125 + 650 * 3 + 20 * 2 + 30 * 2.5 + 350 * 12) / 1e6;
    const o4Cost = (500 * 1.1 + 100 * 4.4 + 200 * 8) / 1e6;
    const text = await r.registry.metrics();
    expect(
      sample(text, 'sidetone_voiceai_cost_total{agent="support-bot",component="llm",trunk="other"}'),
    ).toBeCloseTo(geminiCost + o4Cost, 12);
  });

  it('a model neither configured nor priced is `other`, counted; its provider is not kept', async () => {
    const r = receiverApp({ agents: ['support-bot'], prices: PRICES });
    const body = request('pipecat', [
      [
        'llm',
        2,
        {
          'gen_ai.provider.name': 'acme-llm-from-a-header',
          'gen_ai.request.model': 'secret-finetune-for-customer-x',
          'gen_ai.usage.input_tokens': 10,
        },
      ],
    ]);
    expect((await r.post(body, JSON_TYPE)).status).toBe(200);
    const [u] = usages(r.events);
    expect(u?.model).toBe('other');
    expect(u?.provider).toBeUndefined();
    const text = await r.registry.metrics();
    expect(text).not.toContain('secret-finetune');
    expect(sample(text, 'sidetone_otlp_usage_reports_total{model="other"}')).toBe(1);
  });

  it('the call record carries the cost, the same as from the price file; a retried batch adds nothing', async () => {
    const store = await openSqliteCallStore({
      path: ':memory:',
      privacy: { hashKey: 'usage-test-key-0123456', storeRaw: false },
    });
    const r = receiverApp({ agents: ['support-bot'], prices: PRICES }, {}, store);
    expect((await r.post(PIPECAT, JSON_TYPE)).status).toBe(200);
    expect((await r.post(PIPECAT, JSON_TYPE)).status).toBe(200);
    const c = await store.getCall('cost-call-1');
    expect(c?.cost?.currency).toBe('USD');
    expect(Math.abs((c?.cost?.llm ?? NaN) - PIPECAT_LLM)).toBeLessThan(1e-9);
    expect(Math.abs((c?.cost?.stt ?? NaN) - PIPECAT_STT)).toBeLessThan(1e-9);
    expect(Math.abs((c?.cost?.tts ?? NaN) - PIPECAT_TTS)).toBeLessThan(1e-9);
    expect(Math.abs((c?.cost?.total ?? NaN) - (PIPECAT_LLM + PIPECAT_STT + PIPECAT_TTS))).toBeLessThan(1e-9);
    expect(c?.cost?.unpricedReports).toBe(0);
    await r.close();
  });

  // Pipecat names the call on its `turn` span (`conversation.id`, turn_trace_observer.py L203-205)
  // and, for `additional_span_attributes`, on the `conversation` root only (L137-144); the usage is
  // on the `llm`, `stt` and `tts` children, which end and are exported first (BatchSpanProcessor:
  // in end order, 5 s a batch), so their usage comes before the call id.
  describe('usage read before the span naming the call', () => {
    const PTRACE = 'f00d'.repeat(8);
    const id = (n: number) => `f00d${String(n).padStart(12, '0')}`;
    type Span = [name: string, n: number, parent: number, attrs: Record<string, Attr>];
    const CHILDREN: Span[] = [
      [
        'llm',
        3,
        2,
        {
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4.1-mini',
          'gen_ai.usage.input_tokens': 812,
          'gen_ai.usage.output_tokens': 41,
          'gen_ai.usage.cache_read_input_tokens': 512,
        },
      ],
      [
        'stt',
        4,
        2,
        {
          'gen_ai.provider.name': 'deepgram',
          'gen_ai.request.model': 'nova-3',
          'metrics.audio_seconds': 2.4,
        },
      ],
      [
        'tts',
        5,
        2,
        {
          'gen_ai.provider.name': 'cartesia',
          'gen_ai.request.model': 'sonic-2',
          'metrics.character_count': 57,
        },
      ],
    ];
    const TURN = (attrs: Record<string, Attr>): Span => ['turn', 2, 1, { 'turn.number': 1, ...attrs }];
    const ROOT = (attrs: Record<string, Attr>): Span => ['conversation', 1, 0, attrs];
    /** One request of Pipecat's spans, in the order given, under a resource with no call id. */
    const pipecatRequest = (spans: Span[]) =>
      JSON.stringify({
        resourceSpans: [
          {
            resource: { attributes: [attr(['service.name', 'support-bot'])] },
            scopeSpans: spans.map(([name, n, parent, attrs]) => ({
              scope: { name: name === 'turn' || name === 'conversation' ? 'pipecat.turn' : 'pipecat' },
              spans: [
                {
                  traceId: PTRACE,
                  spanId: id(n),
                  ...(parent !== 0 && { parentSpanId: id(parent) }),
                  name,
                  kind: 1,
                  startTimeUnixNano: ns(n),
                  endTimeUnixNano: ns(n + 0.5),
                  attributes: Object.entries(attrs).map(attr),
                },
              ],
            })),
          },
        ],
      });
    const CALL = 'sip-call-0042@pbx';
    const withStore = async (options: Partial<OtlpReceiverOptions> = {}) => {
      const store = await openSqliteCallStore({
        path: ':memory:',
        privacy: { hashKey: 'usage-test-key-0123456', storeRaw: false },
      });
      const r = receiverApp(
        {
          agents: ['support-bot'],
          prices: PRICES,
          callIdAttributes: ['conversation.id', 'sidetone.call_id'],
          ...options,
        },
        {},
        store,
      );
      return { r, store };
    };
    const expectCharged = async (store: CallStore) => {
      const c = await store.getCall(CALL);
      expect(c?.cost?.llm).toBeCloseTo(PIPECAT_LLM, 12);
      expect(c?.cost?.stt).toBeCloseTo(PIPECAT_STT, 12);
      expect(c?.cost?.tts).toBeCloseTo(PIPECAT_TTS, 12);
    };
    const held = async (r: { registry: Registry }, outcome: string) =>
      sample(await r.registry.metrics(), `sidetone_otlp_usage_held_total{outcome="${outcome}"}`);

    it('one batch, the children first: charged to the call the turn names', async () => {
      const { r, store } = await withStore();
      const body = pipecatRequest([...CHILDREN, TURN({ 'conversation.id': CALL })]);
      expect((await r.post(body, JSON_TYPE)).status).toBe(200);
      expect(usages(r.events).map((e) => e.callId)).toEqual([CALL, CALL, CALL]);
      await expectCharged(store);
      await r.close();
    });

    it('split over two batches: held until the turn names the call, then charged to it', async () => {
      const { r, store } = await withStore();
      expect((await r.post(pipecatRequest(CHILDREN), JSON_TYPE)).status).toBe(200);
      expect(usages(r.events)).toEqual([]);
      expect(sample(await r.registry.metrics(), 'sidetone_otlp_usage_holding')).toBe(3);
      expect((await r.post(pipecatRequest([TURN({ 'conversation.id': CALL })]), JSON_TYPE)).status).toBe(200);
      expect(usages(r.events).map((e) => [e.component, e.callId])).toEqual([
        ['llm', CALL],
        ['stt', CALL],
        ['tts', CALL],
      ]);
      expect(await held(r, 'joined')).toBe(3);
      expect(sample(await r.registry.metrics(), 'sidetone_otlp_usage_holding')).toBe(0);
      // The counter counts each report once.
      const text = await r.registry.metrics();
      expect(
        sample(text, 'sidetone_voiceai_cost_total{agent="support-bot",component="llm",trunk="other"}'),
      ).toBeCloseTo(PIPECAT_LLM, 12);
      await expectCharged(store);
      await r.close();
    });

    it('the call named on the root only (additional_span_attributes): charged when the session ends', async () => {
      const { r, store } = await withStore({ callIdAttributes: ['sidetone.call_id'] });
      expect((await r.post(pipecatRequest(CHILDREN), JSON_TYPE)).status).toBe(200);
      expect(
        (await r.post(pipecatRequest([TURN({ 'conversation.id': 'generated-uuid' })]), JSON_TYPE)).status,
      ).toBe(200);
      expect(usages(r.events)).toEqual([]);
      expect((await r.post(pipecatRequest([ROOT({ 'sidetone.call_id': CALL })]), JSON_TYPE)).status).toBe(
        200,
      );
      expect(usages(r.events).map((e) => e.callId)).toEqual([CALL, CALL, CALL]);
      await expectCharged(store);
      await r.close();
    });

    it('a session that never names its call: its usage goes on without one at its end, counted', async () => {
      const { r } = await withStore();
      expect((await r.post(pipecatRequest([...CHILDREN, TURN({}), ROOT({})]), JSON_TYPE)).status).toBe(200);
      expect(usages(r.events).map((e) => e.callId)).toEqual([undefined, undefined, undefined]);
      expect(await held(r, 'ended')).toBe(3);
      const text = await r.registry.metrics();
      expect(
        sample(text, 'sidetone_voiceai_cost_total{agent="support-bot",component="tts",trunk="other"}'),
      ).toBeCloseTo(PIPECAT_TTS, 12);
      await r.close();
    });

    it('bounded: past the hold the oldest goes on without its call, counted; a forgotten call lets its usage go', async () => {
      const { r } = await withStore({ maxHeldUsage: 2, idleSeconds: 60, now: () => clock.now });
      expect((await r.post(pipecatRequest(CHILDREN), JSON_TYPE)).status).toBe(200);
      expect(usages(r.events).map((e) => [e.component, e.callId])).toEqual([['llm', undefined]]);
      expect(await held(r, 'overflow')).toBe(1);
      // Idle past idle_seconds: the next request's sweep forgets the call and sends its usage on.
      clock.now += 61_000;
      const other = pipecatRequest([ROOT({})]).replaceAll('f00d', 'beef');
      expect((await r.post(other, JSON_TYPE)).status).toBe(200);
      expect(usages(r.events).map((e) => e.component)).toEqual(['llm', 'stt', 'tts']);
      expect(await held(r, 'evicted')).toBe(2);
      expect(sample(await r.registry.metrics(), 'sidetone_otlp_traces_evicted_total{reason="idle"}')).toBe(1);
      await r.close();
    });

    it('a batch the store did not take is undone: its retry charges the call once', async () => {
      const real = await openSqliteCallStore({
        path: ':memory:',
        privacy: { hashKey: 'usage-test-key-0123456', storeRaw: false },
      });
      let fail = false;
      const flaky: CallStore = Object.create(real);
      flaky.applyBatch = async (updates: readonly CallUpdate[]) => {
        if (fail) throw Object.assign(new Error('disk I/O error'), { code: 'ST_STORE_UNAVAILABLE' });
        return real.applyBatch(updates);
      };
      const r = receiverApp(
        { agents: ['support-bot'], prices: PRICES, callIdAttributes: ['conversation.id'] },
        {},
        flaky,
      );
      expect((await r.post(pipecatRequest(CHILDREN), JSON_TYPE)).status).toBe(200);
      const turn = pipecatRequest([TURN({ 'conversation.id': CALL })]);
      fail = true;
      expect((await r.post(turn, JSON_TYPE)).status).toBe(503);
      expect(await held(r, 'joined')).toBe(0);
      expect(sample(await r.registry.metrics(), 'sidetone_otlp_usage_holding')).toBe(3);
      fail = false;
      expect((await r.post(turn, JSON_TYPE)).status).toBe(200);
      expect(usages(r.events).map((e) => e.callId)).toEqual([CALL, CALL, CALL]);
      expect(await held(r, 'joined')).toBe(3);
      await expectCharged(real);
      await r.close();
    });
  });
});
