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
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/bin`;
// Chunk names carry a hash: an earlier build's would stay beside this one's.
rmSync(out, { recursive: true, force: true });
/** pino and what it requires (its package.json's dependencies), bundled in. */
const BUNDLED =
  /^(pino|pino-std-serializers|safe-stable-stringify|sonic-boom|on-exit-leak-free|@pinojs\/redact|quick-format-unescaped|atomic-sleep|process-warning|thread-stream|real-require|pino-abstract-transport)(\/|$)/;
const { output } = await build({
  input: { sidetone: `${root}dist/cli/main.js` },
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
    format: 'esm',
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
  modules[chunk.fileName] = chunk.moduleIds
    .filter((id) => id.startsWith(root))
    .map((id) => relative(root, id));
}
// The entry keeps main.ts's shebang; executable for a direct run from a checkout.
chmodSync(`${out}/sidetone.js`, 0o755);
writeFileSync(`${out}/modules.json`, `${JSON.stringify(modules, null, 1)}\n`);
