import { type Browser, chromium } from 'playwright-core';

/** Debian's chromium, headless, with nothing reaching out (shared/reference/ecosystem.md). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
}
