import { expect } from 'vitest';
import type { PriceTable } from '../../src/domain/cost.js';
import { EventBus } from '../../src/events/bus.js';
import type { EventOf, SidetoneEvent } from '../../src/events/types.js';
import { detectPii } from '../../src/guard/pii.js';
import { Registry } from '../../src/metrics/index.js';
import { type InstrumentOptions, instrument } from '../../src/telephony/instrument.js';

/** A fixed epoch for scripted events. */
export const T0 = 1_700_000_000_000;

/** PII that fixtures put in every free string field; none of it (nor its digits) may be exposed. */
export const PII = {
  phone: '+44 7700 900123',
  phone2: '+1 415 555 0123',
  sipUri: 'sip:alice@10.0.0.1',
  imsi: '310150123456789',
  iccid: '8944500102198304826',
  imei: '490154203237518',
  email: 'bob@example.com',
  body: 'Call me back on +44 7700 900456 about the invoice',
} as const;

/** Digit runs of the PII values (spaces and punctuation removed), as they could leak in a label. */
const PII_DIGITS = Object.values(PII)
  .flatMap((v) => [v.replace(/\D/g, ''), ...(v.match(/\d{5,}/g) ?? [])])
  .filter((d) => d.length >= 5);

/** The price file of the fixtures: one LLM, so that `voiceai.usage` moves the cost counter. */
export const FIXTURE_PRICES: PriceTable = {
  currency: 'USD',
  models: [{ provider: 'openai', model: 'gpt-4.1-mini', prices: { input_tokens: 0.4, output_tokens: 1.6 } }],
  trunks: [],
};

/**
 * A turn whose reply called one tool (two LLM calls), `at` the caller's stop: stt 300, endpointing
 * 200, llm_ttft 400, tool 900, llm2_ttft 450, tts_ttfb 200, remainder 50 ms (heard 2,500 ms).
 */
export function toolTurn(at: number): EventOf<'voiceai.turn'> {
  return {
    type: 'voiceai.turn',
    userStoppedAt: at,
    sttFinalAt: at + 300,
    endOfTurnAt: at + 500,
    llmFirstTokenAt: at + 900,
    toolsDoneAt: at + 1800,
    lastLlmFirstTokenAt: at + 2250,
    ttsFirstByteAt: at + 2450,
    agentStartedAt: at + 2500,
    llmCalls: 2,
    toolCalls: 1,
  };
}

/**
 * A tool turn as the call row stores it (store/records/turn-list.ts: turn, at, heard, the segments
 * by TURN_SEGMENTS, the details by TURN_DETAILS, flags): heard 2,720 ms = stt 310, endpointing 290,
 * llm_ttft 400, tool 1,000, llm2_ttft 400, tts_ttfb 250, remainder 70; 2 LLM calls, 1 tool, none
 * failed; end of turn p 0.912 after 500 ms, detected in 40 ms; transcript confidence 0.97.
 */
export function toolTurnRow(turn: number, at: number, flags: number): (number | null)[] {
  return [
    turn,
    at,
    2720,
    310,
    290,
    400,
    1000,
    400,
    null,
    250,
    70,
    null,
    2,
    1,
    0,
    0.912,
    500,
    40,
    0.97,
    flags,
  ];
}

/** A bus, a registry and every pack, on a clock the test controls. */
export function setup(options: InstrumentOptions = {}) {
  const clock = { now: T0 };
  const registry = new Registry();
  // The packs' own bounding is under test here, so events reach them unchecked (the bus's schema
  // check is tested in test/events and test/contract).
  const bus = new EventBus({ registry, validate: false });
  const telephony = instrument(bus, registry, {
    packs: 'all',
    trunks: ['carrier-a'],
    operators: ['Vodafone UK'],
    modems: ['modem0', 'modem1'],
    queues: ['support'],
    // Voice-agent usage is costed (issue 52): the fixtures' priced model.
    prices: FIXTURE_PRICES,
    now: () => clock.now,
    ...options,
  });
  const emit = (events: readonly SidetoneEvent[]) => {
    for (const e of events) bus.emit(e);
  };
  return { clock, registry, bus, telephony, emit };
}

/** The value of one sample line, e.g. `sample(text, 'sidetone_sms_received_total')`. */
export function sample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

/** Every sample line of a metric family (name prefix), for snapshots of one family. */
export function lines(text: string, name: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
}

/** Fail when any PII value, any of its digit runs, or anything `detectPii` flags is in the exposition. */
export function expectNoPii(text: string): void {
  for (const v of Object.values(PII)) expect(text).not.toContain(v);
  for (const d of PII_DIGITS) expect(text).not.toContain(d);
  for (const m of text.matchAll(/="((?:[^"\\]|\\.)*)"/g))
    expect(detectPii(m[1] as string), m[1]).toBeUndefined();
}

/**
 * Sample lines of one area (`sidetone_<area>_...`) with a non-zero value, buckets left out: the
 * exact state a family test asserts. Zero-valued gauges are checked separately where they matter.
 */
export function nonZero(text: string, area: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`sidetone_${area}_`) && !l.includes('_bucket') && !l.endsWith(' 0'));
}

/** Exactly these non-zero sample lines for the area, in any order (series order is the registry's business). */
export function expectSeries(text: string, area: string, expected: readonly string[]): void {
  expect(nonZero(text, area).sort()).toEqual([...expected].sort());
}
