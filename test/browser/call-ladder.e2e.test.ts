// A failed HEP call opened in the console as an operator would: `sidetone serve --hep` (the built
// CLI), a 486 through a proxy captured with numbers in From/To, then its call page in Debian's
// chromium draws the ladder (~40 s: the flow waits out the call's default 32 s linger); `sidetone call <id>` prints the same ladder and its --json the API's.
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium.js';
import { freePort } from '../helpers/prometheus.js';
import { CLI, startCli } from '../helpers/spawn.js';
import { freeUdpPort, hep, sip } from '../sources/hep/helpers.js';

// SCREENSHOTS=docs/img npx vitest run test/browser writes the console's pictures for the docs.
const SHOTS = process.env.SCREENSHOTS;
const CALLER = '192.0.2.10';
const PROXY = '192.0.2.20';
const CALLEE = '192.0.2.30';
const NUMBER = '447700900123';

describe('a failed HEP call on the console and in the terminal: its SIP ladder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sidetone-ladder-'));
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('486 through a proxy: the API, the CLI and the page give the same 7 messages, no number', async () => {
    const port = await freePort();
    const hepPort = await freeUdpPort();
    const url = `http://127.0.0.1:${port}`;
    const { child, exited } = await startCli(
      ['serve', '--port', String(port), '--db', join(dir, 'c.db'), '--hep', `udp://127.0.0.1:${hepPort}`],
      url,
      { SIDETONE_STORE_HASH_KEY: 'k'.repeat(32) },
    );
    try {
      const sock = createSocket('udp4');
      // Stamped as captured now: the flow is emitted when the call is forgotten, one linger (32 s
      // of capture time, the default) after its end, so the ACKs after the 486 are in it.
      const t0 = Date.now();
      const callId = `ladder-${port}@pbx.example`;
      const m = (start: string, cseq: string, branch: string, to?: string, extra: string[] = []) =>
        sip(start, {
          callId,
          cseq,
          branch,
          from: `+${NUMBER}@a.example`,
          toUri: `+${NUMBER}@b.example`,
          ...(to !== undefined && { to }),
          extra,
        });
      const reason = ['Reason: Q.850;cause=17;text="user busy"'];
      const script: [string, number, string, string][] = [
        [m(`INVITE sip:+${NUMBER}@b.example SIP/2.0`, '1 INVITE', 'z9hG4bK-a'), 0, CALLER, PROXY],
        [m('SIP/2.0 100 Trying', '1 INVITE', 'z9hG4bK-a'), 2, PROXY, CALLER],
        [m(`INVITE sip:+${NUMBER}@b.example SIP/2.0`, '1 INVITE', 'z9hG4bK-b'), 3, PROXY, CALLEE],
        [m('SIP/2.0 486 Busy Here', '1 INVITE', 'z9hG4bK-b', 'cal', reason), 120, CALLEE, PROXY],
        [m(`ACK sip:+${NUMBER}@b.example SIP/2.0`, '1 ACK', 'z9hG4bK-b', 'cal'), 121, PROXY, CALLEE],
        [m('SIP/2.0 486 Busy Here', '1 INVITE', 'z9hG4bK-a', 'cal', reason), 122, PROXY, CALLER],
        [m(`ACK sip:+${NUMBER}@b.example SIP/2.0`, '1 ACK', 'z9hG4bK-a', 'cal'), 125, CALLER, PROXY],
      ];
      for (const [text, at, src, dst] of script)
        await new Promise<void>((r) =>
          sock.send(hep(text, { src, dst, ts: t0 + at }), hepPort, '127.0.0.1', () => r()),
        );
      sock.close();

      const api = `${url}/metrics/calls/${encodeURIComponent(callId)}`;
      let call:
        | { sip_flow: { at_ms: number; from: string; to: string; label: string; reason?: string }[] | null }
        | undefined;
      for (let i = 0; i < 500 && !call?.sip_flow; i++) {
        const r = await fetch(api);
        if (r.status === 200) call = ((await r.json()) as { call: typeof call }).call;
        if (!call?.sip_flow) await new Promise((r) => setTimeout(r, 100));
      }
      const flow = call?.sip_flow ?? [];
      expect(flow.map((s) => `${s.at_ms} ${s.from}>${s.to} ${s.label}`)).toEqual([
        '0 caller>proxy INVITE',
        '2 proxy>caller 100 Trying (INVITE)',
        '3 proxy>callee INVITE',
        '120 callee>proxy 486 Busy Here (INVITE)',
        '121 proxy>callee ACK',
        '122 proxy>caller 486 Busy Here (INVITE)',
        '125 caller>proxy ACK',
      ]);
      expect(flow[3]?.reason).toBe('Q.850 17 (busy)');
      // Numbers, URIs and addresses never reach the flow.
      for (const secret of ['447700900', 'example', '192.0.2'])
        expect(JSON.stringify(flow)).not.toContain(secret);

      // The terminal: a ladder with a column per party; --json is the API's record.
      const cli = (...args: string[]) =>
        spawnSync(process.execPath, [CLI, 'call', callId, '--url', url, ...args], {
          encoding: 'utf8',
          env: { ...process.env, NO_COLOR: '1' },
          timeout: 20_000,
        });
      const text = cli();
      expect(text.status).toBe(0);
      expect(text.stdout).toMatch(/^ +caller +proxy +callee$/m);
      expect(text.stdout).toMatch(/120 ms +\| +\|<-+ 486 Busy Here \(INVITE\) -+\| {2}Q\.850 17 \(busy\)/);
      expect(text.stdout).toMatch(/0 ms +\|-+ INVITE -+>\| +\|/);
      expect(text.stdout).not.toContain(NUMBER);
      const json = JSON.parse(cli('--json').stdout) as { call: { sip_flow: unknown } };
      expect(json.call.sip_flow).toEqual(flow);
      // A failed call has no media and no agent: null on the API, a `—` line each in the terminal.
      expect(json.call).toMatchObject({ media: null, turns: null });
      expect(text.stdout).toMatch(/^media +—$/m);
      expect(text.stdout).toMatch(/^turns +—$/m);

      // The console's call page draws it.
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${url}/dashboard#call=${encodeURIComponent(callId)}`);
      await page.waitForSelector('#call-ladder svg.ladder');
      expect(await page.locator('#call-ladder-panel').isHidden()).toBe(false);
      const arrows = await page.$$eval('#call-ladder g.ladder-msg', (els) =>
        els.map((e) => `${e.getAttribute('data-sip')}${e.classList.contains('bad') ? '!' : ''}`),
      );
      expect(arrows).toEqual(['INVITE', '100', 'INVITE', '486!', 'ACK', '486!', 'ACK']);
      const parties = await page.$$eval('#call-ladder .ladder-party', (els) => els.map((e) => e.textContent));
      expect(parties).toEqual(['caller', 'proxy', 'callee']);
      expect(await page.locator('#call-ladder').textContent()).not.toContain(NUMBER);
      // No stream reported: the media table's one row is the call's worst (none), no turns panel.
      expect(
        await page
          .locator('#call-media tr')
          .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-direction'))),
      ).toEqual(['worst reported']);
      expect(await page.locator('#call-turns-panel').isHidden()).toBe(true);
      expect(errors).toEqual([]);
      if (SHOTS)
        await page.locator('#call-page').screenshot({ path: join(SHOTS, 'console-call-ladder.png') });
      await page.close();
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 90_000);
});
