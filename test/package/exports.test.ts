import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, string | { types: string; default: string }>;
  bin: Record<string, string>;
};
const root = new URL('../../', import.meta.url);

// Every subpath a user can import resolves through the exports map to built JS with types.
describe('package exports', () => {
  const entries = Object.entries(pkg.exports).filter(([, v]) => typeof v === 'object') as Array<
    [string, { types: string; default: string }]
  >;
  it.each(entries)('%s resolves, loads and has types', async (subpath, target) => {
    expect(existsSync(new URL(target.types, root))).toBe(true);
    const mod = (await import(new URL(target.default, root).href)) as Record<string, unknown>;
    expect(Object.keys(mod).length, subpath).toBeGreaterThan(0);
  });

  it('the root export is the curated short list', async () => {
    const mod = await import(
      new URL(
        pkg.exports['.'] instanceof Object ? (pkg.exports['.'] as { default: string }).default : '',
        root,
      ).href
    );
    for (const name of [
      'Registry',
      'EventBus',
      'instrument',
      'createApp',
      'serve',
      'startSidecar',
      'detectPii',
    ]) {
      expect(mod, name).toHaveProperty(name);
    }
  });

  it('the bin is executable JS with a shebang', () => {
    const bin = readFileSync(new URL(pkg.bin.sidetone as string, root), 'utf8');
    expect(bin.startsWith('#!/usr/bin/env node')).toBe(true);
  });
});
