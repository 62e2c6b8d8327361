/**
 * A sidecar whose stdout reader has gone (a `sidetone serve | grep` ended, a supervisor's pipe torn
 * down) must still stop on SIGTERM: logging into a closed pipe never blocks shutdown (issue 13).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startListening } from '../helpers/spawn.js';
import { tempDir } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.remove());

describe.each(['serve', 'demo'])('%s with a closed stdout', (verb) => {
  it('exits 0 within 2 s of SIGTERM', async () => {
    const { child, url, exited } = await startListening(
      [verb, '--port', '0', '--db', join(tmp.dir, `${verb}.db`)],
      {},
      (out) => /(http:\/\/[\d.]+:\d+)/.exec(out)?.[1],
    );
    try {
      // The reader goes away; later log lines (demo traffic, the SIGTERM line) meet EPIPE.
      child.stdout?.destroy();
      // A call's log lines (item 11) written into the closed pipe now, rather than a fixed 1 s for
      // some to come: its answer means they were written. A write that killed the process shows
      // below as an exit before SIGTERM or a code other than 0.
      const events = [
        { type: 'call.started', callId: 'closed-1', direction: 'inbound', channel: 'sip' },
        { type: 'call.ended', callId: 'closed-1', sipCode: 200, durationSeconds: 1 },
      ];
      const posted = await fetch(`${url}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(events),
      });
      expect(posted.status).toBe(200);
      // Still serving: a closed log pipe is not a reason to stop.
      expect(child.exitCode).toBeNull();
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const t0 = Date.now();
      child.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('hung'), 5000))]);
      expect(code).toBe(0);
      expect(Date.now() - t0).toBeLessThan(2000);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
