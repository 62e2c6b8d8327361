/**
 * A SIGTERM that arrives while `sidetone demo` is still writing its history (its port open, two hours
 * being written in the background) stops it gracefully: exit 0 after "sidetone stopped", as systemd's stop during
 * start-up expects. Before, the graceful handler was installed only after the backfill, so the signal
 * took Node's default action (the process ended by SIGTERM, its store unflushed); the chaos suite's
 * SIGKILL scenario met it under load. Runs the built CLI (dist/), as a user does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKFILLED, spawnCli } from '../helpers/spawn.js';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-signal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a signal during start-up', () => {
  it('SIGTERM right after the port opens, during the demo backfill: a graceful stop, exit 0', async () => {
    const cli = spawnCli(['demo', '--port', '0', '--db', join(dir, 'demo.db'), '--backfill', '2h'], {
      SIDETONE_LOG_FORMAT: 'json',
    });
    const { child } = cli;
    let sent = false;
    let duringBackfill = false;
    // spawnCli's own listener came first: output() already holds this chunk.
    child.stdout?.on('data', () => {
      const out = cli.output();
      if (!sent && out.includes('"msg":"sidetone listening"')) {
        sent = true;
        // It serves at once and writes its history in the background (issue 50): not written yet.
        duringBackfill = !BACKFILLED.test(out);
        child.kill('SIGTERM');
      }
    });
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const out = cli.output();
    expect(sent, out).toBe(true);
    expect(duringBackfill, out).toBe(true);
    expect(exit, out).toEqual({ code: 0, signal: null });
    expect(out).toContain('sidetone stopped');
    // Stopped after a step (each flushed), before the end: no summary claims a history it lacks.
    expect(out).not.toMatch(BACKFILLED);
  }, 120_000);
});
