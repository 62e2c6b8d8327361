/**
 * An outbound campaign's answering machines on the console, in Debian's chromium (issue 52): ten
 * outbound attempts on a priced trunk, answered by people, voicemail greetings and an IVR, some not
 * answered, sent to `sidetone serve` as events. The front page's human-connect figures are the
 * API's (`data-figure` = their path in /metrics/console, as the agents' rows), a voicemail call's
 * page says who answered and what it cost, and the carrier's minutes are on /metrics as the
 * records add them (`sidetone_voiceai_cost_total{component="carrier"}`).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleLab, consoleLab } from '../helpers/chromium.js';
import { sample } from '../telephony/helpers.js';

/** Who answered each attempt (null: not answered), and for how long the line was up once answered. */
const CAMPAIGN: Array<{ amd: 'human' | 'machine-vm' | 'machine-ivr' | null; talkMs: number }> = [
  { amd: 'human', talkMs: 95_000 },
  { amd: 'machine-vm', talkMs: 21_000 },
  { amd: 'human', talkMs: 61_000 },
  { amd: 'machine-vm', talkMs: 18_500 },
  { amd: null, talkMs: 0 },
  { amd: 'machine-ivr', talkMs: 40_000 },
  { amd: 'human', talkMs: 130_000 },
  { amd: 'machine-vm', talkMs: 60_000 },
  { amd: null, talkMs: 0 },
  { amd: 'machine-vm', talkMs: 12_000 },
];
/** The trunk's price: per minute, billed in whole minutes. */
const PER_MINUTE = 0.012;
/** Independently of src/domain/cost.ts: whole minutes, rounded up, of the answered calls. */
const carrierOf = (talkMs: number) => Math.ceil(talkMs / 60_000) * PER_MINUTE;

describe('console: answering machines and the human-connect rate, page = API', () => {
  let lab: ConsoleLab;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    lab = await consoleLab('sidetone-amd-console-', (dir) => {
      const prices = join(dir, 'prices.toml');
      writeFileSync(
        prices,
        `currency = "EUR"\n\n[[trunks]]\ntrunk = "carrier-a"\nper_minute = ${PER_MINUTE}\nincrement_seconds = 60\n`,
      );
      return {
        SIDETONE_LABELS_AGENTS: 'outbound-bot',
        SIDETONE_LABELS_TRUNKS: 'carrier-a',
        SIDETONE_VOICEAI_PRICES: prices,
      };
    });
    ({ url, browser } = lab);
  }, 60_000);

  afterAll(() => lab?.close());

  it('10 attempts, 3 people: human connect 30 % on the page as in the API; a voicemail call answered, no human connect, its minutes priced', async () => {
    const t0 = Date.now() - 5 * 60_000;
    const events = CAMPAIGN.flatMap((c, i) => {
      const callId = `campaign-${i}`;
      const at = t0 + i * 10_000;
      const started = {
        type: 'call.started',
        ts: at,
        callId,
        direction: 'outbound',
        channel: 'sip',
        trunk: 'carrier-a',
      };
      if (c.amd === null)
        return [started, { type: 'call.ended', ts: at + 25_000, callId, sipCode: 480, hangupBy: 'callee' }];
      return [
        started,
        { type: 'call.answered', ts: at + 4_000, callId },
        // The detector's verdict, named by the agent that placed the call.
        {
          type: 'voiceai.amd',
          ts: at + 6_000,
          callId,
          agent: 'outbound-bot',
          category: c.amd,
          delaySeconds: 1.2,
        },
        { type: 'call.ended', ts: at + 4_000 + c.talkMs, callId, sipCode: 200, hangupBy: 'caller' },
      ];
    });
    const res = await fetch(`${url}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(events),
    });
    expect(res.status, await res.text()).toBe(200);

    const api = await (await fetch(`${url}/metrics/console?window=1h`)).json();
    expect(api.voice.humanConnect).toEqual({
      windowMinutes: 10,
      human: 3,
      attempts: 10,
      verdicts: 8,
      byCategory: { human: 3, 'machine-ivr': 1, 'machine-vm': 4 },
      rate: 0.3,
    });

    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${url}/dashboard?window=1h&refresh=30`);
    await page.waitForSelector('#voice-window [data-figure="voice.humanConnect.rate"]');
    const figures = await page.$$eval('#voice-window [data-figure]', (els) =>
      els.map((el): [string, string] => [
        (el as HTMLElement).dataset.figure ?? '',
        (el as HTMLElement).dataset.value ?? '',
      ]),
    );
    expect(figures.map(([p]) => p)).toEqual([
      'voice.humanConnect.rate',
      'voice.humanConnect.human',
      'voice.humanConnect.attempts',
    ]);
    const at = (path: string) => path.split('.').reduce((o, k) => o?.[k], api);
    for (const [path, value] of figures) expect(Number(value), path).toBe(at(path));
    expect(await page.locator('#voice-window').textContent()).toMatch(
      /human connect 30 % \(3 of 10 outbound, 10 min\)/,
    );

    // The carrier's minutes: on /metrics, under the agent that named each call, as the records add them.
    const want = CAMPAIGN.reduce((n, c) => n + (c.amd === null ? 0 : carrierOf(c.talkMs)), 0);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(
      sample(
        metrics,
        'sidetone_voiceai_cost_total{agent="outbound-bot",component="carrier",trunk="carrier-a"}',
      ),
    ).toBeCloseTo(want, 9);
    const records = await Promise.all(
      CAMPAIGN.map(async (_, i) => (await (await fetch(`${url}/metrics/calls/campaign-${i}`)).json()).call),
    );
    expect(records.reduce((n, r) => n + (r.cost_carrier ?? 0), 0)).toBeCloseTo(want, 9);

    // A voicemail greeting answered the second call: answered, no human connect, 1 minute billed.
    await page.goto(`${url}/dashboard#call=campaign-1`);
    await page.waitForSelector('#call-outcome [data-field="answering machine"]');
    const field = (k: string) => page.locator(`#call-outcome [data-field="${k}"]`).innerText();
    expect(await field('outcome')).toBe('answered');
    expect(await field('answering machine')).toBe('machine-vm');
    expect(await field('human connect')).toBe('no');
    expect(records[1]).toMatchObject({ amd: 'machine-vm', human_connect: false, cost_currency: 'EUR' });
    expect(records[1].cost_carrier).toBeCloseTo(PER_MINUTE, 12);
    expect(errors).toEqual([]);
  }, 60_000);
});
