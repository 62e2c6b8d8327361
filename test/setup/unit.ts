import { createRequire, syncBuiltinESMExports } from 'node:module';

/**
 * The unit project starts no process: a file that needs one (a server, the CLI, promtool, a
 * browser) is an end-to-end file and is named `*.e2e.test.ts`. Every way to start one throws here,
 * in this worker only, with that fix in its message.
 */
const childProcess = createRequire(import.meta.url)('node:child_process') as Record<string, unknown>;
for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {
  childProcess[name] = () => {
    throw new Error(
      `unit tests start no process (child_process.${name}): rename the file to *.e2e.test.ts so it runs in the e2e project`,
    );
  };
}
syncBuiltinESMExports();
