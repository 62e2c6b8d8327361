import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/prometheus.js';
import { startCli } from '../helpers/spawn.js';

const TOKEN = 'browser-scrape-token-0123456789';

// The web dashboard in Debian's chromium, against `sidetone demo` with a scrape token.
describe('web dashboard', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sidetone-browser-'));
  let demo: Awaited<ReturnType<typeof startCli>>;
  let browser: Browser;
  let url: string;

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    demo = await startCli(
      ['demo', '--port', String(port), '--db', join(dir, 'demo.db'), '--seed', '5', '--rate', '30'],
      url,
      { SIDETONE_AUTH_SCRAPE_TOKENS: TOKEN },
    );
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    // Let the simulator finish some calls.
    await new Promise((r) => setTimeout(r, 12_000));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    demo?.child.kill('SIGTERM');
    await demo?.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks for the token, then shows readiness, KPIs, the hourly chart and masked failures', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${url}/dashboard`);
    await page.locator('#login').waitFor({ state: 'visible' });
    expect(await page.locator('#error').textContent()).toMatch(/token/);
    await page.fill('#token', TOKEN);
    await page.click('#login button');
    await page.locator('[data-kpi="ASR"]').waitFor();
    await expect.poll(() => page.locator('#status').textContent()).toMatch(/Ready|Degraded/);
    const calls = Number((await page.locator('[data-kpi="calls"] .v').textContent())?.replace(/\D/g, ''));
    expect(calls).toBeGreaterThan(0);
    expect(await page.locator('[data-kpi="ASR"] .v').textContent()).toMatch(/^(\d+(\.\d)?%|—)$/);
    await page.locator('#chart canvas').first().waitFor();
    await expect.poll(() => page.locator('#failures tr').count()).toBeGreaterThan(0);
    const body = (await page.locator('body').textContent()) ?? '';
    expect(body).toMatch(/\+1555\*\*\*\d{4}/);
    expect(body).not.toMatch(/\+1555\d{7}/);
    expect(await page.locator('#trunks').textContent()).toContain('trunk-a');
    await page.screenshot({
      path: process.env.DASHBOARD_SCREENSHOT ?? join(dir, 'dashboard.png'),
      fullPage: true,
    });
    expect(errors).toEqual([]);
  });

  it('the data routes refuse a browser without the token', async () => {
    const page = await browser.newPage();
    const res = await page.request.get(`${url}/metrics/dashboard?hours=24`);
    expect(res.status()).toBe(401);
  });
});
