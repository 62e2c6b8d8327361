import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/prometheus.js';
import { type Receiver, startReceiver } from '../helpers/receivers.js';
import { startCli } from '../helpers/spawn.js';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-serve-push-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CALLS = 40;

/** `sidetone serve --remote-write`, end to end: events in, the same counts in a real Prometheus. */
describe('sidetone serve --remote-write (real Prometheus receiver)', () => {
  it('pushes the registry: call counts equal /metrics, no number in any pushed label', async () => {
    const receiver: Receiver = await startReceiver('prometheus');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const proc = await startCli(
      ['serve', '--port', String(port), '--db', join(dir, 'calls.db'), '--remote-write', receiver.writeUrl],
      url,
      {
        SIDETONE_PACKS_CALLS: 'true',
        SIDETONE_PUSH_INTERVAL_SECONDS: '1',
        SIDETONE_STORE_HASH_KEY: 'serve-push-hash-key-0123456789',
      },
    );
    try {
      const events = [];
      for (let i = 0; i < CALLS; i++) {
        const callId = `push-${i}`;
        events.push(
          { type: 'call.started', callId, direction: 'outbound', channel: 'sip', to: '+15551234567' },
          { type: 'call.answered', callId },
          { type: 'call.ended', callId, reason: 'normal', statusCode: 200 },
        );
      }
      const res = await fetch(`${url}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson' },
        body: events.map((e) => JSON.stringify(e)).join('\n'),
      });
      expect(res.status).toBe(200);
      const local = await fetch(`${url}/metrics`).then((r) => r.text());
      const answered = [...local.matchAll(/^sidetone_call_answered_total\{[^}]*\} (\d+)$/gm)];
      expect(answered.length).toBeGreaterThan(1);
      expect(answered.reduce((n, m) => n + Number(m[1]), 0)).toBe(CALLS);

      // Wait for a push after the events: the receiver's latest sample reaches the local count.
      const base = receiver.writeUrl.replace('/api/v1/write', '');
      const query = async (q: string) => {
        const body = (await fetch(`${base}/api/v1/query?query=${encodeURIComponent(q)}`).then((r) =>
          r.json(),
        )) as { data: { result: Array<{ value: [number, string] }> } };
        return body.data.result.map((r) => Number(r.value[1]));
      };
      const deadline = Date.now() + 30_000;
      let pushed: number[] = [];
      while (Date.now() < deadline) {
        pushed = await query('sum(sidetone_call_answered_total)');
        if (pushed[0] === CALLS) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(pushed).toEqual([CALLS]);
      // Every series /metrics shows arrived, not only the one we waited for.
      expect(await query('count(sidetone_call_answered_total)')).toEqual([answered.length]);

      const series = await fetch(
        `${base}/api/v1/series?match[]=${encodeURIComponent('{__name__=~"sidetone_.+"}')}`,
      ).then((r) => r.text());
      expect(series).toContain('sidetone_call_answered_total');
      expect(series).not.toContain('5551234567');
      expect(proc.output()).toMatch(/remote.write/i);
    } finally {
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
      await receiver.close();
    }
  }, 90_000);
});
