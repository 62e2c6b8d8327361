/**
 * The console's call list with a B2BUA's legs linked (issue 53): one row for the end-to-end call,
 * its verdict (the leg that failed) and a link to each leg's page; a call without a key stays a
 * row of its own. The events carry `endToEndId` as the HEP capture puts it on `call.started` when
 * `hep.leg_correlation` is set.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleLab, consoleLab } from '../helpers/chromium.js';
import { until } from '../helpers/until.js';

describe('console: the call list with B2BUA legs linked', () => {
  let lab: ConsoleLab;
  let browser: Browser;
  let url = '';

  beforeAll(async () => {
    lab = await consoleLab('sidetone-e2e-list-');
    ({ url, browser } = lab);
  }, 60_000);

  afterAll(() => lab?.close());

  it('shows one row per end-to-end call, failed on B, each leg one click away', async () => {
    const t = Date.now() - 120_000;
    const leg = (callId: string, at: number, direction: string, trunk: string, key?: string) => [
      {
        type: 'call.started',
        callId,
        ts: at,
        direction,
        channel: 'sip',
        trunk,
        ...(key !== undefined && { endToEndId: key }),
      },
      { type: 'call.ringing', callId, ts: at + 700 },
      { type: 'call.ended', callId, ts: at + 3000, sipCode: 486 },
    ];
    const events = [
      ...leg('b2bua-a@sbc', t, 'inbound', 'trunk-a', 'b2bua-a@sbc'),
      ...leg('b2bua-b@sbc', t + 20, 'outbound', 'trunk-b', 'b2bua-a@sbc'),
      ...leg('plain@pbx', t + 60_000, 'inbound', 'trunk-a'),
    ];
    const res = await fetch(`${url}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(events),
    });
    expect(res.status, await res.text()).toBe(200);
    let rows: Array<{ call_id: string; end_to_end?: { legs: Array<{ leg: string; call_id: string }> } }> = [];
    await until(
      async () => {
        rows = (await (await fetch(`${url}/metrics/calls?window=1h`)).json()).calls;
        return rows.length === 2 && rows[1]?.end_to_end !== undefined;
      },
      'two rows: the plain call and the end-to-end call',
      { timeoutMs: 10_000, everyMs: 200 },
    ).catch(() => undefined); // the expectations below say what the list held instead
    expect(rows.map((r) => r.end_to_end?.legs.map((l) => l.leg))).toEqual([undefined, ['a', 'b']]);
    const legIds = rows[1]!.end_to_end!.legs.map((l) => l.call_id);

    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${url}/dashboard?window=1h&refresh=60`);
    const cell = page.locator('#call-list td[data-end-to-end]');
    await cell.waitFor();
    expect(await page.locator('#call-list tr[data-call]').count()).toBe(2);
    expect(await cell.textContent()).toBe('busy (B leg), legs A B');
    const links = await cell.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual(legIds.map((id) => `#call=${encodeURIComponent(id)}`));
    // The B leg's page: its own outcome beside the end-to-end verdict.
    await cell.locator('a').nth(1).click();
    await page.locator('#call-page').waitFor({ state: 'visible' });
    expect(await page.locator('#call-title').textContent()).toBe(`Call ${legIds[1]}`);
    expect(errors).toEqual([]);
    await page.close();
  });
});
