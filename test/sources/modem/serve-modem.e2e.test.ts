// `sidetone serve --modem PATH` as an operator runs it: the built CLI opens a simulated modem on a
// pseudo-terminal; the modem pack reports it connected and registered, readiness turns 200.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../helpers/prometheus.js';
import { startCli } from '../../helpers/spawn.js';
import { until } from '../../helpers/until.js';

const FAKE = fileURLToPath(new URL('./fake_modem.py', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sidetone-serve-modem-'));
let sim: ChildProcess | undefined;
afterAll(() => {
  sim?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('sidetone serve --modem', () => {
  it('connects, polls and turns ready', async () => {
    const link = join(dir, 'modem');
    const replies = {
      'AT+CSQ': ['+CSQ: 20,99'],
      'AT+CREG?': ['+CREG: 2,1,"00C3","A1B2C3",7'],
      'AT+CEREG?': ['+CEREG: 2,1'],
      'AT+COPS?': ['+COPS: 0,0,"Test Net",7'],
    };
    writeFileSync(join(dir, 'cfg.json'), JSON.stringify({ link, replies, duration: 25 }));
    sim = spawn('python3', [FAKE, join(dir, 'cfg.json')], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((r) => sim?.stdout?.once('data', () => r()));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const { child, exited } = await startCli(
      ['serve', '--port', String(port), '--db', join(dir, 'a.db'), '--modem', link],
      url,
      {
        SIDETONE_STORE_HASH_KEY: 'k'.repeat(32),
      },
    );
    try {
      let text = '';
      // On timeout the expects below show the last exposition.
      await until(
        async () =>
          /sidetone_modem_registered\{[^}]*\} 1/.test((text = await (await fetch(`${url}/metrics`)).text())),
        'the modem registered',
        { timeoutMs: 10_000, everyMs: 100 },
      ).catch(() => {});
      expect(text).toMatch(/sidetone_modem_connected\{[^}]*\} 1/);
      expect(text).toMatch(/sidetone_modem_registered\{[^}]*\} 1/);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 30_000);

  // RING and +CLCC are calls: `--modem` alone, as the Pi operator runs it, must count them.
  it('counts a ring and its call states with no pack flag', async () => {
    const link = join(dir, 'modem-ring');
    const clcc = '+CLCC: 1,1,4,0,0,"+447700900123",145';
    const replies = { 'AT+CSQ': ['+CSQ: 20,99'], 'AT+CREG?': ['+CREG: 2,1'], 'AT+CLCC': [clcc] };
    // A modem repeats RING every few seconds until the call is answered (whenever the source has
    // opened the port, it sees some), then the call turns active.
    const script = [
      ...[1, 2.5, 4, 5.5, 7, 8.5].map((at) => ({ at, send: 'RING' })),
      { at: 10, send: '+CLCC: 1,1,0,0,0,"+447700900123",145' },
    ];
    writeFileSync(join(dir, 'ring.json'), JSON.stringify({ link, replies, script, duration: 25 }));
    const ring = spawn('python3', [FAKE, join(dir, 'ring.json')], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((r) => ring.stdout?.once('data', () => r()));
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const { child, exited } = await startCli(
        ['serve', '--port', String(port), '--db', join(dir, 'ring.db'), '--modem', link],
        url,
        // Full mode, as `auto` picks it for a real modem, whose port no process holds: here the
        // emulator holds the pty's other end, which `auto` takes for an SMS daemon (shared mode,
        // where calls are the owner's and RING is not read).
        { SIDETONE_STORE_HASH_KEY: 'k'.repeat(32), SIDETONE_MODEM_MODE: 'full' },
      );
      try {
        const states = () =>
          fetch(`${url}/metrics`)
            .then((r) => r.text())
            .then((t) => [...t.matchAll(/^sidetone_call_gsm_state_changes_total\{([^}]*)\} (\d+)$/gm)]);
        let found: RegExpMatchArray[] = [];
        await until(
          async () => (found = (await states()).filter((m) => Number(m[2]) > 0)).length >= 2,
          'two call state changes',
          { timeoutMs: 20_000, everyMs: 100 },
        ).catch(() => {});
        // Incoming (stat 4) from the RING's AT+CLCC, then active (stat 0): two state changes.
        expect(found.map((m) => m[1])).toEqual(
          expect.arrayContaining([expect.stringContaining('incoming'), expect.stringContaining('active')]),
        );
        expect(await fetch(`${url}/metrics`).then((r) => r.text())).not.toContain('447700900123');
      } finally {
        child.kill('SIGTERM');
        await exited;
      }
    } finally {
      ring.kill('SIGKILL');
    }
  }, 30_000);
});
