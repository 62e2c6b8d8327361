/**
 * What a voice call costs: the units its providers bill (tokens by kind, audio seconds, characters,
 * carrier minutes), what each costs by an operator's price table, and who answered an outbound call
 * (the human-connect definition). Facts only: no I/O; the price file is read by
 * src/config/prices.ts, usage is read from spans by src/sources/otlp/usage.ts.
 */
import type { AmdCategory } from './vocab.js';

/**
 * What a call's usage is counted in, as agent frameworks report it (OpenTelemetry GenAI
 * `gen_ai.usage.*`; Pipecat's `metrics.audio_seconds`, `metrics.character_count`; LiveKit's
 * `lk.llm_metrics`, `lk.tts_metrics`, `lk.realtime_model_metrics`). Token kinds nest as the GenAI
 * conventions count them: `input_tokens` is every input token, of which `cached_input_tokens` were
 * read from the provider's cache and `input_audio_tokens` were audio; `output_tokens` is every
 * output token, of which `reasoning_tokens` were thinking and `output_audio_tokens` audio.
 */
export const USAGE_UNITS = [
  'input_tokens',
  'cached_input_tokens',
  'input_audio_tokens',
  'output_tokens',
  'reasoning_tokens',
  'output_audio_tokens',
  'audio_seconds',
  'characters',
] as const;
export type UsageUnit = (typeof USAGE_UNITS)[number];

/** The parts of a call's cost: the agent's providers by stage, and the phone line. */
export const COST_COMPONENTS = ['llm', 'stt', 'tts', 'carrier'] as const;
export type CostComponent = (typeof COST_COMPONENTS)[number];
/** The components usage is reported for (the carrier is priced from the call's talk time). */
export const USAGE_COMPONENTS = ['llm', 'stt', 'tts'] as const;
export type UsageComponent = (typeof USAGE_COMPONENTS)[number];
/**
 * How a usage report was priced: by the price file (`priced`), not wholly (`unpriced`: its model
 * or one of its units has no price there), or not at all (`no_price_file`).
 */
export const USAGE_PRICING = ['priced', 'unpriced', 'no_price_file'] as const;
export type UsagePricing = (typeof USAGE_PRICING)[number];

/**
 * How each unit is priced in the price file, and how many units one price is for: providers quote
 * tokens and characters per million and transcription per minute of audio, so the file does too
 * (and a price is never read as a price per unit by mistake).
 */
export const PRICE_KEYS: Readonly<Record<UsageUnit, { key: string; per: number }>> = {
  input_tokens: { key: 'input_tokens_per_million', per: 1e6 },
  cached_input_tokens: { key: 'cached_input_tokens_per_million', per: 1e6 },
  input_audio_tokens: { key: 'input_audio_tokens_per_million', per: 1e6 },
  output_tokens: { key: 'output_tokens_per_million', per: 1e6 },
  reasoning_tokens: { key: 'reasoning_tokens_per_million', per: 1e6 },
  output_audio_tokens: { key: 'output_audio_tokens_per_million', per: 1e6 },
  audio_seconds: { key: 'audio_per_minute', per: 60 },
  characters: { key: 'characters_per_million', per: 1e6 },
};

/** One model's prices, per PRICE_KEYS unit (absent: the model is not billed in that unit). */
export interface ModelPrice {
  /** Lower-case provider name as frameworks report it (`openai`, `deepgram`, `cartesia`). */
  readonly provider: string;
  /** Model name; a dated snapshot of it (`gpt-4.1-mini-2025-04-14`) is priced as it. */
  readonly model: string;
  readonly prices: Readonly<Partial<Record<UsageUnit, number>>>;
}

/** A carrier's price for a trunk: per minute of talk time, billed in increments. */
export interface TrunkPrice {
  readonly trunk: string;
  readonly perMinute: number;
  /** Talk time is rounded up to a multiple of this many seconds (1: per-second billing). */
  readonly incrementSeconds: number;
}

/** An operator's price table: one currency, models by provider, carrier minutes by trunk. */
export interface PriceTable {
  /** ISO 4217 code, e.g. `USD`. */
  readonly currency: string;
  readonly models: readonly ModelPrice[];
  readonly trunks: readonly TrunkPrice[];
}

/** The cost of one usage report, and whether every unit it used had a price. */
export interface UsageCost {
  cost: number;
  /** False when an amount was reported in a unit the model has no price for: `cost` lacks it. */
  priced: boolean;
}

const positive = (v: number | undefined) => (v !== undefined && v > 0 ? v : 0);

/** The running sum of one pricing (no allocation per report: one module-level accumulator). */
const acc = { cost: 0, priced: true };
function add(amount: number, price: number | undefined, per: number): void {
  if (amount === 0) return;
  if (price === undefined) acc.priced = false;
  else acc.cost += (amount * price) / per;
}

/**
 * The cost of a report's amounts at `price` (camelCase, as events carry them). The nested token
 * kinds are priced apart from what contains them: uncached text input = input - cached - audio,
 * text output = output - reasoning - audio (never below 0). A cached or reasoning token with no
 * price of its own is priced as input or output (a provider without a cache discount bills it so);
 * audio tokens, audio seconds and characters have no fallback: reported without a price, they make
 * the report unpriced. Allocation-free: the result is one shared object, read it at once.
 * @example amountsCost({ inputTokens: 1000, outputTokens: 200 }, gpt).cost // 1000 * 0.4e-6 + 200 * 1.6e-6
 */
export function amountsCost(r: UsageAmounts, price: ModelPrice | undefined): Readonly<UsageCost> {
  const p = price?.prices;
  const input = positive(r.inputTokens);
  const cached = positive(r.cachedInputTokens);
  const audioIn = positive(r.inputAudioTokens);
  const output = positive(r.outputTokens);
  const reasoning = positive(r.reasoningTokens);
  const audioOut = positive(r.outputAudioTokens);
  acc.cost = 0;
  acc.priced = true;
  add(Math.max(0, input - cached - audioIn), p?.input_tokens, 1e6);
  add(cached, p?.cached_input_tokens ?? p?.input_tokens, 1e6);
  add(audioIn, p?.input_audio_tokens, 1e6);
  add(Math.max(0, output - reasoning - audioOut), p?.output_tokens, 1e6);
  add(reasoning, p?.reasoning_tokens ?? p?.output_tokens, 1e6);
  add(audioOut, p?.output_audio_tokens, 1e6);
  add(positive(r.audioSeconds), p?.audio_seconds, PRICE_KEYS.audio_seconds.per);
  add(positive(r.characters), p?.characters, 1e6);
  return acc;
}

/**
 * The model a reported provider and model name are priced as: the exact name, else the longest
 * priced name it is a dated snapshot of (`gpt-4.1-mini-2025-04-14` is `gpt-4.1-mini`, not
 * `gpt-4.1`); providers compared case-insensitively, and an unreported provider matches any.
 * @example priceOf(table, 'openai', 'gpt-4.1-mini-2025-04-14')?.model // 'gpt-4.1-mini'
 */
export function priceOf(
  table: PriceTable,
  provider: string | undefined,
  model: string | undefined,
): ModelPrice | undefined {
  if (model === undefined) return undefined;
  const p = provider?.toLowerCase();
  let best: ModelPrice | undefined;
  for (const m of table.models) {
    if (p !== undefined && m.provider !== p) continue;
    // A snapshot: the name, then `-` (compared in place: no string built per report).
    const n = m.model.length;
    if (model !== m.model && !(model.length > n && model.charCodeAt(n) === 45 && model.startsWith(m.model)))
      continue;
    if (best === undefined || m.model.length > best.model.length) best = m;
  }
  return best;
}

/**
 * What a carrier charges for `talkMs` of talk time on a trunk: minutes rounded up to the trunk's
 * billing increment. No talk time (an unanswered call) costs nothing.
 * @example carrierCost({ trunk: 't', perMinute: 0.01, incrementSeconds: 60 }, 61_000) // 0.02
 */
export function carrierCost(price: TrunkPrice, talkMs: number): number {
  if (!(talkMs > 0)) return 0;
  const seconds = Math.ceil(talkMs / 1000 / price.incrementSeconds - 1e-9) * price.incrementSeconds;
  return (seconds / 60) * price.perMinute;
}

/** The window the human-connect rate is read over (its recording rule and the console alike). */
export const HUMAN_CONNECT_WINDOW_MINUTES = 10;

/**
 * Human connect, the outcome outbound campaigns are measured by: the call was answered and the
 * answering-machine detector found a person on it. The rate is human connects over call attempts
 * (every outbound call that seized, answered or not), not over answered calls: a campaign that
 * reaches voicemail more is worse even when as many calls are answered.
 * @example isHumanConnect(true, 'human') // true; isHumanConnect(true, 'machine-vm') // false
 */
export function isHumanConnect(answered: boolean, amd: AmdCategory | null | undefined): boolean {
  return answered && amd === 'human';
}

/** A usage report's amounts as events carry them (camelCase), e.g. `voiceai.usage`. */
export interface UsageAmounts {
  inputTokens?: number | undefined;
  cachedInputTokens?: number | undefined;
  inputAudioTokens?: number | undefined;
  outputTokens?: number | undefined;
  reasoningTokens?: number | undefined;
  outputAudioTokens?: number | undefined;
  audioSeconds?: number | undefined;
  characters?: number | undefined;
}

/**
 * The cost of one usage report as an event gives it, by the table: the model priced as its
 * provider and name say ({@link priceOf}), else unpriced. The result is shared ({@link amountsCost}).
 * @example reportCost(table, { provider: 'openai', model: 'gpt-4.1-mini', inputTokens: 1000 }).cost // 0.0004
 */
export function reportCost(
  table: PriceTable,
  r: UsageAmounts & { provider?: string | undefined; model?: string | undefined },
): Readonly<UsageCost> {
  return amountsCost(r, priceOf(table, r.provider, r.model));
}
