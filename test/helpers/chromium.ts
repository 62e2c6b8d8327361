import { type Browser, chromium } from 'playwright-core';
import { inject } from 'vitest';

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
