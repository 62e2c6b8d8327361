/**
 * One generated call/SMS script through `sidetone serve` (no simulator: the figures hold still),
 * read by every surface: the console page in Debian's chromium, the API it reads
 * (`/metrics/console`), and the CLI's `--json` (status, dashboard, sms, trunks, call). Every
 * figure the page shows carries its path in the API's answer (`data-figure`) and its raw value:
 * each must equal the API, the CLI's where both show it, and the script's own count; the
 * identities (answered + not answered + other = calls; sent = delivered + failed + awaiting +
 * expired) must hold on the rendered page.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleLab, consoleLab } from '../helpers/chromium.js';
import { CLI } from '../helpers/spawn.js';

const run = promisify(execFile);
// SCREENSHOTS=docs/img writes the call page's picture for the docs.
const SHOTS = process.env.SCREENSHOTS;
const TRUNKS = ['carrier-a', 'carrier-b'];
const ENDS = [
  'answered',
  'busy',
  'unavailable',
  'no_answer',
  'cancel',
  'timerB',
  'challenge',
  'active',
] as const;
type End = (typeof ENDS)[number];
const FATES = ['delivered', 'failed', 'pending', 'none', 'refused'] as const;

interface Script {
  events: Array<Record<string, unknown>>;
  expect: {
    calls: number;
    answered: number;
    notAnswered: number;
    other: number;
    active: number;
    sent: number;
    delivered: number;
    failed: number;
    awaiting: number;
  };
}

/** A script over the last 40 minutes (inside the 1-hour window whatever the clock). */
function script(seed: number, now: number): Script {
  const calls = fc.sample(
    fc.record({
      end: fc.constantFrom(...ENDS),
      trunk: fc.constantFrom(...TRUNKS, 'carrier-x'),
      inbound: fc.boolean(),
      offsetS: fc.integer({ min: 60, max: 2400 }),
    }),
    { seed, numRuns: 80 },
  );
  const sms = fc.sample(
    fc.record({ fate: fc.constantFrom(...FATES), offsetS: fc.integer({ min: 60, max: 2400 }) }),
    {
      seed: seed + 1,
      numRuns: 40,
    },
  );
  const events: Array<Record<string, unknown>> = [];
  const e = {
    calls: 0,
    answered: 0,
    notAnswered: 0,
    other: 0,
    active: 0,
    sent: 0,
    delivered: 0,
    failed: 0,
    awaiting: 0,
  };
  calls.forEach((c, i) => {
    const callId = `contract-${seed}-${i}@example.com`;
    const t = now - c.offsetS * 1000;
    const started = {
      type: 'call.started',
      callId,
      ts: t,
      direction: c.inbound ? 'inbound' : 'outbound',
      channel: 'sip',
      trunk: c.trunk,
      from: '+15550001234',
      to: '+15550005678',
    };
    events.push(started);
    e.calls++;
    const end = (extra: Record<string, unknown>, at = t + 8000) =>
      events.push({ type: 'call.ended', callId, ts: at, ...extra });
    const ring = () => events.push({ type: 'call.ringing', callId, ts: t + 1500 });
    // Each ending writes its events and names the count it adds to.
    const by: Record<End, () => Array<keyof Script['expect']>> = {
      answered: () => {
        ring();
        events.push({ type: 'call.answered', callId, ts: t + 4000 });
        end({ q850: 16, hangupBy: 'caller' }, t + 50_000);
        return ['answered'];
      },
      busy: () => {
        end({ sipCode: 486 });
        return ['notAnswered'];
      },
      unavailable: () => {
        end({ sipCode: 503 });
        return ['notAnswered'];
      },
      no_answer: () => {
        ring();
        end({ sipCode: 480 });
        return ['notAnswered'];
      },
      cancel: () => {
        ring();
        end({ sipCode: 487, hangupBy: 'caller' });
        return ['notAnswered'];
      },
      timerB: () => {
        end({ timeout: true });
        return ['notAnswered'];
      },
      // A 407 the caller never answered: not an attempt (RFC 6076), so "other".
      challenge: () => {
        end({ sipCode: 407 });
        return ['other'];
      },
      active: () => {
        ring();
        return ['other', 'active'];
      },
    };
    for (const k of by[c.end]()) e[k]++;
  });
  sms.forEach((m, i) => {
    const t = now - m.offsetS * 1000;
    const reference = 100 + i;
    if (m.fate === 'refused') {
      events.push({
        type: 'sms.send_failed',
        ts: t,
        reference,
        modem: 'modem0',
        cmsError: 38,
        reason: 'network',
      });
      e.sent++;
      e.failed++;
      return;
    }
    events.push({ type: 'sms.sent', ts: t, to: '+15550009999', reference, modem: 'modem0', segments: 1 });
    e.sent++;
    const report = (tpStatus: number) =>
      events.push({ type: 'sms.delivery_report', ts: t + 5000, reference, modem: 'modem0', tpStatus });
    const status = { delivered: 0x00, failed: 0x41, pending: 0x20 } as const;
    if (m.fate !== 'none') report(status[m.fate]);
    e[m.fate === 'delivered' ? 'delivered' : m.fate === 'failed' ? 'failed' : 'awaiting']++;
  });
  return { events, expect: e };
}

const get = (o: unknown, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>(
      (x, k) => (x === null || x === undefined ? undefined : (x as Record<string, unknown>)[k]),
      o,
    );

describe('console contract: page = API = CLI over one generated script', () => {
  let lab: ConsoleLab;
  let url: string;
  let browser: Browser;
  let s: Script;
  const cli = async (...args: string[]) =>
    JSON.parse(
      (
        await run(process.execPath, [CLI, ...args, '--url', url, '--json'], {
          env: { ...process.env, NO_COLOR: '1' },
        })
      ).stdout,
    );

  beforeAll(async () => {
    // A moved readiness path: the CLI and the page must follow it (the server states its paths).
    lab = await consoleLab('sidetone-console-', () => ({
      SIDETONE_LABELS_TRUNKS: TRUNKS.join(','),
      SIDETONE_HEALTH_READINESS_PATH: '/ready-now',
    }));
    ({ url, browser } = lab);
    s = script(37, Date.now());
    const res = await fetch(`${url}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(s.events),
    });
    expect(res.status, await res.text()).toBe(200);
  }, 60_000);

  afterAll(() => lab?.close());

  it('every figure on the page equals the API and the script; the identities hold; the CLI agrees', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${url}/dashboard?window=1h&refresh=30`);
    await page.waitForSelector('body[data-loaded]');
    const api = await (await fetch(`${url}/metrics/console?window=1h`)).json();
    const figures = await page.$$eval('[data-figure]', (els) =>
      els.map((el): [string, string] => [
        (el as HTMLElement).dataset.figure ?? '',
        (el as HTMLElement).dataset.value ?? '',
      ]),
    );
    expect(figures.length).toBeGreaterThan(20);
    for (const [path, value] of figures) {
      const want = get(api, path);
      // An age moves with the clock between the page's read and this one.
      if (path === 'sms.oldestAwaitingSeconds')
        expect(Math.abs(Number(value) - Number(want)), path).toBeLessThanOrEqual(5);
      else expect(value, path).toBe(want === null || want === undefined ? '' : String(want));
    }
    const fig = async (path: string) =>
      Number(await page.getAttribute(`[data-figure="${path}"]`, 'data-value'));
    // The script's own counts.
    const e = s.expect;
    expect(await fig('calls.total.value')).toBe(e.calls);
    expect(await fig('calls.answered.value')).toBe(e.answered);
    expect(await fig('calls.failed.value')).toBe(e.notAnswered);
    expect(await fig('calls.other')).toBe(e.other);
    expect(await fig('live.count')).toBe(e.active);
    expect(await fig('sms.sent')).toBe(e.sent);
    expect(await fig('sms.delivered')).toBe(e.delivered);
    expect(await fig('sms.failed')).toBe(e.failed);
    expect(await fig('sms.awaiting')).toBe(e.awaiting);
    // The identities, on the rendered page.
    expect(
      (await fig('calls.answered.value')) + (await fig('calls.failed.value')) + (await fig('calls.other')),
    ).toBe(await fig('calls.total.value'));
    expect(
      (await fig('sms.delivered')) +
        (await fig('sms.failed')) +
        (await fig('sms.awaiting')) +
        (await fig('sms.expired')),
    ).toBe(await fig('sms.sent'));
    // Delivery latency is a figure (5 s per delivered report), and the oldest awaiting a real age.
    if (e.delivered > 0) expect(await fig('sms.latency.p50')).toBe(5);
    const oldest = await fig('sms.oldestAwaitingSeconds');
    expect(oldest).toBeGreaterThanOrEqual(60);
    expect(oldest).toBeLessThanOrEqual(2400 + 60);
    // No previous period with data: no change is shown, never "+∞ %".
    expect(await page.locator('#calls small.ok, #calls small.bad').count()).toBe(0);

    // The CLI, over the same server: status follows the moved readiness path.
    const status = await cli('status');
    expect(status.readiness.status).toMatch(/ready|degraded/);
    expect(status.activeCalls).toBe(e.active);
    expect(await page.locator('#live-count').textContent()).toBe(`(${e.active})`);
    const dash = await cli('dashboard', '--hours', '1');
    expect(dash.totals.calls.value).toBe(e.calls);
    expect(dash.totals.answered.value).toBe(e.answered);
    for (const k of ['asr', 'ner', 'pddMs'] as const) expect(dash.kpis[k], k).toBe(api.calls.kpis[k]);
    const sms = await cli('sms', '--hours', '1');
    expect(sms.outbound).toBe(e.sent);
    expect(sms.byStatus.delivered).toBe(e.delivered);
    expect(sms.deliveryRate).toBe(api.sms.deliveryRate);
    const trunks = await cli('trunks', '--hours', '1');
    for (const t of trunks.trunks) {
      const row = page.locator(`#trunks tr[data-trunk="${t.trunk}"]`);
      const i = api.trunks.findIndex((x: { trunk: string }) => x.trunk === t.trunk);
      expect(await row.locator(`[data-figure="trunks.${i}.calls"]`).getAttribute('data-value')).toBe(
        String(t.calls),
      );
      expect(String(t.kpis.asr ?? '')).toBe(
        (await row.locator(`[data-figure="trunks.${i}.kpis.asr"]`).getAttribute('data-value')) ?? '',
      );
    }
    expect(errors).toEqual([]);
  }, 60_000);

  it('a failed call opens from the list, and its page says what `sidetone call` says; numbers stay masked', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await page.goto(`${url}/dashboard?window=1h&refresh=30`);
    await page.waitForSelector('body[data-loaded]');
    await page.selectOption('#f-outcome', 'failed');
    const link = page.locator('#call-list tr[data-call] a').first();
    await link.waitFor();
    const id = (await page.locator('#call-list tr[data-call]').first().getAttribute('data-call')) ?? '';
    await link.click();
    await page.locator('#call-outcome dd[data-field="status"]').waitFor();
    const { call } = await cli('call', id as string);
    for (const [field, key] of [
      ['status', 'status'],
      ['reason', 'reason'],
      ['SIP code', 'sip_code'],
      ['trunk', 'trunk'],
    ] as const) {
      expect(await page.locator(`#call-outcome dd[data-field="${field}"]`).textContent(), field).toBe(
        call[key] === null ? '—' : String(call[key]),
      );
    }
    expect(call.status).not.toBe('completed');
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'console-call.png'), fullPage: true });
    const text = (await page.locator('body').textContent()) ?? '';
    expect(text).not.toMatch(/\+1555000\d{4}/);
    // The keyboard goes back: the link is focusable and Enter follows it.
    await page.locator('#call-page a[href="#overview"]').focus();
    await page.keyboard.press('Enter');
    await page.locator('#overview').waitFor({ state: 'visible' });
  }, 30_000);
});
