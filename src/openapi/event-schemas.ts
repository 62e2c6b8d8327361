import { z } from 'zod';
import { EVENT_SCHEMAS } from '../events/schemas.js';

/** A JSON Schema object as `z.toJSONSchema` writes it. */
export type JsonSchema = { [key: string]: unknown };

/** The JSON Schema dialect every generated schema is written in. */
export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/**
 * A zod schema as JSON Schema 2020-12, as a sender must write it (`io: 'input'`: `ts` may be an
 * ISO string, defaults are optional), or as the parse hands it back (`'output'`: `ts` is epoch ms,
 * unknown fields are gone; what scripts/gen-predicates.mjs compiles the exact check with). The
 * events' own `pii` mark becomes `x-pii`, the prefix JSON Schema and OpenAPI leave to extensions,
 * so strict validators accept the schema.
 * @example toJsonSchema(z.object({ n: z.int() })) // { type: 'object', properties: { n: ... } }
 */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  const out = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    override: ({ jsonSchema }) => {
      const s = jsonSchema as JsonSchema;
      if (s.pii !== undefined) {
        s['x-pii'] = s.pii;
        delete s.pii;
      }
    },
  }) as JsonSchema;
  delete out.$schema;
  return out;
}

/**
 * One JSON Schema (2020-12) per event type, from the zod schemas the ingest edge validates with,
 * in documentation order. A new schema in `EVENT_SCHEMAS` appears here, in docs/schemas/ and in
 * `/openapi.json` with no other change. Cross-field rules zod checks with `refine` are written
 * into the schema where JSON Schema can say them (`anyOf` of `required`); the one it cannot
 * (a media report's derived jitter and RTT bounds) is checked by the server alone.
 * @example for (const { type, schema } of eventJsonSchemas()) writeFileSync(`${type}.json`, ...)
 */
export function eventJsonSchemas(
  io: 'input' | 'output' = 'input',
): Array<{ type: string; schema: JsonSchema }> {
  return EVENT_SCHEMAS.map((s) => {
    const type = s.shape.type.value;
    return { type, schema: { title: type, ...toJsonSchema(s, io) } };
  });
}
