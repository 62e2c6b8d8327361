/**
 * The ingest fast path (`isExactEvent`) against the zod parse: it says yes exactly when the parse
 * accepts a value and gives it back unchanged (apart from the default `ts`). Values come from the
 * schemas themselves (every type, every field, limits and their neighbours), then are mutated: a
 * field set to any JSON value, a field removed, an unknown field added, the type swapped.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { isExactEvent } from '../../src/events/predicates.js';
import { EVENT_SCHEMAS, parseEvent } from '../../src/events/schemas.js';
import { timeFactor } from '../setup/time-factor.js';
import { FIXTURES } from '../telephony/fixtures.js';

// Thousands of zod parses, CPU only: 21 s at load 15 alone and 43 s in a full run at load 19,
// past vitest's 30 s. The runs are what is checked; the deadline only says when to give up.
const PROPERTY_TIMEOUT_MS = 120_000 * timeFactor();

const now = () => 1_700_000_000_000;
type Def = {
  type: string;
  checks?: Array<{ _zod: { def: Record<string, unknown> } }>;
  innerType?: Schema;
  in?: Schema;
  options?: Schema[];
  entries?: Record<string, string>;
  values?: unknown[];
  shape?: Record<string, Schema>;
};
type Schema = z.ZodType & { _zod: { def: Def } };

const ascii = (min: number, max: number) => fc.string({ minLength: min, maxLength: max });

/** Mostly valid values, sometimes a near miss: so that whole events are often valid too. */
const mostly = (valid: fc.Arbitrary<unknown>, miss: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 12, arbitrary: valid }, { weight: 1, arbitrary: miss });

/** Values around a schema's limits: valid ones and their near misses. */
function arb(schema: Schema): fc.Arbitrary<unknown> {
  const def = schema._zod.def;
  const checks = (def.checks ?? []).map((c) => c._zod.def as unknown as Record<string, unknown>);
  switch (def.type) {
    case 'optional':
      return arb(def.innerType as Schema);
    case 'boolean':
      return fc.boolean();
    case 'literal':
      return fc.constantFrom(...(def.values as Array<string | number>));
    case 'enum':
      return mostly(fc.constantFrom(...Object.values(def.entries ?? {})), fc.string());
    case 'union':
      return fc.oneof(...(def.options ?? []).map(arb));
    case 'pipe':
      return arb(def.in as Schema);
    case 'object': {
      const shape = (schema as unknown as { shape: Record<string, Schema> }).shape;
      const required = Object.keys(shape).filter((k) => shape[k]?._zod.def.type !== 'optional');
      return fc.record(Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, arb(v)])), {
        requiredKeys: required,
      });
    }
    case 'string': {
      if (checks.some((c) => c.check === 'string_format')) {
        // The ISO `ts` (turned into ms: never exact) and the SIM status word pattern.
        return fc.oneof(
          fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString()),
          mostly(fc.stringMatching(/^[0-9A-Fa-f]{4}$/), fc.constantFrom('zz00', '12345', '')),
        );
      }
      const max = Number(checks.find((c) => c.check === 'max_length')?.maximum ?? 40);
      const min = Number(checks.find((c) => c.check === 'min_length')?.minimum ?? 0);
      return mostly(
        fc.oneof(ascii(min, Math.max(min, Math.min(max, 12))), ascii(Math.max(min, max - 1), max)),
        fc.oneof(ascii(max, max + 1), fc.constant(''), fc.integer()),
      );
    }
    case 'number': {
      let lo = -1e15;
      let hi = 1e15;
      let int = false;
      for (const c of checks) {
        if (c.check === 'greater_than') lo = Number(c.value);
        if (c.check === 'less_than') hi = Number(c.value);
        if (c.check === 'number_format') int = String(c.format).includes('int');
      }
      const a = Math.max(lo, -1e13);
      const b = Math.min(hi, 1e13);
      const valid = int
        ? fc.oneof(
            fc.integer({ min: Math.ceil(a), max: Math.floor(b) }),
            fc.constantFrom(Math.ceil(a), Math.floor(b)),
          )
        : fc.oneof(fc.double({ min: a, max: b, noNaN: true }), fc.constantFrom(a, b));
      const edges = [lo - 1, hi + 1, lo + 0.5, hi - 0.5, 0, -1, 1e21, Number.MAX_SAFE_INTEGER + 2, '1'];
      return mostly(
        valid,
        fc.oneof(fc.constantFrom(...edges), fc.double({ noNaN: true, noDefaultInfinity: true })),
      );
    }
    default:
      return fc.jsonValue();
  }
}

const events = fc.oneof(...EVENT_SCHEMAS.map((s) => arb(s as unknown as Schema)));
const types = EVENT_SCHEMAS.map((s) => s.shape.type.value);

/** One change that may or may not keep the event valid. */
const mutated = fc
  .tuple(events, fc.nat(), fc.jsonValue(), fc.constantFrom('set', 'delete', 'extra', 'type', 'nest'))
  .map(([e, n, value, how]) => {
    const o = { ...(e as Record<string, unknown>) };
    const keys = Object.keys(o);
    const key = keys[n % keys.length] as string;
    if (how === 'set') o[key] = value;
    else if (how === 'delete') delete o[key];
    else if (how === 'extra') o[`x${n % 3}`] = value;
    else if (how === 'type') o.type = types[n % types.length];
    else
      for (const k of keys)
        if (typeof o[k] === 'object' && o[k] !== null) (o[k] as Record<string, unknown>).extra = 1;
    return o;
  });

/** What the zod parse says: accepted and equal to the input (bar the default ts), or not. */
function parseKeeps(value: unknown): boolean {
  const r = parseEvent(structuredClone(value), { now });
  if (!r.ok) return false;
  const input = value as { ts?: unknown };
  try {
    expect(r.event).toStrictEqual({ ...input, ts: input.ts ?? now() });
    return true;
  } catch {
    return false;
  }
}

describe('isExactEvent', () => {
  it('takes every fixture event the parse gives back unchanged', () => {
    for (const e of Object.values(FIXTURES).flat()) {
      const v = JSON.parse(JSON.stringify(e));
      expect(isExactEvent(v), e.type).toBe(parseKeeps(v));
    }
  });

  it(
    'says yes exactly when the parse accepts and keeps the value: generated and mutated events',
    () => {
      const seen = { exact: 0, other: 0, typesExact: new Set<string>() };
      fc.assert(
        fc.property(fc.oneof(events, mutated), (e) => {
          // As a request body gives it: plain objects, no undefined, no NaN.
          const v = JSON.parse(JSON.stringify(e)) as { type: string };
          const exact = isExactEvent(v);
          expect(exact).toBe(parseKeeps(v));
          if (exact) {
            seen.exact++;
            seen.typesExact.add(v.type);
          } else seen.other++;
        }),
        { numRuns: 4000 },
      );
      // Both answers were exercised, the yes for (nearly) every type.
      expect(seen.exact).toBeGreaterThan(400);
      expect(seen.other).toBeGreaterThan(400);
      expect(seen.typesExact.size).toBeGreaterThan(types.length * 0.8);
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'never says yes to what the parse would refuse or change, whatever the value',
    () => {
      const odd = fc.oneof(
        fc.anything(),
        fc.record({ type: fc.constantFrom(...types), callId: fc.anything(), ts: fc.anything() }),
        // Astral characters: zod counts code points, the check UTF-16 units (it may only say no).
        fc.record({
          type: fc.constant('call.answered'),
          callId: fc.string({ unit: 'binary', maxLength: 210 }),
        }),
      );
      fc.assert(
        fc.property(odd, (v) => {
          if (isExactEvent(v)) expect(parseKeeps(v)).toBe(true);
        }),
        { numRuns: 2000 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it('sends what the parse must change to the parse: unknown fields, ISO times, class instances', () => {
    const e = { type: 'call.answered', callId: 'c1' };
    expect(isExactEvent(e)).toBe(true);
    expect(isExactEvent({ ...e, extra: 1 })).toBe(false);
    expect(isExactEvent({ ...e, ts: '2024-01-01T00:00:00Z' })).toBe(false);
    expect(isExactEvent({ ...e, ts: 1_700_000_000_000 })).toBe(true);
    expect(isExactEvent({ ...e, callId: undefined })).toBe(false);
    expect(isExactEvent(Object.assign(Object.create({ inherited: 1 }), e))).toBe(false);
    expect(isExactEvent([e])).toBe(false);
    // The rules across fields run too: a signal event needs one of its readings.
    expect(isExactEvent({ type: 'modem.signal', csq: { rssi: 18, ber: 99 } })).toBe(true);
    expect(isExactEvent({ type: 'modem.signal' })).toBe(false);
    expect(isExactEvent({ type: 'media.report', jitter: 1e9, clockRate: 1 })).toBe(false);
  });
});
