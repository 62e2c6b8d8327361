import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { timeFactor } from '../setup/time-factor.js';
import { freePort } from './prometheus.js';

/** The built CLI (`npm test` builds before vitest runs). */
export const CLI = fileURLToPath(new URL('../../dist/bin/sidetone.js', import.meta.url));

/** A running `sidetone` process: its output so far (stdout and stderr; each alone), its exit. */
export interface Cli {
  child: ChildProcess;
  output: () => string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** How spawnNode starts its process. */
export interface NodeOptions {
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** The whole environment instead (nothing inherited). */
  exactEnv?: Record<string, string | undefined>;
  cwd?: string;
  /** Run through this command instead of node: `[command, ...prefix]` then node's path and args. */
  wrap?: readonly string[];
  /** On a terminal: through util-linux `script` (a pty; stdin a pipe, as a shell gives one). */
  tty?: boolean;
}

/**
 * Spawn `node <args>` (a script, `-e`, flags before it) and collect what it prints: the one way a
 * test starts a Node process of its own (issue 48). Waits for nothing.
 */
export function spawnNode(args: readonly string[], options: NodeOptions = {}): Cli {
  // The suite's own deadline factor is not the child's: `sidetone` refuses an unknown SIDETONE_*
  // variable (its config maps each to a key), so an inherited one stopped every CLI it started.
  const { SIDETONE_TEST_TIME_FACTOR: _, ...inherited } = process.env;
  const env = options.exactEnv ?? { ...inherited, ...options.env };
  const node = [process.execPath, ...args];
  const [command, ...argv] = options.tty
    ? ['/usr/bin/script', '-qfec', node.map((a) => `'${a}'`).join(' '), '/dev/null']
    : [...(options.wrap ?? []), ...node];
  const child = spawn(command as string, argv, {
    env,
    cwd: options.cwd,
    stdio: [options.tty ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    out += String(d);
    stdout += String(d);
  });
  child.stderr?.on('data', (d) => {
    out += String(d);
    stderr += String(d);
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, stdout: () => stdout, stderr: () => stderr, exited };
}

/**
 * Spawn `sidetone <args>` (the built CLI, NO_COLOR) and collect what it prints: the one way a test
 * starts the CLI as a process (issue 48). Waits for nothing; see startCli and startListening.
 */
export function spawnCli(
  args: readonly string[],
  env: Record<string, string> = {},
  options: Omit<NodeOptions, 'env'> = {},
): Cli {
  return spawnNode([CLI, ...args], { ...options, env: { NO_COLOR: '1', ...env } });
}

/**
 * Run `sidetone <args>` to its end (SIGKILL after `timeoutMs`, scaled): its exit code and output.
 * The child's 'close' is awaited, so every byte it printed is in.
 */
export async function runCli(
  args: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = spawnCli(args, env);
  const closed = new Promise<void>((r) => cli.child.once('close', () => r()));
  const guard = setTimeout(() => cli.child.kill('SIGKILL'), timeoutMs * timeFactor());
  await closed;
  clearTimeout(guard);
  return { code: cli.child.exitCode, stdout: cli.stdout(), stderr: cli.stderr() };
}

/**
 * Write an executable at `path` that runs the built CLI with its arguments: `sidetone` where a
 * tool under test runs it by path (the tests have no global install).
 */
export function cliWrapper(path: string): string {
  writeFileSync(path, `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

/**
 * Start `sidetone <args>` and wait until it prints its start line with the port of `url` (printed
 * once it listens). Not until something answers at `url`: the port came from `freePort`, and a
 * concurrent test can be handed the same one before this child binds it; the child then exits
 * ("port … is in use") while the other's sidecar answers there. One failure of
 * test/push/fleet.e2e.test.ts fits this (one full run in four): the sidecar it asked for /metrics
 * had started 2.094 s before the one whose pushed process_start_time_seconds it compared (a
 * sidecar starts its pusher before it listens). Where a test can, `startListening` with
 * `--port 0` avoids the race altogether.
 */
export async function startCli(args: string[], url: string, env: Record<string, string> = {}): Promise<Cli> {
  const cli = spawnCli(args, env);
  const { child, output } = cli;
  const started = new RegExp(` on https?://\\S*:${new URL(url).port}[,/\\s]`);
  const end = Date.now() + 20_000 * timeFactor();
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`sidetone ${args.join(' ')} exited ${child.exitCode}:\n${output()}`);
    if (started.test(output())) return cli;
    if (Date.now() > end) {
      child.kill('SIGKILL'); // not left running behind a test that gave up on it
      throw new Error(`sidetone did not start on ${url}:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The address a `--port 0` server prints in its start line (`… on http://127.0.0.1:<port>`). */
export const listeningUrl = (out: string) => / on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];

/**
 * Start `sidetone <args>` on `--port 0` and wait until `listening` finds where it listens in its
 * output (default: the start line's URL). Throws with the output if it exits first or says
 * nothing within `timeoutMs` (scaled by SIDETONE_TEST_TIME_FACTOR).
 */
export async function startListening<T = string>(
  args: readonly string[],
  env: Record<string, string> = {},
  listening: (output: string) => T | undefined = listeningUrl as (output: string) => T | undefined,
  timeoutMs = 20_000,
): Promise<Cli & { url: T }> {
  const cli = spawnCli(args, env);
  const end = Date.now() + timeoutMs * timeFactor();
  for (;;) {
    const url = listening(cli.output());
    if (url !== undefined) return { ...cli, url };
    if (cli.child.exitCode !== null)
      throw new Error(`sidetone ${args.join(' ')} exited ${cli.child.exitCode} at start:\n${cli.output()}`);
    if (Date.now() > end) {
      cli.child.kill('SIGKILL'); // not left running behind a test that gave up on it
      throw new Error(`sidetone ${args.join(' ')} named no address:\n${cli.output()}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** What `sidetone demo` prints once its backfill is written and its live traffic runs (issue 50). */
export const BACKFILLED = /^backfilled \d+ h of simulated history in /m;

/**
 * Wait until a `sidetone demo --backfill` has written its history: it serves at once and backfills
 * in the background, so its banner no longer means the history is there. Throws with its output
 * if it exits first or is not done within `timeoutMs` (scaled by SIDETONE_TEST_TIME_FACTOR).
 */
export async function untilBackfilled(
  cli: Pick<Cli, 'child' | 'output'>,
  timeoutMs = 120_000,
): Promise<void> {
  const end = Date.now() + timeoutMs * timeFactor();
  while (!BACKFILLED.test(cli.output())) {
    if (cli.child.exitCode !== null)
      throw new Error(`sidetone demo exited ${cli.child.exitCode} during its backfill:\n${cli.output()}`);
    if (Date.now() > end) throw new Error(`sidetone demo did not finish its backfill:\n${cli.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
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
