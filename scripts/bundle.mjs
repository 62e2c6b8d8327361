// The `sidetone` command as one bundle (issue 39, start-up on a Pi): Node resolves, reads and links
// each ES module on its own, and the sidecar's ~250 modules cost it more start-up than running them.
// tsc's output (dist/) stays the library; the CLI entry and what it imports from dist/ are bundled
// into dist/bin/, and every package in node_modules stays external (better-sqlite3 is native, pg
// and the OTel SDK load their own files) but pino: the logger every verb loads, bundled with the
// packages it requires (its transports, which load worker files by path, are not used: sidetone
// writes its lines synchronously, src/logs/destination.ts). Loaded from node_modules it was ~20
// CommonJS files resolved, read and wrapped one by one, 8-9 ms of the sidecar's start-up CPU in a
// profile; bundled, start-up took 164 against 174 ms of CPU (medians of 10 alternating starts,
// issue 39). Each lazy `import()` stays a chunk of its own,
// so a verb still loads only what it runs. Chunks sit at dist/bin/, the same depth as dist/<dir>/,
// so the paths the code builds from import.meta.url (assets, package.json, thread entries) hold in
// both layouts. dist/bin/modules.json maps each chunk to the dist modules in it, for the start-up
// test (test/server/startup-modules.e2e.test.ts) to name what a chunk holds.
//
// The chunks are CommonJS (dist/bin/package.json says so), loaded by the entry, dist/bin/sidetone.js
// (src/cli/launch.ts, with the figures), with V8's code cache (issue 51): a start of `sidetone serve`
// then compiles almost nothing. The cache is filled here by one start of the sidecar, for the
// Node.js that builds.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/bin`;
// Chunk names carry a hash: an earlier build's would stay beside this one's.
rmSync(out, { recursive: true, force: true });
/** pino and what it requires (its package.json's dependencies), bundled in. */
const BUNDLED =
  /^(pino|pino-std-serializers|safe-stable-stringify|sonic-boom|on-exit-leak-free|@pinojs\/redact|quick-format-unescaped|atomic-sleep|process-warning|thread-stream|real-require|pino-abstract-transport)(\/|$)/;
/**
 * Every character past Latin-1 written as a `\u` escape. V8 keeps a script's source in memory as
 * one byte a character only when every character fits in one: three in the sidecar's chunk (an en
 * dash in pino's message, a `≥` and a `…` in two of ours) made all 367 KB of it two bytes a
 * character, 734 KB of the idle sidecar's heap (a heap snapshot of `sidetone serve`). The bundle
 * has no comments, so each such character is in a string, template or regular expression literal,
 * where the escape means the same character.
 */
const latin1 = {
  name: 'latin1',
  renderChunk: (code) =>
    code.replace(/[^\0-\xff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
};
const { output } = await build({
  input: { main: `${root}dist/cli/main.js` },
  plugins: [latin1],
  platform: 'node',
  // A bare specifier is a package (node_modules) or a builtin: left to Node, as in dist/.
  external: (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0') && !BUNDLED.test(id),
  logLevel: 'warn',
  // src/http/node.ts imports pino lazily for a library user's server; in the bundle it is loaded
  // with the logger already, which rolldown warns of at every build.
  onLog: (level, log, handler) => {
    if (log.code !== 'INEFFECTIVE_DYNAMIC_IMPORT') handler(level, log);
  },
  output: {
    dir: out,
    format: 'cjs',
    // A package's `import()` as require() (each has a CommonJS build): the loader compiles chunks
    // as scripts, which Node 20 lets import nothing from a code cache (src/cli/launch.ts).
    dynamicImportInCjs: false,
    entryFileNames: '[name].js',
    chunkFileNames: '[name]-[hash].js',
    // No comments: the modules' source stays in memory (1-2 MiB less RSS); dist/ keeps them.
    comments: false,
    minify: false,
    sourcemap: false,
  },
});
const modules = {};
for (const chunk of output) {
  if (chunk.type !== 'chunk') continue;
  if (/\bimport\(/.test(chunk.code))
    throw new Error(`${chunk.fileName} keeps an import(): src/cli/launch.ts cannot run it`);
  modules[chunk.fileName] = chunk.moduleIds
    .filter((id) => id.startsWith(root))
    .map((id) => relative(root, id));
}
// The entry: the loader, on its own (it requires main.js by name, at run time).
const launch = await build({
  input: `${root}dist/cli/launch.js`,
  platform: 'node',
  external: (id) => id.startsWith('node:'),
  logLevel: 'warn',
  plugins: [latin1],
  output: { file: `${out}/sidetone.js`, format: 'cjs', comments: false, banner: '#!/usr/bin/env node' },
});
modules['sidetone.js'] = launch.output[0].moduleIds
  .filter((id) => id.startsWith(root))
  .map((id) => relative(root, id));
writeFileSync(`${out}/package.json`, `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
// Executable for a direct run from a checkout.
chmodSync(`${out}/sidetone.js`, 0o755);
writeFileSync(`${out}/modules.json`, `${JSON.stringify(modules, null, 1)}\n`);
await fillCompileCache();

/**
 * One start of the sidecar, to its first 200 on /readyz, then SIGTERM: on its way out it writes the
 * code cache of every chunk it ran (src/cli/launch.ts), in a throwaway directory of its own.
 */
async function fillCompileCache() {
  const dir = mkdtempSync(join(tmpdir(), 'sidetone-build-'));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SIDETONE_|OTEL_)/.test(k)));
  const child = spawn(
    process.execPath,
    [`${out}/sidetone.js`, 'serve', '--port', '0', '--db', join(dir, 'cache.db')],
    {
      cwd: dir,
      env: { ...env, SIDETONE_STORE_HASH_KEY: 'build-only-key-0123456789abcdef', SIDETONE_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let printed = '';
  child.stdout.on('data', (b) => {
    printed += b;
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    for (const deadline = Date.now() + 60_000; ; ) {
      const url = /serving on (http:\/\/\S+?),/.exec(printed)?.[1];
      if (
        url !== undefined &&
        (await fetch(`${url}/readyz`)
          .then((r) => r.status)
          .catch(() => 0)) === 200
      )
        break;
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`sidetone serve did not get ready to fill the compile cache:\n${printed}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}
