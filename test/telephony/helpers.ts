import { expect } from 'vitest';
import type { PriceTable } from '../../src/domain/cost.js';
import { EventBus } from '../../src/events/bus.js';
import type { SidetoneEvent } from '../../src/events/types.js';
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

/** A bus, a registry and every pack, on a clock the test controls. */
/** The price file of the fixtures: one LLM, so that `voiceai.usage` moves the cost counter. */
export const FIXTURE_PRICES: PriceTable = {
  currency: 'USD',
  models: [{ provider: 'openai', model: 'gpt-4.1-mini', prices: { input_tokens: 0.4, output_tokens: 1.6 } }],
  trunks: [],
};

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
