import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SidetoneEvent } from '../../src/events/types.js';
import { CATALOGUE, metricName } from '../../src/telephony/catalogue.js';
import { type CallAttempt, callKpis } from '../oracles/kpi.js';
import { setup, T0 } from './helpers.js';

/** A scripted day on one trunk: what each attempt ended with. */
const SCRIPT: Array<CallAttempt & { setupSeconds?: number }> = [
  { finalCode: 200, answered: true, durationSeconds: 60, pddSeconds: 1.2, setupSeconds: 5 },
  { finalCode: 200, answered: true, durationSeconds: 120, pddSeconds: 2, setupSeconds: 9 },
  { finalCode: 200, answered: true, durationSeconds: 30, pddSeconds: 0.5, setupSeconds: 2 },
  { finalCode: 486, answered: false, pddSeconds: 0.8 },
  { finalCode: 480, answered: false, q850: 20 },
  { finalCode: 480, answered: false, pddSeconds: 4 },
  { finalCode: 603, answered: false },
  { finalCode: 600, answered: false },
  { finalCode: 302, answered: false },
  { finalCode: 301, answered: false },
  { finalCode: 503, answered: false },
  { finalCode: 500, answered: false },
  { finalCode: 504, answered: false },
  { finalCode: 408, answered: false },
  { answered: false }, // Timer B: no final response
  { finalCode: 404, answered: false },
  { finalCode: 487, answered: false, pddSeconds: 3 },
];

/** The same script as lifecycle events, the way a SIP stack would emit them. */
function events(): SidetoneEvent[] {
  return SCRIPT.flatMap((a, i): SidetoneEvent[] => {
    const callId = `call-${i}`;
    const t = T0 + i * 1000_000;
    const out: SidetoneEvent[] = [
      { type: 'call.started', callId, direction: 'outbound', channel: 'sip', trunk: 'carrier-a', ts: t },
    ];
    if (a.pddSeconds !== undefined) out.push({ type: 'call.ringing', callId, ts: t + a.pddSeconds * 1000 });
    if (a.answered) {
      const answeredAt = t + (a.setupSeconds ?? 0) * 1000;
      out.push({ type: 'call.answered', callId, ts: answeredAt });
      out.push({ type: 'call.ended', callId, q850: 16, ts: answeredAt + (a.durationSeconds ?? 0) * 1000 });
    } else {
      out.push({
        type: 'call.ended',
        callId,
        ...(a.finalCode === undefined ? { timeout: true } : { sipCode: a.finalCode }),
        ...(a.q850 === undefined ? {} : { q850: a.q850 }),
        ts: t + 10_000,
      });
    }
    return out;
  });
}

/** Sum every sample of a family whose labels match `filter` (a substring), like `sum(metric{...})`. */
function sum(text: string, name: string, filter = ''): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!line.includes(filter)) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

describe('call KPIs from the exposition (the PromQL of docs/promql.md, evaluated by hand)', () => {
  it('ASR, NER, SER, SEER, ISA, ACD and PDD match the standards functions on a scripted set of calls', async () => {
    const { emit, registry } = setup();
    emit(events());
    const text = await registry.metrics();
    const out = (o: string) => sum(text, 'sidetone_call_outcomes_total', `outcome="${o}"`);
    const ended = sum(text, 'sidetone_call_outcomes_total');
    const attempts = sum(text, 'sidetone_call_attempts_total');
    const got = {
      attempts,
      answered: sum(text, 'sidetone_call_answered_total'),
      asr: (100 * sum(text, 'sidetone_call_answered_total')) / attempts,
      ner: (100 * sum(text, 'sidetone_call_effective_total')) / attempts,
      ser: (100 * out('answered')) / (ended - out('redirected')),
      seer:
        (100 * (out('answered') + out('busy') + out('no_answer') + out('declined'))) /
        (ended - out('redirected')),
      isa: (100 * out('ineffective')) / ended,
      acd:
        sum(text, 'sidetone_call_talk_time_seconds_sum') / sum(text, 'sidetone_call_talk_time_seconds_count'),
      pdd: sum(text, 'sidetone_call_pdd_seconds_sum') / sum(text, 'sidetone_call_pdd_seconds_count'),
    };
    const want = callKpis(SCRIPT);
    expect(ended).toBe(attempts);
    for (const k of Object.keys(got) as (keyof typeof got)[])
      expect(got[k], k).toBeCloseTo(want[k] as number, 10);
    // The script's own numbers, so a change in both places at once cannot go unnoticed.
    expect(want).toMatchObject({ attempts: 17, answered: 3, acd: 70 });
    expect(got.ser).toBeCloseTo((3 / 15) * 100, 10);
    expect(got.seer).toBeCloseTo((8 / 15) * 100, 10);
    expect(got.isa).toBeCloseTo((5 / 17) * 100, 10);
    expect(got.ner).toBeCloseTo((7 / 17) * 100, 10);
  });
});

describe('docs/promql.md', () => {
  it('uses only metric names from the catalogue and covers every KPI', () => {
    const md = readFileSync(new URL('../../docs/promql.md', import.meta.url), 'utf8');
    const known = new Set(
      CATALOGUE.flatMap((m) => {
        const n = metricName(m);
        return m.type === 'histogram' ? [n, `${n}_bucket`, `${n}_sum`, `${n}_count`] : [n];
      }),
    );
    const used = [...md.matchAll(/\bsidetone_[a-z0-9_]+/g)].map((m) => m[0]);
    expect(used.length).toBeGreaterThan(20);
    expect(used.filter((n) => !known.has(n))).toEqual([]);
    for (const kpi of ['ASR', 'NER', 'SER', 'SEER', 'ISA', 'ACD', 'PDD']) expect(md).toContain(`## ${kpi}`);
  });
});
