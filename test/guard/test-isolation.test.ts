// The unit project runs its files without per-file isolation (issue 48): a module mock there would
// apply only where nothing imported the module before, and stay for the files after. A unit file
// that mocks a module is listed in test/setup/isolated.ts, which runs it isolated.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ISOLATED } from '../setup/isolated.js';

const root = join(import.meta.dirname, '..', '..');
// Built from parts so this file does not match itself.
const MOCKS_A_MODULE = new RegExp(['\\bvi', '(?:mock|doMock|unmock|doUnmock)\\('].join('\\.'));

function unitFiles(): string[] {
  return (readdirSync(join(root, 'test'), { recursive: true }) as string[])
    .map((f) => `test/${f.split('\\').join('/')}`)
    .filter((f) => f.endsWith('.test.ts') && !f.endsWith('.e2e.test.ts') && !f.endsWith('.slow.test.ts'))
    .sort();
}

describe('unit files and isolation', () => {
  it('every unit file that mocks a module runs isolated, and every file listed as isolated exists and mocks one', () => {
    const files = unitFiles();
    const mocking = files.filter((f) => MOCKS_A_MODULE.test(readFileSync(join(root, f), 'utf8')));
    expect(mocking).toEqual([...ISOLATED].sort());
    expect(files.length).toBeGreaterThan(100);
  });
});
