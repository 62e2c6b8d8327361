/**
 * The console's stored views (issue 37), in Debian's chromium:
 * - the modem's history: the demo's simulated modem under its modem-flap fault is sampled into the
 *   store; the page shows its trend and timeline as GET /metrics/modems has them, and shows the
 *   same after a reload and after the demo is stopped and a plain `serve` opens the same file
 *   (history from the store, not since the page or the process started);
 * - a voice call's page: the agent's turns beside the SIP outcome and the media, every figure
 *   equal to GET /metrics/calls/:id and to `sidetone call --json`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium.js';
import { freePort } from '../helpers/prometheus.js';
import { CLI, startCli } from '../helpers/spawn.js';

const run = promisify(execFile);
// SCREENSHOTS=docs/img writes the pictures for the docs.
const SHOTS = process.env.SCREENSHOTS;

type Server = Awaited<ReturnType<typeof startCli>>;
const stop = async (s: Server | undefined) => {
  s?.child.kill('SIGTERM');
  await s?.exited;
};

interface Entry {
  at: number;
  change: string;
  count?: number;
}
interface History {
  modems: Array<{ modem: string; samples: number; reconnects: number; timeline: Entry[] }>;
}

/** What the page shows of a modem's history: its reconnects and its newest changes. */
async function pageHistory(page: Page, modem: string) {
  const box = page.locator(`[data-modem-history="${modem}"]`);
  await box.locator('.timeline li').first().waitFor();
  return {
    reconnects: Number(await box.locator('[data-field="reconnects"]').getAttribute('data-value')),
    timeline: await box
      .locator('.timeline li[data-change]')
      .evaluateAll((els) =>
        els.map((el) => [(el as HTMLElement).dataset.change, Number((el as HTMLElement).dataset.at)]),
      ),
  };
}

/** The API's newest changes as the page lists them (newest first, at most 8). */
const newest = (h: History['modems'][number]) =>
  h.timeline
    .slice(-8)
    .reverse()
    .map((e) => [e.change, e.at]);

describe('console: stored history and the call page', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sidetone-history-'));
  const db = join(dir, 'calls.db');
  let browser: Browser;
  let server: Server | undefined;
  let url = '';

  const start = async (args: string[]) => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    server = await startCli([...args, '--port', String(port), '--db', db], url);
  };
  const history = async (): Promise<History> => (await fetch(`${url}/metrics/modems?hours=1`)).json();

  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stop(server);
    rmSync(dir, { recursive: true, force: true });
  });

  it("the modem's history comes from the store: the same after a reload and after a restart", async () => {
    // The fault starts 10 s after the demo goes live: the modem drops and comes back repeatedly.
    await start(['demo', '--scenario', 'modem-flap', '--seed', '7']);
    let h: History = { modems: [] };
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      h = await history();
      if ((h.modems[0]?.reconnects ?? 0) >= 2) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const m = h.modems[0]!;
    expect(m.modem).toBe('modem0');
    expect(m.reconnects, JSON.stringify(m.timeline)).toBeGreaterThanOrEqual(2);
    expect(m.timeline.map((e) => e.change)).toContain('reconnected');

    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${url}/dashboard?window=1h&refresh=60`);
    await page.waitForSelector('body[data-loaded]');
    // The demo keeps sampling: every change the page lists is one the API has, none invented.
    let shown = await pageHistory(page, 'modem0');
    let api = (await history()).modems[0]!;
    const stored = new Set(api.timeline.map((e) => `${e.change}@${e.at}`));
    for (const [change, at] of shown.timeline)
      expect(stored.has(`${change}@${at}`), `${change}@${at}`).toBe(true);
    expect(shown.reconnects).toBeLessThanOrEqual(api.reconnects);
    expect(shown.reconnects).toBeGreaterThanOrEqual(m.reconnects);
    if (SHOTS)
      await page.locator('#modem-panel').screenshot({ path: join(SHOTS, 'console-modem-history.png') });

    // Reload: the same past, not an empty chart that starts now.
    await page.reload();
    await page.waitForSelector('body[data-loaded]');
    shown = await pageHistory(page, 'modem0');
    expect(shown.reconnects).toBeGreaterThanOrEqual(m.reconnects);
    const before = await history();

    // Restart: the demo stops; `serve` on the same file has no modem, yet shows what was stored.
    await stop(server);
    await start(['serve']);
    await page.goto(`${url}/dashboard?window=1h&refresh=60`);
    await page.waitForSelector('body[data-loaded]');
    shown = await pageHistory(page, 'modem0');
    api = (await history()).modems[0]!;
    // What the demo had stored is all there (it stored its last look as it stopped, after `before`).
    const had = before.modems[0]!;
    expect(api.samples).toBeGreaterThanOrEqual(had.samples);
    expect(api.timeline.slice(0, had.timeline.length)).toEqual(had.timeline);
    // And nothing is sampled here (no modem on this server): past a poll the history is unchanged.
    await new Promise((r) => setTimeout(r, 6000));
    expect((await history()).modems[0]).toEqual(api);
    expect(shown.reconnects).toBe(api.reconnects);
    expect(shown.timeline).toEqual(newest(api));
    expect(await page.locator('#modem [data-modem]').count()).toBe(0); // no live modem now
    expect(errors).toEqual([]);

    // The CLI reads the same history.
    const { stdout } = await run(process.execPath, [CLI, 'modem', '--hours', '1', '--url', url, '--json']);
    expect(JSON.parse(stdout).modems[0].timeline).toEqual(api.timeline);
  }, 120_000);
});
