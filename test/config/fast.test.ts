import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderFastConfigModule, unmodelledKeys } from '../../scripts/gen-config.mjs';
import { CONFIG_FNS } from '../../src/config/checks.js';
import { fastConfig } from '../../src/config/fast.generated.js';
import { CONFIG_KEYS } from '../../src/config/keys.js';
import { configJsonSchema, configSchema } from '../../src/config/schema.js';

/**
 * The generated fast path of the configuration (scripts/gen-config.mjs) against the schema itself,
 * on random configurations: whenever it answers, zod accepts the same input and resolves it to the
 * same configuration (equal, and keys in the same order); when it says no, zod rejects the input or
 * the input gives a key the fast path leaves to zod. loadConfig runs the one, then the other: so
 * it answers as zod alone did, and loads zod only for those.
 */

describe('src/config/fast.generated.ts', () => {
  it('is generated from the configuration JSON Schema, byte for byte (regenerate: npm run gen-docs)', () => {
    const file = readFileSync(new URL('../../src/config/fast.generated.ts', import.meta.url), 'utf8');
    expect(file, 'src/config/fast.generated.ts is stale: run npm run gen-docs').toBe(
      renderFastConfigModule(configJsonSchema(), Object.keys(CONFIG_FNS)),
    );
  });

  it('finds every function of the schema marked in its JSON Schema (fnMark), or the fast path would skip it', () => {
    // JSON Schema cannot say a refinement or a transform; the schema marks each with .meta.
    const text = readFileSync(new URL('../../src/config/schema.ts', import.meta.url), 'utf8');
    const uses = text.match(/\.(refine|superRefine|transform|preprocess)\(/g) ?? [];
    const marks = text.match(/fnMark\('(check|transform|preprocess)'|'x-cross-field': true/g) ?? [];
    expect(uses.length).toBeGreaterThanOrEqual(5);
    expect(marks.length, 'a .refine/.transform/.preprocess without its fnMark').toBe(uses.length);
    const json = JSON.stringify(configJsonSchema());
    for (const name of ['noPii', 'isCidr', 'freeLabelName', 'modemsOrDefault', 'labelList'])
      expect(json, `the JSON Schema lost the mark of ${name}`).toContain(`"${name}"`);
    expect(json).toContain('"x-cross-field":true');
  });

  it('leaves to zod only the keys whose check changes the value or is not modelled', () => {
    // A URL check trims its value; external labels are a record after a preprocess.
    expect(unmodelledKeys(configJsonSchema(), Object.keys(CONFIG_FNS)).sort()).toEqual([
      'otel.endpoint',
      'push.external_labels',
      'push.remote_write_url',
    ]);
  });
});

const DEFAULTS = configSchema().parse({}) as Record<string, Record<string, unknown>>;
const TOKEN = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

/** Strings that meet or just miss the schema's patterns and lengths, and any string at all. */
const strings = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'a',
    'trunk-a',
    'Vodafone UK',
    'AT&T',
    '-bad',
    '/metrics',
    '/readyz',
    '/healthz',
    '/Metrics',
    '/a/',
    'metrics',
    'x'.repeat(16),
    'x'.repeat(65),
    TOKEN,
    `${TOKEN} `,
    'short-pass',
    'long-enough-pass',
    '😀'.repeat(6),
    '😀'.repeat(12),
    '\ud83d',
    'udp://127.0.0.1:9060',
    'tcp://[::1]:9060',
    'udp://host:9060/',
    'http://127.0.0.1:4318',
    ' http://127.0.0.1:4318 ',
    'postgres://sidetone@db:5432/sidetone',
    '203.0.113.0/24',
    '2001:db8::/32',
    '203.0.113.0/33',
    '+447700900123',
    'site-kitchen',
    'site=kitchen,region=eu',
    'job=x',
    'https://wiki.example/sidetone/runbook.md',
    'info',
    'warn',
    'json',
    'auto',
    'always',
    'shared',
    'grpc',
    'trunk-outage',
    'X-Trunk',
    'sidetone_x',
    '0',
    'true',
  ),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);

/** Numbers around the schema's bounds, non-integers, and what is not a finite number. */
const numbers = fc.oneof(
  fc.constantFrom(
    0,
    1,
    -1,
    0.5,
    1.5,
    3,
    9464,
    65535,
    65536,
    1e9,
    2 ** 53,
    Number.NaN,
    Number.POSITIVE_INFINITY,
  ),
  fc.integer({ min: -200_000, max: 4_000_000 }),
  fc.double({ min: -2, max: 200 }),
);

/** A value for a key whose default is `def`: the default, nearby, or of another type. */
function valueFor(def: unknown): fc.Arbitrary<unknown> {
  const other = fc.oneof(strings, numbers, fc.boolean(), fc.constant(null), fc.constant({}));
  if (typeof def === 'number')
    return fc.oneof({ weight: 4, arbitrary: fc.constant(def) }, { weight: 4, arbitrary: numbers }, other);
  if (typeof def === 'boolean') return fc.oneof({ weight: 4, arbitrary: fc.boolean() }, other);
  if (typeof def === 'string')
    return fc.oneof({ weight: 4, arbitrary: fc.constant(def) }, { weight: 4, arbitrary: strings }, other);
  if (Array.isArray(def)) {
    const user = fc.oneof(
      fc.record({ username: strings, password: strings }),
      fc.record({ username: strings, password: strings, extra: strings }),
      strings,
    );
    const trunk = fc.record(
      { name: strings, cidrs: fc.array(strings, { maxLength: 3 }), header: strings, value: strings },
      { requiredKeys: ['name'] },
    );
    return fc.oneof(
      fc.array(fc.oneof({ weight: 6, arbitrary: strings }, user, trunk), { maxLength: 10 }),
      other,
    );
  }
  return fc.oneof(fc.dictionary(strings, strings, { maxKeys: 3 }), other);
}

/** A raw configuration: some keys of some sections given, now and then an unknown key or a section of another type. */
const configs = fc
  .tuple(
    fc.subarray(
      CONFIG_KEYS.map((k) => k.path),
      { maxLength: 6 },
    ),
    fc.array(
      fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.oneof(fc.constant('nonsense'), fc.constant(null))),
      {
        maxLength: 1,
      },
    ),
  )
  .chain(([paths, oddities]) =>
    fc
      .tuple(
        ...paths.map((p) =>
          valueFor(
            (DEFAULTS as Record<string, Record<string, unknown>>)[p.split('.')[0] as string]?.[
              p.split('.')[1] as string
            ],
          ),
        ),
      )
      .map((values) => {
        const raw: Record<string, Record<string, unknown> | unknown> = {};
        paths.forEach((p, i) => {
          const [section, key] = p.split('.') as [string, string];
          const s = (raw[section] ??= {}) as Record<string, unknown>;
          s[key] = values[i];
        });
        for (const [n, what] of oddities) {
          const sections = Object.keys(DEFAULTS);
          const section = sections[n % sections.length] as string;
          if (what === null) raw[section] = n % 2 === 0 ? [] : 'x';
          else ((raw[section] ??= {}) as Record<string, unknown>)[what] = 1;
        }
        return raw;
      }),
  );

const gives = (raw: unknown, key: string) => {
  const [section, name] = key.split('.') as [string, string];
  const s = (raw as Record<string, unknown>)[section];
  return s !== null && typeof s === 'object' && (s as Record<string, unknown>)[name] !== undefined;
};

describe('the fast path and the schema', () => {
  it('agree on random configurations: the same configuration whenever the fast path answers, and a "no" only where zod rejects or a key is left to it', () => {
    const unmodelled = unmodelledKeys(configJsonSchema(), Object.keys(CONFIG_FNS));
    let answered = 0;
    let rejected = 0;
    fc.assert(
      fc.property(configs, (raw) => {
        const fast = fastConfig(structuredClone(raw));
        const slow = configSchema().safeParse(structuredClone(raw));
        if (fast !== undefined) {
          answered++;
          expect(slow.success).toBe(true);
          expect(fast).toStrictEqual(slow.data);
          expect(JSON.stringify(fast)).toBe(JSON.stringify(slow.data));
        } else if (slow.success) {
          expect(unmodelled.some((k) => gives(raw, k))).toBe(true);
        } else rejected++;
      }),
      { numRuns: 3000 },
    );
    // Both sides of the property ran often: the arbitrary is neither all valid nor all invalid.
    expect(answered).toBeGreaterThan(300);
    expect(rejected).toBeGreaterThan(300);
  });

  it('give every default of the empty configuration, a fresh copy each time', () => {
    const a = fastConfig({});
    expect(a).toStrictEqual(configSchema().parse({}));
    expect(fastConfig({})?.labels.trunks).not.toBe(a?.labels.trunks);
  });

  it.each([
    ['a URL, which zod trims', { otel: { endpoint: ' http://127.0.0.1:4318 ' } }],
    ['a key given as undefined', { server: { port: undefined } }],
    ['an object of a class', { server: new (class Section {})() }],
  ])('leave %s to zod', (_, raw) => {
    expect(fastConfig(raw)).toBeUndefined();
  });
});
