/**
 * The published JSON Schemas (docs/schemas, what the clients are generated from) and the zod
 * schemas the ingest edge validates with give the same verdict: values drawn from each event's
 * JSON Schema, valid and broken, are accepted by a JSON Schema 2020-12 validator exactly when
 * `parseEvent` accepts them. The one rule JSON Schema cannot say (a media report's derived jitter
 * and RTT bounds) may only make zod stricter.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../src/events/schemas.js';
import { eventJsonSchemas, type JsonSchema } from '../../src/openapi/event-schemas.js';

/** Code-only rules: types where zod may refuse what the JSON Schema allows. */
const CODE_ONLY = new Set(['media.report']);

type S = JsonSchema & {
  const?: unknown;
  enum?: unknown[];
  anyOf?: S[];
  type?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  format?: string;
  properties?: Record<string, S>;
  required?: string[];
  items?: S;
  maxItems?: number;
};

const wrong = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 5 }),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
);

/**
 * Values for a schema: valid ones, or (`broken`) ones that also step over its edges (bounds,
 * lengths, dates), drop fields and put wrong types in, so both verdicts are drawn.
 */
function draw(s: S, broken: boolean): fc.Arbitrary<unknown> {
  const ok = gen(s, broken);
  return broken ? fc.oneof({ weight: 8, arbitrary: ok }, { weight: 1, arbitrary: wrong }) : ok;
}

function gen(s: S, broken: boolean): fc.Arbitrary<unknown> {
  const edges = <T>(good: fc.Arbitrary<T>, bad: T[]) =>
    broken ? fc.oneof(good, fc.constantFrom(...bad)) : good;
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum !== undefined) return fc.constantFrom(...s.enum);
  if (s.anyOf !== undefined && s.type === undefined && s.properties === undefined)
    return fc.oneof(...s.anyOf.map((a) => gen(a, broken)));
  switch (s.type) {
    case 'integer': {
      const lo = s.minimum ?? -1e6;
      const hi = s.maximum ?? Math.max(lo * 2, 1e6);
      const small = fc.integer({ min: Math.max(lo, -(2 ** 31)), max: Math.min(hi, 2 ** 31 - 1) });
      return edges(fc.oneof(small, fc.constantFrom(lo, hi)), [lo - 1, hi + 1, lo + 0.5]);
    }
    case 'number': {
      const lo = s.minimum ?? -1e9;
      const hi = s.maximum ?? Math.max(lo * 2, 1e9);
      const inside = fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true });
      return edges(fc.oneof(inside, fc.constantFrom(lo, hi)), [lo - 1, hi + 1]);
    }
    case 'string': {
      if (s.format === 'date-time') {
        const dates = fc.date({
          min: new Date('2000-01-02'),
          max: new Date('2100-01-01'),
          noInvalidDate: true,
        });
        return edges(
          fc.oneof(
            dates.map((d) => d.toISOString()),
            fc.constant('2024-05-01T12:00:00+02:00'),
          ),
          ['1999-12-31T23:59:59Z', '2024-02-30T00:00:00Z', '2024-05-01 12:00'],
        );
      }
      const min = s.minLength ?? 0;
      const max = s.maxLength ?? 30;
      // At the limit, in code points both sides count: an astral character is two UTF-16 units.
      const good = fc.oneof(
        fc.string({ unit: 'binary', minLength: min, maxLength: Math.min(max, 30) }),
        fc.constantFrom('x'.repeat(max), '\u{1F4DE}'.repeat(max)),
      );
      return broken ? fc.oneof(good, fc.constantFrom('x'.repeat(max + 1), '')) : good;
    }
    case 'boolean':
      return fc.boolean();
    case 'array': {
      // A bounded list (a call's SIP flow): a few items, and (broken) one over its bound.
      const item = s.items ?? {};
      const max = s.maxItems ?? 5;
      const good = fc.array(draw(item, broken), { maxLength: Math.min(max, 4) });
      return broken
        ? fc.oneof(good, fc.array(gen(item, false), { minLength: max + 1, maxLength: max + 1 }))
        : good;
    }
    case 'object': {
      const props = Object.fromEntries(
        Object.entries(s.properties ?? {}).map(([k, v]) => [k, draw(v, broken)]),
      );
      const record = fc.record(props, { requiredKeys: s.required ?? [] });
      if (!broken) return record;
      // Broken: now and then a field, required or not, is left out.
      return record.chain((o) =>
        fc
          .subarray(Object.keys(o), { minLength: Math.max(0, Object.keys(o).length - 1) })
          .map((keys) => Object.fromEntries(keys.map((k) => [k, (o as Record<string, unknown>)[k]]))),
      );
    }
    default:
      return wrong;
  }
}

describe('JSON Schema and zod agree', () => {
  const ajv = new Ajv2020({ strict: true, strictRequired: false, validateFormats: false });
  ajv.addKeyword('x-pii');
  for (const { type, schema } of eventJsonSchemas()) {
    it(type, () => {
      const validate = ajv.compile(schema);
      let accepted = 0;
      let refused = 0;
      fc.assert(
        fc.property(
          fc.boolean().chain((broken) => draw(schema as S, broken)),
          (value) => {
            const byJson = validate(value);
            const byZod = parseEvent(structuredClone(value)).ok;
            if (byJson) accepted++;
            else refused++;
            if (CODE_ONLY.has(type)) return byZod ? byJson : true;
            return byJson === byZod;
          },
        ),
        { numRuns: 150, seed: 38 },
      );
      // The draw reaches both verdicts: a test that only ever refuses proves nothing.
      expect(accepted).toBeGreaterThan(20);
      expect(refused).toBeGreaterThan(20);
    });
  }
});
