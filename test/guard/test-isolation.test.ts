// The unit project runs its files without per-file isolation (issue 48): a module mock there would
// apply only where nothing imported the module before, and stay for the files after. A unit file
// that mocks a module is listed in test/setup/isolated.ts, which runs it isolated.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ISOLATED } from '../setup/isolated.js';
import { shuffled } from '../setup/sequencer.js';

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

describe('--sequence.shuffle', () => {
  it('orders the files by the seed: a permutation, the same for the same seed', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer(), { maxLength: 300 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        (files, seed) => {
          const order = shuffled(files, seed);
          expect([...order].sort((a, b) => a - b)).toEqual([...files].sort((a, b) => a - b));
          expect(shuffled(files, seed)).toEqual(order);
        },
      ),
    );
    const files = Array.from({ length: 200 }, (_, i) => i);
    expect(shuffled(files, 4811)).not.toEqual(files);
    expect(shuffled(files, 4811)).not.toEqual(shuffled(files, 4812));
  });
});
