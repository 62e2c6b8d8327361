import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's chromium, headless, with nothing that reaches for the network on its own (this
 * machine's network is closed: background requests are refused by the dozen).
 */
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
