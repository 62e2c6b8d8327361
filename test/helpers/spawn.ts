import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { timeFactor } from '../setup/time-factor.js';
import { freePort } from './prometheus.js';

/** The built CLI (`npm test` builds before vitest runs). */
export const CLI = fileURLToPath(new URL('../../dist/bin/sidetone.js', import.meta.url));

/** Start `sidetone <args>` and wait until it serves `readyPath` (any HTTP answer counts). */
export async function startCli(
  args: string[],
  url: string,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; output: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  child.stderr?.on('data', (d) => {
    out += String(d);
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const end = Date.now() + 20_000 * timeFactor();
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`sidetone ${args.join(' ')} exited ${child.exitCode}:\n${out}`);
    try {
      await fetch(`${url}/healthz`);
      break;
    } catch {
      if (Date.now() > end) {
        child.kill('SIGKILL'); // not left running behind a test that gave up on it
        throw new Error(`sidetone did not start:\n${out}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { child, output: () => out, exited };
}

/** Wait until a spawned `sidetone serve` answers 200 on /readyz; throws with its output if it exits first. */
export async function untilReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`sidetone serve exited ${child.exitCode}: ${output()}`);
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `sidetone serve` on a free port and the store file `db`, started (its /healthz answers). */
export async function serveOn(db: string, env: Record<string, string>) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  return { url, ...(await startCli(['serve', '--port', String(port), '--db', db], url, env)) };
}
