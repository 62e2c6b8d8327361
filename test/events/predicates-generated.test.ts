import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderPredicatesModule } from '../../scripts/gen-predicates.mjs';
import { EVENT_RULES } from '../../src/events/rules.js';
import { eventJsonSchemas } from '../../src/openapi/event-schemas.js';

describe('src/events/predicates.generated.ts', () => {
  it('is generated from the event JSON Schemas, byte for byte (regenerate: npm run gen-docs)', () => {
    const file = readFileSync(new URL('../../src/events/predicates.generated.ts', import.meta.url), 'utf8');
    expect(file, 'src/events/predicates.generated.ts is stale: run npm run gen-docs').toBe(
      renderPredicatesModule(eventJsonSchemas(), eventJsonSchemas('output'), Object.keys(EVENT_RULES)),
    );
  });

  it('refuses a rule across fields in a JSON Schema that EVENT_RULES lacks', () => {
    const [first] = eventJsonSchemas();
    const schema = { ...first!.schema, anyOf: [{ required: ['a'] }, { required: ['b'] }] };
    const events = [{ type: first!.type, schema }];
    expect(() => renderPredicatesModule(events, events, [])).toThrow(/EVENT_RULES lacks/);
  });
});
