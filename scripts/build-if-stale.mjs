// `npm start` and `npm test` build only when a source is newer than the build (issue 50): a rebuild
// is tsc and the bundle, about 130 s of the 256 s `npm start` took to its URL banner on a loaded
// 2-core machine, paid on every start before; CI's `npm ci` has just built (the prepare script), and
// `npm test` rebuilt it beside the type-check, 45 s of CPU for nothing (issue 48). The build's newest output is dist/bin/sidetone.js (the bundle, written
// last by `npm run build`); any file under src/ or assets/, a build script or a config newer than
// it, or a missing one, runs the build.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The checkout: this script's parent, or the folder given (test/cli/build-if-stale.e2e.test.ts).
const root = process.argv[2] ?? fileURLToPath(new URL('..', import.meta.url));
const built = join(root, 'dist/bin/sidetone.js');
const INPUTS = [
  'src',
  'assets',
  'scripts/bundle.mjs',
  'scripts/build-packages.mjs',
  'packages/metrics/package.json',
  'packages/telephony/package.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'package.json',
];

/** The newest modification time under `path` (a file or a folder), 0 when it is missing. */
function newest(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

const builtAt = newest(built);
const stale =
  builtAt === 0 ? ['dist/bin/sidetone.js (none yet)'] : INPUTS.filter((p) => newest(join(root, p)) > builtAt);
if (stale.length === 0) {
  process.stdout.write('build is up to date\n');
} else {
  process.stdout.write(`building: newer than the build: ${stale.join(', ')}\n`);
  const r = spawnSync('npm', ['run', 'build'], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  process.exit(r.status ?? 1);
}
