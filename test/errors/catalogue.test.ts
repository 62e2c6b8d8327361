import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, renderErrorCodesMarkdown, statusOf } from '../../src/error-codes.js';
import {
  ConfigError,
  DefinitionError,
  LabelPolicyError,
  StoreError,
  ValidationError,
} from '../../src/errors.js';

const src = new URL('../../src/', import.meta.url).pathname;
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('error-code catalogue', () => {
  it('every ST_ code in the source is catalogued, and every catalogued code is used', () => {
    const used = new Set<string>();
    for (const file of sources(src)) {
      if (file.endsWith('error-codes.ts')) continue;
      for (const m of readFileSync(file, 'utf8').matchAll(/'(ST_[A-Z0-9_]+)'/g)) used.add(m[1] as string);
    }
    const catalogued = new Set(Object.keys(ERROR_CODES));
    expect([...used].filter((c) => !catalogued.has(c))).toEqual([]);
    expect([...catalogued].filter((c) => !used.has(c))).toEqual([]);
  });

  it('one class per kind: each class carries its kind, and statusOf reads the catalogue', () => {
    const cases = [
      [new DefinitionError('ST_INVALID_OPTION', 'x'), 'definition', 500],
      [new LabelPolicyError('ST_SERIES_CAP', 'x'), 'label_policy', 500],
      [new ValidationError('ST_INVALID_EVENT', 'x'), 'validation', 400],
      [new ConfigError('ST_CONFIG_INVALID', 'x'), 'config', 500],
      [new StoreError('ST_STORE_CLOSED', 'x'), 'store', 503],
    ] as const;
    for (const [err, kind, status] of cases) {
      expect(ERROR_CODES[err.code].kind).toBe(kind);
      expect(statusOf(err)).toBe(status);
    }
    expect(statusOf({ code: 'ST_STORE_FULL' })).toBe(507);
    expect(statusOf(new Error('plain'))).toBe(500);
    expect(statusOf({ code: 'EACCES' })).toBe(500);
    // Checked by tsc (`npm test` runs it over test/): a code of another kind does not compile.
    // @ts-expect-error a validation code cannot be thrown as a StoreError
    expect(new StoreError('ST_INVALID_EVENT', 'x').code).toBe('ST_INVALID_EVENT');
    // @ts-expect-error a code outside the catalogue
    expect(new DefinitionError('ST_MADE_UP', 'x').code).toBe('ST_MADE_UP');
  });

  it('docs/errors.md is generated from the catalogue', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    expect(doc).toBe(renderErrorCodesMarkdown());
  });
});
