/**
 * The export's bytes, pinned: every column a call row holds (both media streams, the SIP ladder, the
 * agent's summary and turn list, raw numbers revealed and not) through CSV and JSON, as SHA-256 of
 * the output. A change to how the store reads rows or names export columns (the call column table,
 * src/store/records/call-columns.ts) must leave these unchanged.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { exportCalls } from '../../src/analytics/export.js';
import { CALL_EXPORT_COLUMNS } from '../../src/store/records/call-columns.js';
import { TURN_ROW_WIDTH } from '../../src/store/records/turn-list.js';
import type { SqliteCallStore } from '../../src/store/sqlite/store.js';
import type { CallUpdate } from '../../src/store/types.js';
import { toolTurnRow } from '../telephony/helpers.js';
import { memoryStore, scriptedUpdates, T0 } from './scripted.js';

let store: SqliteCallStore | undefined;
afterEach(() => store?.close());

const FULL: CallUpdate[] = [
  {
    kind: 'started',
    callId: 'g1',
    at: T0,
    direction: 'outbound',
    channel: 'webrtc',
    trunk: 'edge, "west"',
    from: '+15557654321',
    to: '+442079876543',
    carrier: { currency: 'EUR', perMinute: 0.0125, incrementSeconds: 60 },
  },
  { kind: 'ringing', callId: 'g1', at: T0 + 1500 },
  { kind: 'amd', callId: 'g1', at: T0 + 6000, category: 'human' },
  {
    kind: 'cost',
    callId: 'g1',
    at: T0 + 41_500,
    currency: 'EUR',
    llm: 0.0123,
    stt: 0.0045,
    tts: 0.006,
    reports: 9,
    unpriced: 1,
  },
  { kind: 'answered', callId: 'g1', at: T0 + 4000 },
  { kind: 'transcript', callId: 'g1', at: T0 + 5000 },
  ...(['caller_to_callee', 'callee_to_caller'] as const).map(
    (stream, i): CallUpdate => ({
      kind: 'media',
      callId: 'g1',
      at: T0 + 30_000 + i,
      mos: 3.9 - i / 10,
      jitterMs: 4.25 + i,
      lossPercent: 0.5 * (i + 1),
      rttMs: 55 + i,
      stream,
      codec: i === 0 ? 'opus' : 'G722',
    }),
  ),
  {
    kind: 'agent',
    callId: 'g1',
    at: T0 + 40_000,
    turns: 2,
    silenceP50Ms: 700,
    silenceP95Ms: 1900.25,
    interruptions: 0,
    deadAir: 0,
    agentTalkMs: 9000,
    callerTalkMs: 6000,
    // Rows as stored before issue 52 (records/turn-list.ts): turn, at, heard, the six segments of
    // then, flags. A store holding them exports the same bytes after the tool stages were added.
    turnList: JSON.stringify([
      [1, T0 + 10_000, 800, ...Array.from({ length: 6 }, (_, i) => 100 * (i + 1)), 0],
      [2, T0 + 20_000, null, ...Array.from({ length: 6 }, () => null), 3],
    ]),
  },
  {
    kind: 'flow',
    callId: 'g1',
    at: T0 + 41_000,
    sipFlow: JSON.stringify([
      { atMs: 0, from: 'a', to: 'b', method: 'INVITE' },
      { atMs: 1500, from: 'b', to: 'a', method: 'INVITE', code: 180 },
      { atMs: 4000, from: 'b', to: 'a', method: 'INVITE', code: 200 },
      { atMs: 42_000, from: 'a', to: 'b', method: 'BYE' },
    ]),
  },
  { kind: 'ended', callId: 'g1', at: T0 + 42_000, sipCode: 200, hangupBy: 'callee', status: 'completed' },
  ...scriptedUpdates(),
];

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

async function exported(format: 'csv' | 'json', reveal: boolean): Promise<string> {
  let out = '';
  for await (const c of exportCalls(store!, { from: T0 - 3_600_000, to: T0 + 86_400_000, format, reveal }))
    out += c;
  return out;
}

describe('export bytes', () => {
  it('CSV and JSON of every column, masked and revealed, are byte for byte as pinned', async () => {
    store = memoryStore(true);
    await store.applyBatch(FULL);
    const out = {
      csv: await exported('csv', false),
      csvRevealed: await exported('csv', true),
      json: await exported('json', false),
      jsonRevealed: await exported('json', true),
      // The record as the API serves it: the row codec's keys, in their order.
      record: JSON.stringify(await store.getCall('g1', { reveal: true })),
    };
    // The fixture reaches the columns it is for: both streams, the ladder, the turn list, raw numbers.
    expect(out.json).toContain('"codec":"G722"');
    expect(out.json).toContain('"method":"BYE"');
    expect(out.json).toContain('"turns":[{');
    expect(out.jsonRevealed).toContain('+15557654321');
    expect(out.csv).not.toContain('+15557654321');
    // Issue 52's columns: the verdict, the cost by part and the carrier's minutes (38 s: one minute).
    expect(out.json).toContain('"amd":"human","human_connect":true,"cost_currency":"EUR"');
    expect(out.json).toContain('"cost_carrier":0.0125,"cost_unpriced":1');
    // Without them, every earlier column is byte for byte as pinned before issue 52 (JSON and the
    // record; the CSV's rows differ only by their new fields).
    // Each turn's silence at the caller's ear (issue 52) is derived on read, from the heard silence
    // and the call's RTCP round trip and jitter: 800 + 56 (the larger round trip) + 4.25 + 5.25.
    expect(out.json).toContain('"heard_silence_ms":800,"caller_ear_ms":865.5,');
    const NEW = new Set(CALL_EXPORT_COLUMNS.slice(CALL_EXPORT_COLUMNS.indexOf('amd')));
    const earlier = (t: string) => {
      const rows = JSON.parse(t) as Record<string, unknown>[];
      const kept = rows.map((r) =>
        JSON.stringify(
          Object.fromEntries(
            Object.entries(r)
              .filter(([k]) => !NEW.has(k))
              .map(([k, v]) =>
                k === 'turns' && Array.isArray(v)
                  ? [k, v.map(({ caller_ear_ms: _e, ...turn }: Record<string, unknown>) => turn)]
                  : [k, v],
              ),
          ),
        ),
      );
      return `[${kept.map((r, i) => `${i === 0 ? '\n' : ',\n'}${r}`).join('')}\n]\n`;
    };
    const {
      amd: _a,
      humanConnect: _h,
      cost: _c,
      ...record
    } = JSON.parse(out.record) as Record<string, unknown>;
    expect([sha(earlier(out.json)), sha(earlier(out.jsonRevealed)), sha(JSON.stringify(record))]).toEqual([
      'a22ede60d1d65958bc0d05e7588c52ed57f9effb9e80bb4cde40abfa9bbf033e',
      '8055969a2dd53c34bc7bc1ae008b6a844a8c6dd74be5bdcbe23424d37acece75',
      '22f62f2705c3445ecc39e3b26e1ff32dbf53275614fdea9d1921bb1228b8dc4f',
    ]);
    expect(Object.fromEntries(Object.entries(out).map(([k, v]) => [k, sha(v)]))).toEqual({
      csv: 'c079f1714304c6054d70621a34504fe66686e398bd97401a43e2affcfd79ab07',
      csvRevealed: 'ead746d9ee93479bc1870d14dc0e92d1e87531356ce3976976ac4f06caf669b3',
      json: '7e92d482494282950a3c0ded7cb55a54f2b6dac64f4d6dc39656e2e856422eea',
      jsonRevealed: '650534f6360620f463b346961629c1885420ccb1b2f1e993881ec485a251563e',
      record: '201151b41a9f61139b66d91c985ae244e9bd8a7b24db992b2e1b74f0e39f1a28',
    });
  });

  it("a row of today's width exports its tool and second-call segments and its turn details", async () => {
    store = memoryStore(true);
    const agent = FULL.find((u) => u.kind === 'agent') as Extract<CallUpdate, { kind: 'agent' }>;
    const row = toolTurnRow(1, T0 + 10_000, 0);
    expect(row).toHaveLength(TURN_ROW_WIDTH);
    await store.applyBatch([
      ...FULL.filter((u) => u.kind !== 'agent'),
      { ...agent, turnList: JSON.stringify([row]) },
    ]);
    const json = await exported('json', false);
    expect(json).toContain(
      '"segments":{"stt":310,"endpointing":290,"llm_ttft":400,"tool":1000,"llm2_ttft":400,"tts_ttfb":250,"remainder":70}',
    );
    expect(json).toContain(
      '"llm_calls":2,"tool_calls":1,"tool_errors":0,"eou_probability":0.912,"eou_endpointing_delay_ms":500,"eou_detection_delay_ms":40,"transcript_confidence":0.97',
    );
  });
});
