/**
 * The clients' event code is what scripts/clients writes from the event JSON Schemas (the zod
 * schemas): a new event type, or a changed field, fails here until `npm run gen-docs` runs.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clientFiles } from '../../scripts/clients/generate.mjs';
import { eventJsonSchemas } from '../../src/openapi/event-schemas.js';

describe('generated client code', () => {
  const files = clientFiles(eventJsonSchemas());

  it.each(files.map((f) => [f.path, f.text]))('%s is current', (path, text) => {
    const committed = readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
    expect(committed, `${path} is stale: run npm run gen-docs`).toBe(text);
  });

  it('has a method (Python) for every event type', () => {
    const python = files.find((f) => f.path.endsWith('_events.py'))?.text ?? '';
    for (const { type } of eventJsonSchemas()) {
      expect(python).toContain(`    def ${type.replace(/[^A-Za-z0-9]+/g, '_')}(\n`);
      expect(python).toContain(`_event(${JSON.stringify(type)},`);
    }
  });
});
