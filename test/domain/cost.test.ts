// What a call costs (issue 52): usage priced from an operator's price file. The expected figures
// are computed here from the file's numbers alone, by the definition written out in each test
// (tokens and characters per million, audio per minute, nested token kinds priced apart), never
// through src/domain/cost.ts.
import fc from 'fast-check';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { parsePrices } from '../../src/config/prices.js';
import { carrierCost, isHumanConnect, priceOf } from '../../src/domain/cost.js';
import type { EventOf } from '../../src/events/types.js';
import { CallCosts } from '../../src/sinks/call-costs.js';

type Usage = EventOf<'voiceai.usage'>;

/** A price entry as an operator writes it: provider, model and some of the per-unit keys. */
interface Entry {
  provider: string;
  model: string;
  input_tokens_per_million?: number;
  cached_input_tokens_per_million?: number;
  input_audio_tokens_per_million?: number;
  output_tokens_per_million?: number;
  reasoning_tokens_per_million?: number;
  output_audio_tokens_per_million?: number;
  audio_per_minute?: number;
  characters_per_million?: number;
}

const MODELS = [
  ['openai', 'gpt-4.1-mini'],
  ['openai', 'gpt-realtime'],
  ['anthropic', 'claude-haiku-4-5'],
  ['deepgram', 'nova-3'],
  ['cartesia', 'sonic-2'],
] as const;
const price = fc.double({ min: 0, max: 100, noNaN: true, noDefaultInfinity: true });
const entry = (i: number) =>
  fc
    .record(
      {
        input_tokens_per_million: price,
        cached_input_tokens_per_million: price,
        input_audio_tokens_per_million: price,
        output_tokens_per_million: price,
        reasoning_tokens_per_million: price,
        output_audio_tokens_per_million: price,
        audio_per_minute: price,
        characters_per_million: price,
      },
      { requiredKeys: [] },
    )
    .map((p): Entry => ({ provider: MODELS[i]![0], model: MODELS[i]![1], ...p }));

/** TOML as an operator writes it (floats written in full, so the file holds the generated numbers). */
function toml(currency: string, entries: Entry[]): string {
  const num = (v: number) => (Number.isInteger(v) ? `${v}.0` : String(v));
  const lines = [`currency = "${currency}"`];
  for (const e of entries) {
    lines.push('', '[[models]]');
    for (const [k, v] of Object.entries(e)) lines.push(`${k} = ${typeof v === 'string' ? `"${v}"` : num(v)}`);
  }
  return lines.join('\n');
}

const count = fc.nat({ max: 200_000 });
const report = fc.record(
  {
    model: fc.integer({ min: 0, max: MODELS.length }), // MODELS.length: a model the file lacks
    component: fc.constantFrom('llm' as const, 'stt' as const, 'tts' as const),
    inputTokens: count,
    cachedInputTokens: count,
    inputAudioTokens: count,
    outputTokens: count,
    reasoningTokens: count,
    outputAudioTokens: count,
    audioSeconds: fc.double({ min: 0, max: 3600, noNaN: true, noDefaultInfinity: true }),
    characters: fc.nat({ max: 50_000 }),
  },
  { requiredKeys: ['model', 'component'] },
);

/** The definition, from the file's entry: per-unit price x amount, nested kinds apart. */
function expectedCost(r: Omit<Usage, 'type'>, e: Entry | undefined): { cost: number; priced: boolean } {
  const n = (v: number | undefined) => v ?? 0;
  const textIn = Math.max(0, n(r.inputTokens) - n(r.cachedInputTokens) - n(r.inputAudioTokens));
  const textOut = Math.max(0, n(r.outputTokens) - n(r.reasoningTokens) - n(r.outputAudioTokens));
  const parts: Array<[number, number | undefined]> = [
    [textIn, e?.input_tokens_per_million],
    [n(r.cachedInputTokens), e?.cached_input_tokens_per_million ?? e?.input_tokens_per_million],
    [n(r.inputAudioTokens), e?.input_audio_tokens_per_million],
    [textOut, e?.output_tokens_per_million],
    [n(r.reasoningTokens), e?.reasoning_tokens_per_million ?? e?.output_tokens_per_million],
    [n(r.outputAudioTokens), e?.output_audio_tokens_per_million],
    [n(r.characters), e?.characters_per_million],
  ];
  let cost = 0;
  let priced = true;
  for (const [amount, perMillion] of parts) {
    if (amount === 0) continue;
    if (perMillion === undefined) priced = false;
    else cost += (amount / 1_000_000) * perMillion;
  }
  if (n(r.audioSeconds) > 0) {
    if (e?.audio_per_minute === undefined) priced = false;
    else cost += (n(r.audioSeconds) / 60) * e.audio_per_minute;
  }
  return { cost, priced };
}

describe('cost per call from the price file', () => {
  it('equals an independent computation from the file to 1e-6, by stage (property, generated usage)', () => {
    fc.assert(
      fc.property(
        fc.tuple(...MODELS.map((_, i) => fc.option(entry(i), { nil: undefined }))),
        fc.array(report, { maxLength: 40 }),
        (maybe, reports) => {
          // Entries with no price at all are not a valid file: leave them out.
          const entries = maybe.filter((e): e is Entry => e !== undefined && Object.keys(e).length > 2);
          const table = parsePrices(parseToml(toml('EUR', entries)));
          const costs = new CallCosts(table);
          const want = { llm: 0, stt: 0, tts: 0, unpriced: 0 };
          let last: ReturnType<CallCosts['usage']>;
          reports.forEach((g, i) => {
            const [provider, model] = MODELS[g.model] ?? ['openai', 'gpt-9-unpriced'];
            const { model: _, ...amounts } = g;
            const e: Usage = {
              type: 'voiceai.usage',
              ts: 1_790_000_000_000 + i,
              callId: 'c1',
              provider,
              model,
              ...amounts,
            };
            last = costs.usage(e, e.ts as number);
            const x = expectedCost(
              e,
              entries.find((f) => f.provider === provider && f.model === model),
            );
            want[g.component] += x.cost;
            if (!x.priced) want.unpriced++;
          });
          if (reports.length === 0) return;
          expect(last?.currency).toBe('EUR');
          expect(last?.reports).toBe(reports.length);
          expect(last?.unpriced).toBe(want.unpriced);
          for (const k of ['llm', 'stt', 'tts'] as const)
            expect(Math.abs((last?.[k] ?? NaN) - want[k])).toBeLessThan(1e-6);
        },
      ),
    );
  });

  it('a report seen again (a retried batch) is not added twice', () => {
    const table = parsePrices({
      currency: 'USD',
      models: [{ provider: 'openai', model: 'gpt-4.1-mini', input_tokens_per_million: 0.4 }],
    });
    const costs = new CallCosts(table);
    const e: Usage = {
      type: 'voiceai.usage',
      ts: 1_790_000_000_000,
      callId: 'c',
      component: 'llm',
      provider: 'openai',
      model: 'gpt-4.1-mini',
      inputTokens: 1_000_000,
    };
    expect(costs.usage(e, 1)?.llm).toBeCloseTo(0.4, 12);
    const again = costs.usage({ ...e }, 2);
    expect([again?.llm, again?.reports]).toEqual([0.4, 1]);
  });

  it('carrier minutes: talk time rounded up to the trunk increment, times the price per minute (property)', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 4 * 3600 * 1000 }),
        fc.integer({ min: 1, max: 120 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (talkMs, inc, perMinute) => {
          // Billed seconds: the smallest multiple of the increment not below the talk time.
          let billed = 0;
          while (billed * 1000 < talkMs) billed += inc;
          const want = (billed / 60) * perMinute;
          expect(
            Math.abs(carrierCost({ trunk: 't', perMinute, incrementSeconds: inc }, talkMs) - want),
          ).toBeLessThan(1e-9);
        },
      ),
    );
  });

  it('a dated snapshot is priced as its model, the longest name first', () => {
    const table = parsePrices({
      currency: 'USD',
      models: [
        { provider: 'openai', model: 'gpt-4.1', output_tokens_per_million: 8 },
        { provider: 'openai', model: 'gpt-4.1-mini', output_tokens_per_million: 1.6 },
      ],
    });
    expect(priceOf(table, 'OpenAI', 'gpt-4.1-mini-2025-04-14')?.model).toBe('gpt-4.1-mini');
    expect(priceOf(table, undefined, 'gpt-4.1-2025-04-14')?.model).toBe('gpt-4.1');
    expect(priceOf(table, 'azure', 'gpt-4.1')).toBeUndefined();
    expect(priceOf(table, 'openai', 'gpt-4.10')).toBeUndefined();
  });

  it('human connect: answered and a person, nothing else', () => {
    expect(isHumanConnect(true, 'human')).toBe(true);
    expect(isHumanConnect(false, 'human')).toBe(false);
    for (const c of ['machine-ivr', 'machine-vm', 'machine-unavailable', 'uncertain', null] as const)
      expect(isHumanConnect(true, c)).toBe(false);
  });
});
