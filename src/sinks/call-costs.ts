import { type PriceTable, reportCost, type UsageComponent } from '../domain/cost.js';
import type { EventOf } from '../events/types.js';
import type { CallUpdate, CarrierPrice } from '../store/types.js';
import { PerCall } from './per-call.js';

type CostUpdate = CallUpdate & { kind: 'cost' };

/** Report keys held per call: a call of 100 turns makes ~300 reports (LLM, STT and TTS each turn). */
const SEEN_MAX = 512;

/**
 * What tells a report from another: when its request ended (span end, sub-ms) and what it used. Two
 * requests of one call ending at the same instant with the same usage are taken as one.
 */
function reportKey(e: EventOf<'voiceai.usage'>): number {
  const text = [
    e.ts,
    e.component,
    e.model,
    e.inputTokens,
    e.cachedInputTokens,
    e.inputAudioTokens,
    e.outputTokens,
    e.reasoningTokens,
    e.outputAudioTokens,
    e.audioSeconds,
    e.characters,
  ].join(':');
  // FNV-1a, 32 bits: a number a key (~16 bytes in a Set) instead of its text (~90).
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

interface Tally {
  /** The reports folded in, by their key ({@link reportKey}): a retried one is not added twice. */
  seen: Set<number>;
  llm: number;
  stt: number;
  tts: number;
  reports: number;
  unpriced: number;
}

/**
 * What each call costs, as the store sink builds it from the operator's price file
 * (`voiceai.prices`): every `voiceai.usage` with a call id is priced (src/domain/cost.ts) and
 * added to that call's tally, and the call's total so far goes to the store as a `cost` update
 * (the store keeps the one folding the most reports, so a repeat or a reordering converges). The
 * carrier's price per minute for a call's trunk goes on its `started` update. Bounded like the turn
 * tallies: past `maxCalls` the least recently active call is forgotten (a later report of it starts
 * a smaller tally, which the store ignores until it has folded more reports than the stored one).
 * @example
 * const costs = new CallCosts(readPriceFile('prices.toml'));
 * const u = costs.usage({ type: 'voiceai.usage', callId: 'c1', component: 'llm', provider: 'openai', model: 'gpt-4.1-mini', inputTokens: 1000 }, Date.now());
 * u?.llm // 0.0004
 */
export class CallCosts {
  private readonly calls: PerCall<Tally>;
  private readonly trunks: ReadonlyMap<string, CarrierPrice>;
  /** Reports past a call's SEEN_MAX: added without the check for a repeat. */
  unchecked = 0;

  constructor(
    readonly prices: PriceTable,
    // 5 numbers and up to SEEN_MAX 32-bit keys a call: at most ~10 KiB a call, ~20 MiB at the bound.
    maxCalls = 2000,
  ) {
    this.calls = new PerCall(maxCalls, () => ({
      seen: new Set(),
      llm: 0,
      stt: 0,
      tts: 0,
      reports: 0,
      unpriced: 0,
    }));
    this.trunks = new Map(
      prices.trunks.map((t) => [
        t.trunk,
        { currency: prices.currency, perMinute: t.perMinute, incrementSeconds: t.incrementSeconds },
      ]),
    );
  }

  /** Calls forgotten to stay within `maxCalls`. */
  get evicted(): number {
    return this.calls.evicted;
  }

  /** The carrier's price for a call on `trunk` (as the store names it), if the file prices it. */
  carrier(trunk: string | undefined): CarrierPrice | undefined {
    return trunk === undefined ? undefined : this.trunks.get(trunk);
  }

  /** The `cost` update after this usage report, or undefined for a report without a call id. */
  usage(e: EventOf<'voiceai.usage'>, at: number): CostUpdate | undefined {
    if (e.callId === undefined) return undefined;
    const t = this.calls.get(e.callId);
    // A repeat changes nothing, but its update is queued again: the first may have been discarded
    // with a failed request (ingest, or the OTLP receiver's rolled-back batch), whose retry is this.
    const key = reportKey(e);
    if (!t.seen.has(key)) {
      if (t.seen.size < SEEN_MAX) t.seen.add(key);
      else this.unchecked++;
      const c = reportCost(this.prices, e);
      t[e.component as UsageComponent] += c.cost;
      t.reports++;
      if (!c.priced) t.unpriced++;
    }
    return {
      kind: 'cost',
      callId: e.callId,
      at,
      currency: this.prices.currency,
      llm: t.llm,
      stt: t.stt,
      tts: t.tts,
      reports: t.reports,
      unpriced: t.unpriced,
    };
  }
}
