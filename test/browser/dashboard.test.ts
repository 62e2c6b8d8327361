import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium.js';
import { freePort } from '../helpers/prometheus.js';
import { startCli } from '../helpers/spawn.js';

const TOKEN = 'browser-scrape-token-0123456789';
// SCREENSHOTS=docs/img npx vitest run test/browser writes the console's pictures for the docs.
const SHOTS = process.env.SCREENSHOTS;

/**
 * The 3 a.m. console in Debian's chromium: a healthy demo with 12 hours of history, and a demo
 * whose first trunk fails (`--scenario trunk-outage`), both behind a scrape token, refreshing
 * every 2 s (`?refresh=2`).
 */
describe('web console', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sidetone-browser-'));
  const demos: Array<Awaited<ReturnType<typeof startCli>>> = [];
  let browser: Browser;

  async function demo(args: string[]): Promise<string> {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const d = await startCli(
      ['demo', '--port', String(port), '--db', join(dir, `${port}.db`), ...args],
      url,
      {
        SIDETONE_AUTH_SCRAPE_TOKENS: TOKEN,
      },
    );
    demos.push(d);
    // The server answers while a backfill is still writing history; the banner follows it.
    const end = Date.now() + 60_000;
    while (!d.output().includes('npx sidetone trunks') && Date.now() < end)
      await new Promise((r) => setTimeout(r, 100));
    return url;
  }

  async function open(url: string): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${url}/dashboard?refresh=2`);
    await page.locator('#login').waitFor({ state: 'visible' });
    expect(await page.locator('#error').textContent()).toMatch(/token/);
    await page.fill('#token', TOKEN);
    await page.click('#login button');
    await page.locator('#trunks tr[data-trunk]').first().waitFor();
    return { page, errors };
  }

  beforeAll(async () => {
    browser = await launchChromium();
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    for (const d of demos) {
      if (d.child.exitCode === null) d.child.kill('SIGTERM');
      await d.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('healthy: readiness and checks, modem, SMS, trunks with trends, failures grouped, MOS; the range drives every panel', async () => {
    const url = await demo(['--seed', '5', '--rate', '2', '--backfill', '12h']);
    const { page, errors } = await open(url);
    await expect.poll(() => page.locator('#status').textContent()).toMatch(/Ready|Not ready/);
    expect(await page.locator('#checks li[data-critical="true"]').count()).toBeGreaterThan(0);
    expect(await page.locator('#tz').textContent()).toBe('all times UTC');
    await expect.poll(() => page.locator('[data-modem="signal"]').textContent()).toMatch(/^-\d+(\.\d)? dBm$/);
    expect(await page.locator('[data-modem="registered"]').textContent()).toMatch(/registered/);
    expect(
      Number((await page.locator('[data-sms="sent"]').textContent())?.replace(/\D/g, '')),
    ).toBeGreaterThan(0);
    await expect.poll(() => page.locator('#trunks tr[data-trunk]').count()).toBe(2);
    expect(await page.locator('#trunks tr[data-trunk="trunk-a"] svg.spark').count()).toBe(1);
    await expect.poll(() => page.locator('#groups tr[data-reason]').count()).toBeGreaterThan(2);
    expect(await page.locator('#mos').textContent()).toMatch(/below 3\.6: .*% of .* reports/);
    expect(await page.locator('#partial').textContent()).toMatch(/still filling/);
    await page.locator('#chart canvas').first().waitFor();
    // The range selector narrows every panel: fewer calls in 1 h than in 24 h.
    const calls = async () =>
      Number(
        (await page.locator('#trunks tr[data-trunk="trunk-a"] td.n').first().textContent())?.replace(
          /\D/g,
          '',
        ),
      );
    const day = await calls();
    await page.click('#range button[data-range="1h"]');
    await expect.poll(calls, { timeout: 15_000 }).toBeLessThan(day);
    expect(await page.locator('#range button.on').getAttribute('data-range')).toBe('1h');
    await page.click('#range button[data-range="24h"]');
    await expect.poll(calls, { timeout: 15_000 }).toBeGreaterThanOrEqual(day); // live traffic adds calls
    const body = (await page.locator('body').textContent()) ?? '';
    expect(body).not.toMatch(/\+1555\d{7}/);
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'console-healthy.png') });
    expect(errors).toEqual([]);
  }, 90_000);

  it('trunk outage: the failing trunk turns red with its ASR, failures grouped by reason; a dead server turns the page red within two refreshes', async () => {
    const url = await demo(['--seed', '7', '--rate', '20', '--scenario', 'trunk-outage']);
    const { page, errors } = await open(url);
    await page.click('#range button[data-range="1h"]');
    // The fault starts 10 s in: trunk-a's calls end in 503.
    const asr = page.locator('#trunks tr[data-trunk="trunk-a"] td.asr');
    await expect.poll(() => asr.getAttribute('class'), { timeout: 45_000 }).toContain('bad');
    expect(await asr.textContent()).toMatch(/^\d+(\.\d)?%$/);
    // Enough of the outage for the picture to say it: twenty of trunk-a's calls ended in 503.
    const group = page.locator('#groups tr[data-reason="network_error"][data-trunk="trunk-a"] td.n');
    const failed = async () =>
      (await group.count()) === 0 ? 0 : Number((await group.textContent())?.replace(/\D/g, ''));
    await expect.poll(failed, { timeout: 45_000 }).toBeGreaterThanOrEqual(20);
    expect(await asr.getAttribute('class')).toContain('bad');
    expect(await page.locator('[data-sms="delivery rate"]').textContent()).toMatch(/^(—|\d+(\.\d)?%)$/);
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'console-trunk-outage.png') });
    const stale = () => page.evaluate(() => document.body.classList.contains('stale'));
    expect(await stale()).toBe(false);
    // Kill the server: within two refresh intervals (2 x 2 s) the page says so, in red.
    const victim = demos.at(-1);
    victim?.child.kill('SIGKILL');
    await victim?.exited;
    const killedAt = Date.now();
    await expect.poll(stale, { timeout: 8_000, interval: 200 }).toBe(true);
    expect(Date.now() - killedAt).toBeLessThan(2 * 2000 + 2000);
    expect(await page.locator('#banner').textContent()).toBe('Server unreachable or stale');
    expect(await page.locator('#freshness').textContent()).toMatch(/^last update \d+ s ago$/);
    expect(errors).toEqual([]);
  }, 120_000);

  it('signal drop: the modem panel follows the signal from about -65 to -107 dBm, with its trend', async () => {
    const url = await demo(['--seed', '3', '--rate', '2', '--scenario', 'signal-drop']);
    const { page, errors } = await open(url);
    const dbm = async () =>
      Number((await page.locator('[data-modem="signal"]').textContent())?.replace(/[^\d.-]/g, ''));
    await expect.poll(dbm, { timeout: 20_000 }).toBeGreaterThan(-80);
    // The fault starts 10 s in and the signal reaches -107 dBm 30 s later; reports come every 10 s.
    await expect.poll(dbm, { timeout: 60_000, interval: 1000 }).toBeLessThanOrEqual(-90);
    expect(await page.locator('[data-modem="signal"]').getAttribute('class')).toMatch(/warn|bad/);
    expect(await page.locator('#signal-trend path').getAttribute('d')).toMatch(/^M.* L/);
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'console-signal-drop.png') });
    expect(errors).toEqual([]);
  }, 120_000);

  it('the data routes refuse a browser without the token', async () => {
    const url = await demo(['--rate', '1']);
    const page = await browser.newPage();
    const res = await page.request.get(`${url}/metrics/trunks?hours=1`);
    expect(res.status()).toBe(401);
  });
});
