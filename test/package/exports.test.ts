import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    for (const name of ['Registry', 'EventBus', 'instrument', 'createApp', 'serve', 'detectPii']) {
      expect(mod, name).toHaveProperty(name);
    }
    // The sidecar, the store and the sinks live behind their subpaths only.
    for (const name of ['startSidecar', 'openSqliteCallStore', 'storeSink', 'traceSink', 'loadConfig']) {
      expect(mod, name).not.toHaveProperty(name);
    }
  });

  it('importing the root loads no native module, logger, OTel SDK, protobuf or config parser', () => {
    // A resolve hook in a fresh process records every module the import pulls in, ESM and CJS.
    const dir = mkdtempSync(join(tmpdir(), 'sidetone-root-'));
    const log = join(dir, 'loaded.txt');
    const hooks = `import { appendFileSync } from 'node:fs'; export async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(${JSON.stringify(log)}, r.url + '\\n'); return r; }`;
    const register = `import { register } from 'node:module'; register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}));`;
    const entry = new URL((pkg.exports['.'] as { default: string }).default, root).href;
    try {
      execFileSync(process.execPath, [
        '--import',
        `data:text/javascript,${encodeURIComponent(register)}`,
        '--input-type=module',
        '-e',
        `await import(${JSON.stringify(entry)})`,
      ]);
      const loaded = readFileSync(log, 'utf8').split('\n');
      expect(loaded.some((u) => u.includes('/dist/metrics/registry.js'))).toBe(true);
      for (const heavy of [
        'better-sqlite3',
        'pino',
        '@opentelemetry',
        'protobufjs',
        'smol-toml',
        'serialport',
        '/pg/',
      ]) {
        expect(
          loaded.filter((u) => u.includes(`node_modules/${heavy.replace(/^\//, '')}`)),
          heavy,
        ).toEqual([]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the bin is executable JS with a shebang', () => {
    const bin = readFileSync(new URL(pkg.bin.sidetone as string, root), 'utf8');
    expect(bin.startsWith('#!/usr/bin/env node')).toBe(true);
  });
});
