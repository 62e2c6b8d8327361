// `sidetone serve --hep udp://...` as an operator runs it: the built CLI, a HEP datagram in,
// the call on /metrics out; a bad --hep URL is a CLI error naming the fix.
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../helpers/prometheus.js';
import { CLI, startCli } from '../../helpers/spawn.js';
import { until } from '../../helpers/until.js';
import { freeUdpPort, hep, sip } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-hep-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sidetone serve --hep', () => {
  it('counts a captured call on /metrics', async () => {
    const port = await freePort();
    const hepPort = await freeUdpPort();
    const url = `http://127.0.0.1:${port}`;
    const { child, exited } = await startCli(
      ['serve', '--port', String(port), '--db', join(dir, 'a.db'), '--hep', `udp://127.0.0.1:${hepPort}`],
      url,
      { SIDETONE_STORE_HASH_KEY: 'k'.repeat(32) }, // --hep alone switches the calls and sip packs on
    );
    try {
      const sock = createSocket('udp4');
      const send = (b: Buffer) => new Promise<void>((r) => sock.send(b, hepPort, '127.0.0.1', () => r()));
      await send(hep(sip('INVITE sip:b SIP/2.0', { callId: 'cli-1', cseq: '1 INVITE' })));
      await send(hep(sip('SIP/2.0 486 Busy Here', { callId: 'cli-1', cseq: '1 INVITE', to: 'x' })));
      await send(Buffer.from('not hep at all'));
      sock.close();
      let text = '';
      // On timeout the expects below show the last exposition.
      await until(
        async () => {
          text = await (await fetch(`${url}/metrics`)).text();
          return /outcome="busy"[^\n]*\} 1/.test(text) && /result="malformed_hep"\} 1/.test(text);
        },
        'the busy call and the malformed packet counted',
        { timeoutMs: 5000, everyMs: 100 },
      ).catch(() => {});
      expect(text).toMatch(/sidetone_call_attempts_total\{[^}]*\} 1/);
      expect(text).toMatch(/sidetone_call_outcomes_total\{[^}]*outcome="busy"[^}]*\} 1/);
      expect(text).toMatch(/sidetone_hep_packets_total\{result="malformed_hep"\} 1/);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 30_000);

  it('refuses a bad --hep URL with the expected form', () => {
    const r = spawnSync(
      process.execPath,
      [CLI, 'serve', '--port', '0', '--db', join(dir, 'b.db'), '--hep', 'http://x'],
      {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
        timeout: 20_000,
      },
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('udp://HOST:PORT');
  });
});
