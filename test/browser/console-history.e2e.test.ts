/**
 * The console's stored views (issue 37), in Debian's chromium:
 * - the modem's history: the demo's simulated modem under its modem-flap fault is sampled into the
 *   store; the page shows its trend and timeline as GET /metrics/modems has them, and shows the
 *   same after a reload and after the demo is stopped and a plain `serve` opens the same file
 *   (history from the store, not since the page or the process started);
 * - a voice call's page: the agent's turn summary and its turns (heard silence stacked from its
 *   segments, interruption and dead-air marks) beside the SIP outcome and the media per direction,
 *   every figure equal to GET /metrics/calls/:id and to `sidetone call --json`; nothing cut off on
 *   a 390 px phone.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEM_POLL_MS } from '../../src/server/modem-sampler.js';
import { launchChromium } from '../helpers/chromium.js';
import { freePort, scrapeSample } from '../helpers/prometheus.js';
import { CLI, startCli } from '../helpers/spawn.js';
import { until } from '../helpers/until.js';

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
    await until(
      async () => {
        h = await history();
        return (h.modems[0]?.reconnects ?? 0) >= 2;
      },
      'two reconnects in the stored history',
      { timeoutMs: 60_000, everyMs: 250 },
    ).catch(() => undefined); // the expectations below say what was stored instead
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
    // Past a poll by the server's own clock (its uptime, a second beyond its first look at
    // MODEM_POLL_MS) rather than a fixed 6 s from here: the restart and the page load already
    // spent part of it.
    await until(
      async () => ((await scrapeSample(url, 'process_uptime_seconds')) ?? 0) >= (MODEM_POLL_MS + 1000) / 1000,
      "the server's first modem poll to have passed",
      { everyMs: 250 },
    );
    expect((await history()).modems[0]).toEqual(api);
    expect(shown.reconnects).toBe(api.reconnects);
    expect(shown.timeline).toEqual(newest(api));
    expect(await page.locator('#modem [data-modem]').count()).toBe(0); // no live modem now
    expect(errors).toEqual([]);

    // The CLI reads the same history.
    const { stdout } = await run(process.execPath, [CLI, 'modem', '--hours', '1', '--url', url, '--json']);
    expect(JSON.parse(stdout).modems[0].timeline).toEqual(api.timeline);
  }, 120_000);

  it("a voice call's page shows the agent's turns beside the outcome and media, as the API and the CLI", async () => {
    if (server === undefined) await start(['serve']);
    const callId = 'voice-37@agent.example.com';
    const t = Date.now() - 120_000;
    // Three turns: heard silences 900, 1400 and 3600 ms (the last dead air past 3 s), one barge-in;
    // the second's reply called a tool (two LLM calls: llm_ttft 250, tool 300, llm2_ttft 100 ms).
    const turns = [900, 1400, 3600].map((wait, i) => {
      const stop = t + 10_000 + i * 15_000;
      return {
        type: 'voiceai.turn',
        callId,
        turn: i + 1,
        userStartedAt: stop - 3000,
        userStoppedAt: stop,
        sttFinalAt: stop + 200,
        endOfTurnAt: stop + 350,
        ...(i === 1
          ? {
              llmFirstTokenAt: stop + 600,
              toolsDoneAt: stop + 900,
              lastLlmFirstTokenAt: stop + wait - 400,
              llmCalls: 2,
              toolCalls: 1,
              eouProbability: 0.87,
            }
          : { llmFirstTokenAt: stop + wait - 400 }),
        ttsFirstByteAt: stop + wait - 100,
        agentStartedAt: stop + wait,
        agentStoppedAt: stop + wait + 5000,
      };
    });
    const events = [
      {
        type: 'call.started',
        callId,
        ts: t,
        direction: 'inbound',
        channel: 'sip',
        trunk: 'carrier-a',
        from: '+15550001234',
        to: '+15550005678',
      },
      { type: 'call.answered', callId, ts: t + 3000 },
      ...turns,
      { type: 'voiceai.interruption', callId, turn: 2, kind: 'barge_in', startedAt: t + 28_000 },
      {
        type: 'media.report',
        callId,
        ts: t + 60_000,
        stream: 'caller_to_callee',
        codec: 'PCMU',
        packetsReceived: 3000,
        packetsLost: 30,
        jitterMs: 12,
      },
      {
        type: 'media.report',
        callId,
        ts: t + 60_000,
        stream: 'callee_to_caller',
        codec: 'PCMU',
        packetsReceived: 3000,
        packetsLost: 0,
        jitterMs: 4,
      },
      { type: 'call.ended', callId, ts: t + 70_000, q850: 16, hangupBy: 'caller' },
    ];
    const res = await fetch(`${url}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(events),
    });
    expect(res.status, await res.text()).toBe(200);
    const api = async () => (await fetch(`${url}/metrics/calls/${encodeURIComponent(callId)}`)).json();
    let call: Record<string, unknown> = {};
    await until(
      async () => {
        call = (await api()).call ?? {};
        return call.status === 'completed' && call.agent_turns === 3 && call.mos !== null;
      },
      'the voice call to be stored whole',
      { timeoutMs: 10_000, everyMs: 200 },
    ).catch(() => undefined); // the expectations below say what was stored instead
    expect(call).toMatchObject({
      status: 'completed',
      agent_turns: 3,
      agent_interruptions: 1,
      agent_dead_air: 1,
    });
    expect(call.agent_silence_p50_ms).toBe(1400);

    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${url}/dashboard?window=1h&refresh=60#call=${encodeURIComponent(callId)}`);
    await page.locator('#call-agent [data-figure="call.agent_turns"]').waitFor();
    // Every figure of the agent panel is the API's value for its field.
    const figures = await page.$$eval('#call-agent [data-figure]', (els) =>
      els.map((el): [string, string] => [
        (el as HTMLElement).dataset.figure ?? '',
        (el as HTMLElement).dataset.value ?? '',
      ]),
    );
    expect(figures.length).toBe(8);
    for (const [path, value] of figures) {
      const want = call[path.slice('call.'.length)];
      expect(value, path).toBe(want === null || want === undefined ? '' : String(want));
    }
    expect(await page.locator('#call-agent').textContent()).toContain('1.4 s');
    // The media per direction beside it, each row the API's direction; the outcome; numbers masked.
    const oneDp = (v: unknown) => `${Number(v).toLocaleString('en', { maximumFractionDigits: 1 })}`;
    const media = call.media as Array<Record<string, number | string | null>>;
    expect(media.map((m) => m.direction)).toEqual(['caller_to_callee', 'callee_to_caller']);
    expect(media[0]?.loss_percent).toBeCloseTo((30 / 3030) * 100, 6); // the caller's 30 lost
    expect(media[1]).toMatchObject({ loss_percent: 0, jitter_ms: 4, codec: 'PCMU' });
    expect(call.loss_percent).toBe(media[0]?.loss_percent); // the call's worst: the worse direction's
    const rows = await page.$$eval('#call-media tr', (trs) =>
      trs.map((tr) => [
        (tr as HTMLElement).dataset.direction,
        ...[...tr.querySelectorAll('td')].map((td) => td.textContent),
      ]),
    );
    expect(rows).toEqual(
      media.map((m) => [
        m.direction,
        Number(m.mos).toLocaleString('en', { maximumFractionDigits: 2 }),
        `${oneDp(m.jitter_ms)} ms`,
        `${oneDp(m.loss_percent)} %`,
        '—',
        'PCMU',
      ]),
    );
    // The agent's turns: one item each, its heard silence and segments the API's, the barge-in
    // on turn 2 and the dead air on turn 3 marked.
    const turnsApi = call.turns as Array<{
      turn: number;
      heard_silence_ms: number;
      segments: Record<string, number>;
      interrupted: boolean;
      dead_air: boolean;
    }>;
    expect(turnsApi.map((x) => x.heard_silence_ms)).toEqual([900, 1400, 3600]);
    const shown = await page.$$eval('#call-turns li[data-turn]', (lis) =>
      lis.map((li) => ({
        turn: Number((li as HTMLElement).dataset.turn),
        heard: Number(li.querySelector('[data-field="heard"]')?.getAttribute('data-value')),
        segments: Object.fromEntries(
          [...li.querySelectorAll('[data-segment]')].map((el) => [
            el.getAttribute('data-segment'),
            Number(el.getAttribute('data-value')),
          ]),
        ),
        bars: li.querySelectorAll('.turn-bar .seg').length,
        marks: [...li.querySelectorAll('[data-mark]')].map((el) => el.getAttribute('data-mark')),
      })),
    );
    expect(shown).toEqual(
      turnsApi.map((x) => ({
        turn: x.turn,
        heard: x.heard_silence_ms,
        segments: x.segments,
        bars: Object.keys(x.segments).length,
        marks: [x.interrupted && 'interrupted', x.dead_air && 'dead_air'].filter(Boolean),
      })),
    );
    expect(shown.map((x) => x.marks)).toEqual([[], ['interrupted'], ['dead_air']]);
    expect(shown[1]?.segments).toMatchObject({ llm_ttft: 250, tool: 300, llm2_ttft: 100 });
    // What the tool turn says beside its silence: the API's calls and end-of-turn probability.
    const details = await page.$$eval('#call-turns li[data-turn="2"] [data-detail]', (els) =>
      els.map((el) => [el.getAttribute('data-detail'), Number(el.getAttribute('data-value'))]),
    );
    expect(details).toEqual([
      ['llm_calls', 2],
      ['tool_calls', 1],
      ['eou_probability', 0.87],
    ]);
    expect(call.turns).toMatchObject([{}, { llm_calls: 2, tool_calls: 1, eou_probability: 0.87 }, {}]);
    expect(await page.locator('#call-outcome dd[data-field="status"]').textContent()).toBe('completed');
    expect((await page.locator('body').textContent()) ?? '').not.toMatch(/\+1555000\d{4}/);
    if (SHOTS) await page.locator('#call-page').screenshot({ path: join(SHOTS, 'console-voice-call.png') });
    // On a 390 px phone the media table and the turns fit (or scroll inside their box), none cut off.
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      turns: Math.max(
        ...[...document.querySelectorAll('#call-turns li')].map(
          (li) => li.getBoundingClientRect().right - document.documentElement.clientWidth,
        ),
      ),
    }));
    expect(overflow.page).toBeLessThanOrEqual(0);
    expect(overflow.turns).toBeLessThanOrEqual(0);
    expect(errors).toEqual([]);

    // `sidetone call` shows the same row.
    const { stdout } = await run(process.execPath, [CLI, 'call', callId, '--url', url, '--json']);
    expect(JSON.parse(stdout).call).toEqual(call);
  }, 60_000);
});
