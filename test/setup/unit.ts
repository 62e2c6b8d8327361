import { createRequire, syncBuiltinESMExports } from 'node:module';
import { afterAll, vi } from 'vitest';

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

/**
 * The globals every unit file starts from: Node's own timers, Date and performance. Run without
 * per-file isolation (issue 48: the unit project's import time, 171 s of 358 s isolated), a file
 * shares its worker with the files after it, so what it leaves replaced they inherit: a spy taken
 * on a faked setTimeout and undone after vi.useRealTimers (vitest undoes spies after each file)
 * puts back the fake clock's setTimeout, whose timers never fire once that clock is uninstalled,
 * and a later file's real 500 ms wait became a 30 s timeout. Kept from the worker's first file,
 * which nothing ran before.
 */
const globals = globalThis as unknown as Record<string | symbol, unknown>;
const NATIVE = Symbol.for('sidetone.test.native-globals');
const CLOCK = [
  'setTimeout',
  'clearTimeout',
  'setInterval',
  'clearInterval',
  'setImmediate',
  'clearImmediate',
  'Date',
  'performance',
] as const;
globals[NATIVE] ??= Object.fromEntries(CLOCK.map((name) => [name, globals[name]]));
const native = globals[NATIVE] as Record<(typeof CLOCK)[number], unknown>;

// The setup file's afterAll runs after the test file's own (after hooks run in reverse), so what
// is checked is what the file leaves. The spies are undone here first, as vitest would after it.
afterAll(() => {
  vi.restoreAllMocks();
  const left = CLOCK.filter((name) => globals[name] !== native[name]);
  vi.useRealTimers();
  for (const name of left) globals[name] = native[name];
  if (left.length > 0) {
    throw new Error(
      `this file left ${left.join(', ')} replaced (a fake clock, or a spy undone after vi.useRealTimers): ` +
        'the files after it in this worker would inherit them; restore spies before vi.useRealTimers()',
    );
  }
});
