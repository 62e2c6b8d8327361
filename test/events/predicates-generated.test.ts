import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderPredicatesModule } from '../../src/events/predicates-gen.js';

describe('src/events/predicates.generated.ts', () => {
  it('is generated from the event schemas (regenerate: npx tsc -p tsconfig.build.json && node scripts/gen-docs.mjs)', () => {
    const file = readFileSync(new URL('../../src/events/predicates.generated.ts', import.meta.url), 'utf8');
    expect(
      file,
      'src/events/predicates.generated.ts is stale: run npx tsc -p tsconfig.build.json && node scripts/gen-docs.mjs',
    ).toBe(renderPredicatesModule());
  });
});
