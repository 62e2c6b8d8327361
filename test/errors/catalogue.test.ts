import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, renderErrorCodesMarkdown } from '../../src/error-codes.js';
import {
  CliError,
  ConfigError,
  DefinitionError,
  InternalError,
  LabelPolicyError,
  RequestError,
  StoreError,
  UsageError,
  ValidationError,
} from '../../src/errors.js';
import { toErrorResponse } from '../../src/http/respond.js';

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

  it('one class per kind: each class carries its kind, and toErrorResponse answers with the catalogue status', async () => {
    const cases = [
      [new DefinitionError('ST_INVALID_OPTION', 'x'), 'definition', 500],
      [new LabelPolicyError('ST_SERIES_CAP', 'x'), 'label_policy', 500],
      [new ValidationError('ST_INVALID_EVENT', 'x'), 'validation', 400],
      [new ConfigError('ST_CONFIG_INVALID', 'x'), 'config', 500],
      [new StoreError('ST_STORE_CLOSED', 'x'), 'store', 503],
      [new StoreError('ST_STORE_FULL', 'x'), 'store', 507],
      [new RequestError('ST_BODY_TOO_LARGE', 'x'), 'request', 413],
      [new CliError('x'), 'cli', 500],
      [new UsageError('x'), 'cli', 400],
      [new InternalError('x'), 'internal', 500],
    ] as const;
    for (const [err, kind, status] of cases) {
      expect(ERROR_CODES[err.code].kind).toBe(kind);
      const res = toErrorResponse(err);
      expect(res.status).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(err.code);
    }
    expect(new UsageError('x')).toBeInstanceOf(CliError);
    // Input errors say what was wrong; anything else keeps its code but not its text (it may quote
    // data or a driver's internals), and an error from outside is ST_INTERNAL, or the fallback.
    const body = async (res: Response) =>
      ((await res.json()) as { error: { code: string; message: string } }).error;
    expect(await body(toErrorResponse(new ValidationError('ST_INVALID_EVENT', 'ts: not a number')))).toEqual({
      code: 'ST_INVALID_EVENT',
      message: 'ts: not a number',
    });
    expect(
      (await body(toErrorResponse(new StoreError('ST_STORE_FULL', 'SQLITE_FULL at /data/calls.db')))).message,
    ).toBe('The disk under the store is full. See the server log.');
    expect(await body(toErrorResponse(new Error('plain')))).toEqual({
      code: 'ST_INTERNAL',
      message: 'internal error: see the server log',
    });
    expect(toErrorResponse({ code: 'EACCES' }, { fallback: 'ST_RENDER_FAILED' }).status).toBe(500);
    expect(
      toErrorResponse(new RequestError('ST_BODY_TOO_LARGE', 'x'), {
        headers: { connection: 'close' },
      }).headers.get('connection'),
    ).toBe('close');
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

  it('every error thrown in src/ is of the one hierarchy: no `throw new Error` and no class extending Error outside src/errors.ts', () => {
    // The console's page script runs in the browser, not in sidetone: its `throw` is the browser's.
    const browserCode = /dashboard-page\.ts$|\/console\//;
    const found: string[] = [];
    for (const file of sources(src)) {
      if (file.endsWith('/errors.ts') && !file.includes('/cli/')) continue;
      if (browserCode.test(file)) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/throw new (Error|TypeError|RangeError)\b|extends (Error|TypeError|RangeError)\b/.test(line))
            found.push(`${file.slice(src.length)}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });
});
