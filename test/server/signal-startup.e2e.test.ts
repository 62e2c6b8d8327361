/**
 * A SIGTERM that arrives while `sidetone demo` is still starting (its port open, two hours of history
 * still being written) stops it gracefully: exit 0 after "sidetone stopped", as systemd's stop during
 * start-up expects. Before, the graceful handler was installed only after the backfill, so the signal
 * took Node's default action (the process ended by SIGTERM, its store unflushed); the chaos suite's
 * SIGKILL scenario met it under load. Runs the built CLI (dist/), as a user does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../helpers/spawn.js';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-signal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a signal during start-up', () => {
  it('SIGTERM right after the port opens, during the demo backfill: a graceful stop, exit 0', async () => {
    const cli = spawnCli(['demo', '--port', '0', '--db', join(dir, 'demo.db'), '--backfill', '2h'], {
      SIDETONE_LOG_FORMAT: 'json',
    });
    const { child } = cli;
    let sent = false;
    let listeningBeforeReady = false;
    // spawnCli's own listener came first: output() already holds this chunk.
    child.stdout?.on('data', () => {
      const out = cli.output();
      if (!sent && out.includes('sidetone http listening')) {
        sent = true;
        // The sidecar's own "listening" line (after the backfill) has not come yet: still starting.
        listeningBeforeReady = !out.includes('"msg":"sidetone listening"');
        child.kill('SIGTERM');
      }
    });
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const out = cli.output();
    expect(sent, out).toBe(true);
    expect(listeningBeforeReady, out).toBe(true);
    expect(exit, out).toEqual({ code: 0, signal: null });
    expect(out).toContain('sidetone stopped');
  }, 120_000);
});
