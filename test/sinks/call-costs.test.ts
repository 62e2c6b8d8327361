// The call record joins what the agent said of a call (its answering-machine verdict, what its
// providers cost) to the SIP outcome and the carrier's minutes (issue 52).
import { describe, expect, it } from 'vitest';
import { toCallView, toExportRow } from '../../src/analytics/export.js';
import { renderCallView } from '../../src/cli/commands/call.js';
import { parsePrices } from '../../src/config/prices.js';
import { EventBus } from '../../src/events/bus.js';
import { storeSink } from '../../src/sinks/store-sink.js';
import { openSqliteCallStore } from '../../src/store/index.js';

const privacy = { hashKey: 'cost-test-hash-key-0123', storeRaw: false };
const T = 1_790_000_000_000;
const PRICES = parsePrices({
  currency: 'EUR',
  models: [
    {
      provider: 'openai',
      model: 'gpt-4.1-mini',
      input_tokens_per_million: 0.4,
      output_tokens_per_million: 1.6,
    },
  ],
  trunks: [{ trunk: 'carrier-a', per_minute: 0.012, increment_seconds: 60 }],
});

async function outbound(amd: 'human' | 'machine-vm' | undefined, answered: boolean, prices = PRICES) {
  const store = await openSqliteCallStore({ path: ':memory:', privacy });
  const bus = new EventBus();
  const sink = storeSink(bus, store, { trunks: ['carrier-a'], prices });
  bus.emit({
    type: 'call.started',
    ts: T,
    callId: 'o1',
    direction: 'outbound',
    channel: 'sip',
    trunk: 'carrier-a',
  });
  if (answered) bus.emit({ type: 'call.answered', ts: T + 4_000, callId: 'o1' });
  if (amd !== undefined)
    bus.emit({ type: 'voiceai.amd', ts: T + 6_000, callId: 'o1', category: amd, delaySeconds: 0.4 });
  bus.emit({
    type: 'voiceai.usage',
    ts: T + 9_000,
    callId: 'o1',
    component: 'llm',
    provider: 'openai',
    model: 'gpt-4.1-mini',
    inputTokens: 2_000,
    outputTokens: 500,
  });
  bus.emit({
    type: 'voiceai.usage',
    ts: T + 9_500,
    callId: 'o1',
    component: 'tts',
    model: 'other',
    characters: 300,
  });
  // 61 s of talk: two minutes at per-minute billing.
  bus.emit({
    type: 'call.ended',
    ts: T + (answered ? 65_000 : 30_000),
    callId: 'o1',
    sipCode: answered ? 200 : 486,
    hangupBy: 'callee',
  });
  await sink.close();
  const c = await store.getCall('o1');
  await store.close();
  return c;
}

describe('call record: AMD joined to the SIP outcome, and what the call cost', () => {
  it('answered and human: a human connect; the cost by stage, the carrier minutes and the unpriced report', async () => {
    const c = await outbound('human', true);
    expect([c?.outcome, c?.amd, c?.humanConnect]).toEqual(['answered', 'human', true]);
    const llm = (2_000 * 0.4 + 500 * 1.6) / 1e6;
    const carrier = 2 * 0.012;
    expect(c?.cost).toEqual({
      currency: 'EUR',
      total: expect.closeTo(llm + carrier, 12),
      llm: expect.closeTo(llm, 12),
      stt: 0,
      tts: 0,
      carrier: expect.closeTo(carrier, 12),
      unpricedReports: 1,
    });
    const row = toExportRow(c!);
    expect(row).toMatchObject({ amd: 'human', human_connect: true, cost_currency: 'EUR', cost_unpriced: 1 });
    expect(row.cost_total).toBeCloseTo(llm + carrier, 12);
    expect(row.cost_carrier).toBeCloseTo(carrier, 12);
    // `sidetone call` prints them, one `field  value` line each.
    const text = renderCallView(toCallView(c!));
    expect(text).toMatch(/^amd +human$/m);
    expect(text).toMatch(/^human_connect +true$/m);
    expect(text).toMatch(/^cost_currency +EUR$/m);
    expect(text).toMatch(/^cost_unpriced +1$/m);
  });

  it('a voicemail greeting is answered but no human connect; an unanswered call costs no carrier minutes', async () => {
    const vm = await outbound('machine-vm', true);
    expect([vm?.amd, vm?.humanConnect]).toEqual(['machine-vm', false]);
    const busy = await outbound(undefined, false);
    expect([busy?.outcome, busy?.amd, busy?.humanConnect, busy?.cost?.carrier]).toEqual([
      'busy',
      null,
      false,
      0,
    ]);
  });

  it('without a price file the record has no cost', async () => {
    const store = await openSqliteCallStore({ path: ':memory:', privacy });
    const bus = new EventBus();
    const sink = storeSink(bus, store);
    bus.emit({ type: 'call.started', ts: T, callId: 'n', direction: 'outbound', channel: 'sip' });
    bus.emit({ type: 'voiceai.usage', ts: T + 1, callId: 'n', component: 'llm', inputTokens: 10 });
    await sink.close();
    expect((await store.getCall('n'))?.cost).toBeNull();
    await store.close();
  });
});
