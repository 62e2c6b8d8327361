import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { inject } from 'vitest';
import { freePort } from './prometheus.js';
import { type Cli, startCli } from './spawn.js';

/** Debian's chromium, headless, with nothing reaching out (shared/reference/ecosystem.md). */
export const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
};

/**
 * A connection to the run's one Chromium (started by test/setup/e2e-global.ts). Each page a test
 * opens (`browser.newPage()`) has a context of its own, so files share the browser, not cookies or
 * storage; `browser.close()` drops this connection and its contexts, not the browser.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.connect(inject('chromiumWs'));
}

/** A console test file's `sidetone serve` and browser: {@link consoleLab}. */
export interface ConsoleLab {
  url: string;
  browser: Browser;
  /** Stops the server, drops the browser connection and removes the store. */
  close(): Promise<void>;
}

/**
 * `sidetone serve` on a new store in a temporary folder, with `env(folder)` (a price file can be
 * written there first), and a connection to the run's Chromium: for a console test's beforeAll,
 * with `close()` in its afterAll.
 * @example lab = await consoleLab('sidetone-voice-console-', () => ({ SIDETONE_LABELS_AGENTS: 'bot' }));
 */
export async function consoleLab(
  prefix: string,
  env: (dir: string) => Record<string, string> = () => ({}),
): Promise<ConsoleLab> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await startCli(
    ['serve', '--port', String(port), '--db', join(dir, 'calls.db')],
    url,
    env(dir),
  );
  const browser = await launchChromium();
  return {
    url,
    browser,
    async close() {
      await browser.close();
      server.child.kill('SIGTERM');
      await server.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A demo test file's afterEach: closes the pages the test opened and stops the demos it started,
 * so the next test does not share the machine with them. In dashboard.e2e every page refreshed
 * every 2 s and every demo ran its traffic to the file's end: the healthy test's demo and three
 * pages through the four fault demos and their pages, and all of them through the last two tests.
 * @example afterEach(() => endTest(browser, demos));
 */
export async function endTest(browser: Browser | undefined, demos: Cli[]): Promise<void> {
  for (const context of browser?.contexts() ?? []) await context.close();
  for (const d of demos.splice(0)) {
    if (d.child.exitCode === null) d.child.kill('SIGTERM');
    await d.exited;
  }
}

/**
 * A demo test file's afterAll: drops the browser connection, stops each `sidetone demo` it started
 * (SIGTERM, then waits for its exit) and removes their folder.
 * @example afterAll(() => closeDemos(browser, demos, dir));
 */
export async function closeDemos(
  browser: Browser | undefined,
  demos: readonly Cli[],
  dir: string,
): Promise<void> {
  await browser?.close();
  for (const d of demos) {
    if (d.child.exitCode === null) d.child.kill('SIGTERM');
    await d.exited;
  }
  rmSync(dir, { recursive: true, force: true });
}
