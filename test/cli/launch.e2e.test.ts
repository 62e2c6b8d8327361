import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/spawn.js';

/**
 * The `sidetone` command's loader (src/cli/launch.ts): the CLI bundle's chunks compiled with V8's
 * code cache, kept beside them in dist/bin/compile-cache/<node version>-<arch>/ (issue 51).
 */
const BIN = dirname(CLI);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The build's start ran with no flag; the runs below with `--import` (see `install`). */
const KEY = `${process.version}-${process.arch}`;
const FLAGGED_KEY = `${KEY}-${spawnSync(process.execPath, ['--import', 'data:text/javascript,', '-p', "require('node:v8').cachedDataVersionTag()"], { encoding: 'utf8' }).stdout.trim()}`;
const dir = mkdtempSync(join(tmpdir(), 'sidetone-launch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A copy of the built command with no cache yet: dist/bin, package.json, node_modules linked.
 * `cache`: where its runs below keep their entries (they run with a flag, `--import`, so in the
 * directory of their V8 flags' tag).
 */
function install(name: string): { cli: string; cache: string } {
  const root = join(dir, name);
  mkdirSync(join(root, 'dist'), { recursive: true });
  cpSync(BIN, join(root, 'dist/bin'), { recursive: true, filter: (src) => !src.includes('compile-cache') });
  cpSync(join(ROOT, 'package.json'), join(root, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  return {
    cli: join(root, 'dist/bin/sidetone.js'),
    cache: join(root, 'dist/bin/compile-cache', FLAGGED_KEY),
  };
}

/**
 * `node <cli> rules` (a verb that loads chunks beside main.js), with the loader's diagnostics
 * channel recorded: each chunk it loaded and whether its code came from the cache.
 */
function rules(cli: string, flags: readonly string[] = []) {
  const log = join(dir, `loads-${Math.random().toString(36).slice(2)}.ndjson`);
  const preload = [
    "import { subscribe } from 'node:diagnostics_channel';",
    "import { appendFileSync } from 'node:fs';",
    `subscribe('sidetone:load', (m) => { if ('cached' in m) appendFileSync(${JSON.stringify(log)}, JSON.stringify(m) + '\\n'); });`,
  ].join('\n');
  const r = spawnSync(
    process.execPath,
    [...flags, '--import', `data:text/javascript,${encodeURIComponent(preload)}`, cli, 'rules'],
    {
      encoding: 'utf8',
      env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SIDETONE_'))),
    },
  );
  const chunks = existsSync(log)
    ? readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { file: string; cached: boolean })
    : [];
  const main = chunks.find((c) => c.file.endsWith('/dist/bin/main.js'));
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, chunks, main };
}

/** What `sidetone rules` prints, from the build as it is. */
const RULES = spawnSync(process.execPath, [CLI, 'rules'], { encoding: 'utf8' }).stdout;

describe('sidetone loads its bundle with the code cache (src/cli/launch.ts)', () => {
  it('the build filled the cache of what a sidecar start runs', () => {
    const modules = JSON.parse(readFileSync(join(BIN, 'modules.json'), 'utf8')) as Record<string, string[]>;
    const sidecar = Object.keys(modules).find((chunk) => modules[chunk]?.includes('dist/server/sidecar.js'));
    expect(sidecar).toBeDefined();
    for (const chunk of ['main.js', sidecar as string])
      expect(existsSync(join(BIN, 'compile-cache', KEY, `${chunk}.cache`)), chunk).toBe(true);
  });

  it('every chunk is Latin-1 text, which V8 keeps one byte a character (scripts/bundle.mjs)', () => {
    // One character past it made the sidecar's whole 367 KB chunk two bytes a character in the
    // heap. What the escapes say is checked where the CLI prints them (db.e2e.test.ts: "—", "█").
    const chunks = readdirSync(BIN).filter((f) => f.endsWith('.js'));
    expect(chunks.length).toBeGreaterThan(10);
    for (const chunk of chunks) {
      const wide = /[^\0-\xff]/.exec(readFileSync(join(BIN, chunk), 'utf8'));
      expect(wide?.[0], chunk).toBeUndefined();
    }
  });

  it('a start without one writes it at exit, and the next start takes it; the output is the same', () => {
    const { cli, cache } = install('fresh');
    const first = rules(cli);
    expect(first).toMatchObject({ status: 0, stdout: RULES, stderr: '' });
    expect(first.main?.cached).toBe(false);
    expect(first.chunks.length).toBeGreaterThan(1);
    for (const c of first.chunks)
      expect(existsSync(join(cache, `${c.file.split('/').pop()}.cache`)), c.file).toBe(true);

    const second = rules(cli);
    expect(second).toMatchObject({ status: 0, stdout: RULES, stderr: '' });
    expect(second.chunks.map((c) => [c.file, c.cached])).toEqual(first.chunks.map((c) => [c.file, true]));
  });

  it('a cache older than its chunk (rebuilt in place) is not taken, and is written again', () => {
    const { cli, cache } = install('rebuilt');
    rules(cli);
    const main = statSync(join(dirname(cli), 'main.js')).mtimeMs;
    const before = new Date(main - 60_000);
    utimesSync(join(cache, 'main.js.cache'), before, before);
    const stale = rules(cli);
    expect(stale).toMatchObject({ status: 0, stdout: RULES, stderr: '' });
    expect(stale.main?.cached).toBe(false);
    expect(statSync(join(cache, 'main.js.cache')).mtimeMs).toBeGreaterThanOrEqual(main);
    expect(rules(cli).main?.cached).toBe(true);
  });

  it('a cache V8 refuses (another Node.js, damaged) is not taken, and is written again', () => {
    const { cli, cache } = install('refused');
    rules(cli);
    writeFileSync(join(cache, 'main.js.cache'), Buffer.alloc(4096, 7));
    const refused = rules(cli);
    expect(refused).toMatchObject({ status: 0, stdout: RULES, stderr: '' });
    expect(refused.main?.cached).toBe(false);
    expect(rules(cli).main?.cached).toBe(true);
  });

  it('a start with other V8 flags keeps entries of its own, and leaves the others taken', () => {
    const { cli } = install('flags');
    rules(cli);
    const other = rules(cli, ['--max-old-space-size=200']);
    expect(other).toMatchObject({ status: 0, stdout: RULES, stderr: '' });
    expect(other.main?.cached).toBe(false);
    expect(rules(cli).main?.cached).toBe(true);
    expect(rules(cli, ['--max-old-space-size=200']).main?.cached).toBe(true);
  });

  it('where the cache cannot be written, the command runs without one and says nothing', () => {
    const { cli, cache } = install('read-only');
    // Its directory is a file: nothing can be written there (as for a read-only install).
    mkdirSync(dirname(cache), { recursive: true });
    writeFileSync(cache, '');
    for (let i = 0; i < 2; i++) {
      const r = rules(cli);
      expect(r).toMatchObject({ status: 0, stdout: RULES, stderr: '' });
      expect(r.main?.cached).toBe(false);
    }
  });
});
