/**
 * The console's problems strip judges an SMS delivery stall as SidetoneSmsDeliveryReportsStalled
 * does (src/rules/alerts.ts): a submission waiting past the limit and no final report arrived for as
 * long. A submission the modem refused is no report: counted as one, each refusal hid the stall for
 * a whole limit (the browser test's sms-delivery-stall demo, which refuses now and then, took 25.8 s
 * alone and more than its 75 s under load).
 */
import { describe, expect, it } from 'vitest';
import type { ConsoleData } from '../../src/analytics/console.js';
import { consoleProblems, type LiveState } from '../../src/analytics/problems.js';
import { ALERT_DEFAULTS } from '../../src/rules/thresholds.js';
import { openSqliteCallStore } from '../../src/store/sqlite/store.js';
import type { SmsUpdate } from '../../src/store/types.js';

const privacy = { hashKey: 'problems-test-key-0123456789', storeRaw: false };
const LIMIT_S = 20;
const settings = { ...ALERT_DEFAULTS, sms_pending_max_seconds: LIMIT_S };
const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const live: LiveState = {
  trunks: [],
  modems: [],
  voiceAi: [],
  voice: [],
  self: {
    ready: true,
    heartbeatAgeSeconds: 0,
    hepFailing: false,
    redacted: {},
    overflow: {},
    scrapeP99Seconds: null,
  },
};

/** The console data the strip reads: no trunk, no warning, the oldest submission waiting `waited` s. */
const data = (waited: number | null) =>
  ({
    generatedAt: NOW,
    health: { warnings: [] },
    trunks: [],
    sms: { oldestAwaitingSeconds: waited },
  }) as unknown as ConsoleData;

async function stalled(updates: SmsUpdate[], waited: number | null): Promise<boolean> {
  const store = await openSqliteCallStore({ path: ':memory:', privacy });
  try {
    await store.applySmsBatch(updates);
    const problems = await consoleProblems(store, data(waited), live, settings);
    return problems.some((p) => p.alert === 'SidetoneSmsDeliveryReportsStalled');
  } finally {
    await store.close();
  }
}

const sent = (id: string, agoS: number, reference: number): SmsUpdate => ({
  kind: 'sent',
  messageId: id,
  at: NOW - agoS * 1000,
  to: '+15551234567',
  gateway: 'modem0',
  reference: String(reference),
});

describe('the problems strip: SMS delivery reports stalled', () => {
  it('shows a stall when a submission waits past the limit and no report arrived', async () => {
    expect(await stalled([sent('a', 40, 1)], 40)).toBe(true);
  });

  it('still shows it when the modem refused a submission in the last limit (no report)', async () => {
    const refused: SmsUpdate = {
      kind: 'send_failed',
      messageId: 'r',
      at: NOW - 5_000,
      reason: 'modem',
    };
    expect(await stalled([sent('a', 40, 1), refused], 40)).toBe(true);
  });

  it('shows none when a final report (delivered or failed) arrived in the last limit', async () => {
    for (const outcome of ['delivered', 'failed'] as const) {
      const report: SmsUpdate = {
        kind: 'delivery',
        messageId: 'b',
        at: NOW - 5_000,
        outcome,
        match: { gateway: 'modem0', reference: '2' },
      };
      expect(await stalled([sent('a', 40, 1), sent('b', 30, 2), report], 40), outcome).toBe(false);
    }
  });

  it('shows a stall again once the last report is older than the limit', async () => {
    const report: SmsUpdate = {
      kind: 'delivery',
      messageId: 'b',
      at: NOW - (LIMIT_S + 5) * 1000,
      outcome: 'delivered',
      match: { gateway: 'modem0', reference: '2' },
    };
    expect(await stalled([sent('a', 60, 1), sent('b', 50, 2), report], 60)).toBe(true);
  });

  it('shows none while nothing has waited past the limit', async () => {
    expect(await stalled([sent('a', 10, 1)], 10)).toBe(false);
  });
});
