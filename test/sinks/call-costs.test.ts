// The call record joins what the agent said of a call (its answering-machine verdict, what its
// providers cost) to the SIP outcome and the carrier's minutes (issue 52).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toCallView, toExportRow } from '../../src/analytics/export.js';
import { renderCallView } from '../../src/cli/commands/call.js';
import { parsePrices } from '../../src/config/prices.js';
import { EventBus } from '../../src/events/bus.js';
import { Registry } from '../../src/metrics/index.js';
import { storeSink } from '../../src/sinks/store-sink.js';
import { openSqliteCallStore } from '../../src/store/index.js';
import { instrument } from '../../src/telephony/instrument.js';
import { sample } from '../telephony/helpers.js';

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

  // The counter by component is what the records add up to, telephony included (issue 52): each
  // answered call's minutes at its trunk's price, by the trunk as the store names it (a trunk not
  // in labels.trunks is `other`, priced by an `other` entry), under the agent its events named.
  it('the cost counter by component and trunk adds up to the records, carrier minutes included', async () => {
    const prices = parsePrices({
      currency: 'EUR',
      models: [{ provider: 'openai', model: 'gpt-4.1-mini', input_tokens_per_million: 0.4 }],
      trunks: [
        { trunk: 'carrier-a', per_minute: 0.012, increment_seconds: 60 },
        { trunk: 'other', per_minute: 0.02 },
      ],
    });
    const call = fc.record({
      trunk: fc.constantFrom('carrier-a', 'carrier-b', undefined),
      answered: fc.boolean(),
      talkMs: fc.integer({ min: 0, max: 600_000 }),
      agent: fc.boolean(),
      tokens: fc.integer({ min: 0, max: 100_000 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 12 }), async (calls) => {
        const store = await openSqliteCallStore({ path: ':memory:', privacy });
        const bus = new EventBus();
        const registry = new Registry();
        const t = instrument(bus, registry, {
          packs: { calls: true, voiceai: true },
          trunks: ['carrier-a'],
          agents: ['support-bot'],
          prices,
        });
        const sink = storeSink(bus, store, { trunks: ['carrier-a'], prices });
        const want = { llm: 0, carrier: new Map<string, number>(), agentCarrier: 0 };
        calls.forEach((c, i) => {
          const callId = `p${i}`;
          const at = T + i * 1_000_000;
          bus.emit({
            type: 'call.started',
            ts: at,
            callId,
            direction: 'outbound',
            channel: 'sip',
            trunk: c.trunk,
          });
          if (c.answered) bus.emit({ type: 'call.answered', ts: at + 3_000, callId });
          bus.emit({
            type: 'voiceai.usage',
            ts: at + 4_000,
            callId,
            component: 'llm',
            provider: 'openai',
            model: 'gpt-4.1-mini',
            inputTokens: c.tokens,
            ...(c.agent && { agent: 'support-bot' }),
          });
          bus.emit({
            type: 'call.ended',
            ts: at + 3_000 + c.talkMs,
            callId,
            sipCode: c.answered ? 200 : 486,
          });
          want.llm += (c.tokens * 0.4) / 1e6;
          // Independently of domain/cost.ts: whole billing increments, rounded up.
          const label = c.trunk === 'carrier-a' ? 'carrier-a' : 'other';
          const [perMinute, inc] = c.trunk === 'carrier-a' ? [0.012, 60] : [0.02, 1];
          const carrier =
            c.answered && c.trunk !== undefined
              ? (Math.ceil(c.talkMs / 1000 / inc) * inc * perMinute) / 60
              : 0;
          want.carrier.set(label, (want.carrier.get(label) ?? 0) + carrier);
          if (c.agent) want.agentCarrier += carrier;
        });
        await sink.close();
        t.close();
        const records = await Promise.all(calls.map((_, i) => store.getCall(`p${i}`)));
        await store.close();
        const text = registry.render();
        const counter = (agent: string, component: string, trunk: string) =>
          sample(
            text,
            `sidetone_voiceai_cost_total{agent="${agent}",component="${component}",trunk="${trunk}"}`,
          ) ?? 0;
        const agents = ['support-bot', 'other'];
        const trunks = ['carrier-a', 'other'];
        const sum = (component: string, ts = trunks, as = agents) =>
          as.reduce((n, a) => n + ts.reduce((m, tr) => m + counter(a, component, tr), 0), 0);
        const recorded = (k: 'llm' | 'carrier') => records.reduce((n, r) => n + (r?.cost?.[k] ?? 0), 0);
        expect(sum('carrier')).toBeCloseTo(recorded('carrier'), 9);
        expect(sum('llm')).toBeCloseTo(recorded('llm'), 9);
        expect(sum('llm')).toBeCloseTo(want.llm, 9);
        for (const tr of trunks) expect(sum('carrier', [tr]), tr).toBeCloseTo(want.carrier.get(tr) ?? 0, 9);
        expect(sum('carrier', trunks, ['support-bot'])).toBeCloseTo(want.agentCarrier, 9);
      }),
      { numRuns: 40 },
    );
  });
});
