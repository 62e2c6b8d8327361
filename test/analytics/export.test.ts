import { afterEach, describe, expect, it } from 'vitest';
import { csvField, EXPORT_COLUMNS, exportCalls } from '../../src/analytics/export.js';
import { ValidationError } from '../../src/errors.js';
import type { SqliteCallStore } from '../../src/store/sqlite/store.js';
import type { CallUpdate } from '../../src/store/types.js';
import { cid, memoryStore, scriptedUpdates, T0 } from './scripted.js';

let store: SqliteCallStore | undefined;
afterEach(() => store?.close());

const small: CallUpdate[] = [
  {
    kind: 'started',
    callId: 'e1',
    at: T0,
    direction: 'outbound',
    channel: 'sip',
    trunk: 'carrier "A", east',
    from: '+15551234567',
    to: '+442071234567',
  },
  { kind: 'ringing', callId: 'e1', at: T0 + 2000 },
  { kind: 'answered', callId: 'e1', at: T0 + 10_000 },
  // One stream's report: the call's worst and that direction's (the `media` column, JSON text).
  {
    kind: 'media',
    callId: 'e1',
    at: T0 + 70_000,
    mos: 4.1,
    jitterMs: 3.5,
    lossPercent: 0.25,
    rttMs: 40,
    stream: 'caller_to_callee',
    codec: 'PCMU',
  },
  { kind: 'ended', callId: 'e1', at: T0 + 70_000, sipCode: 200, hangupBy: 'caller' },
  // The voice agent's half of the same call.
  {
    kind: 'agent',
    callId: 'e1',
    at: T0 + 69_000,
    turns: 4,
    silenceP50Ms: 950.5,
    silenceP95Ms: 3125,
    interruptions: 1,
    deadAir: 1,
    agentTalkMs: 30_000,
    callerTalkMs: 12_000,
  },
  {
    kind: 'started',
    callId: 'e2',
    at: T0 + 60_000,
    direction: 'inbound',
    channel: 'gsm',
    from: 'sip:alice@pbx',
  },
  { kind: 'transcript', callId: 'e2', at: T0 + 61_000 },
  { kind: 'ended', callId: 'e2', at: T0 + 65_000, q850: 17 },
  { kind: 'started', callId: 'outside', at: T0 + 3_600_000, direction: 'inbound', channel: 'sip' },
];

async function text(it: AsyncIterable<string>): Promise<{ text: string; chunks: number }> {
  let out = '';
  let chunks = 0;
  for await (const c of it) {
    out += c;
    chunks++;
  }
  return { text: out, chunks };
}

describe('exportCalls', () => {
  it('writes exact RFC 4180 CSV with masked numbers', async () => {
    store = memoryStore();
    await store.applyBatch(small);
    const { text: csv } = await text(exportCalls(store, { from: T0, to: T0 + 3_600_000, format: 'csv' }));
    expect(csv).toBe(
      'call_id,direction,channel,trunk,from,to,started_at,ringing_at,answered_at,ended_at,status,sip_code,q850,' +
        'reason,outcome,effective,hangup_by,duration_ms,talk_ms,pdd_ms,transcript,mos,jitter_ms,loss_percent,rtt_ms,' +
        'agent_turns,agent_silence_p50_ms,agent_silence_p95_ms,agent_interruptions,agent_dead_air,agent_talk_ms,' +
        'agent_listen_ms,agent_talk_listen_ratio,sip_flow,media,turns,amd,human_connect,cost_currency,cost_total,' +
        'cost_llm,cost_stt,cost_tts,cost_carrier,cost_unpriced,call_type,caller_number,callee_number,duration_seconds,failure_reason\r\n' +
        `${cid('e1')},outbound,sip,"carrier ""A"", east",+1555***4567,+4420***4567,2024-01-15T10:00:00.000Z,` +
        '2024-01-15T10:00:02.000Z,2024-01-15T10:00:10.000Z,2024-01-15T10:01:10.000Z,completed,200,,normal,answered,true,caller,' +
        '70000,60000,2000,false,4.1,3.5,0.25,40,4,950.5,3125,1,1,30000,12000,2.5,,' +
        '"[{""direction"":""caller_to_callee"",""mos"":4.1,""jitter_ms"":3.5,""loss_percent"":0.25,""rtt_ms"":40,""codec"":""PCMU""}]",' +
        ',,false,,,,,,,,outbound,+1555***4567,+4420***4567,70,\r\n' +
        `${cid('e2')},inbound,gsm,,a***,,2024-01-15T10:01:00.000Z,,,2024-01-15T10:01:05.000Z,busy,,17,busy,busy,true,,5000,,,true,,,,,` +
        ',,,,,,,,,,,,false,,,,,,,,inbound,a***,,5,busy\r\n',
    );
  });

  it('streams a JSON array; raw numbers only with reveal on a raw-storing store', async () => {
    store = memoryStore(true);
    await store.applyBatch(small);
    const { text: masked } = await text(exportCalls(store, { from: T0, to: T0 + 3_600_000, format: 'json' }));
    const rows = JSON.parse(masked) as Record<string, unknown>[];
    expect(rows.map((r) => [r.call_id, r.from, r.to])).toEqual([
      [cid('e1'), '+1555***4567', '+4420***4567'],
      [cid('e2'), 'a***', null],
    ]);
    expect(Object.keys(rows[0]!)).toEqual(EXPORT_COLUMNS);
    // The voice-skill guide's keys of a call record: a completed call has no failure reason.
    expect(rows.map((r) => [r.call_type, r.caller_number, r.duration_seconds, r.failure_reason])).toEqual([
      ['outbound', '+1555***4567', 70, null],
      ['inbound', 'a***', 5, 'busy'],
    ]);
    expect(rows[0]).toMatchObject({
      started_at: '2024-01-15T10:00:00.000Z',
      transcript: false,
      sip_code: 200,
    });
    const { text: revealed } = await text(
      exportCalls(store, { from: T0, to: T0 + 3_600_000, format: 'json', reveal: true }),
    );
    expect((JSON.parse(revealed) as Record<string, unknown>[]).map((r) => r.from)).toEqual([
      '+15551234567',
      'sip:alice@pbx',
    ]);
    const { text: none } = await text(exportCalls(store, { from: T0 - 10, to: T0, format: 'json' }));
    expect(JSON.parse(none)).toEqual([]);
  });

  it('keeps masking when reveal is asked of a store that does not keep raw numbers', async () => {
    store = memoryStore(false);
    await store.applyBatch(small);
    const { text: csv } = await text(
      exportCalls(store, { from: T0, to: T0 + 1, format: 'csv', reveal: true }),
    );
    expect(csv).toContain('+1555***4567');
    expect(csv).not.toContain('5551234567');
  });

  it('yields bounded chunks whose concatenation is the whole export', async () => {
    store = memoryStore();
    const many: CallUpdate[] = [];
    for (let d = 0; d < 50; d++)
      many.push(...scriptedUpdates(T0 + d * 1_800_000).map((u) => ({ ...u, callId: `${u.callId}-${d}` })));
    await store.applyBatch(many);
    const { text: csv, chunks } = await text(
      exportCalls(store, { from: T0, to: T0 + 50 * 1_800_000, format: 'csv', chunkChars: 4096 }),
    );
    const lines = csv.split('\r\n');
    expect(lines).toHaveLength(1 + 700 + 1); // header, 50 x 14 calls, '' after the final CRLF
    expect(chunks).toBeGreaterThan(csv.length / (4096 + 1000));
    const { text: json } = await text(
      exportCalls(store, { from: T0, to: T0 + 50 * 1_800_000, format: 'json' }),
    );
    expect(JSON.parse(json)).toHaveLength(700);
  });

  it('quotes fields per RFC 4180 and defuses spreadsheet formulas', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(12.5)).toBe('12.5');
    expect(csvField(true)).toBe('true');
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('+cmd')).toBe("'+cmd");
    expect(csvField('+1555***4567')).toBe('+1555***4567');
    expect(csvField('-42')).toBe('-42');
  });

  it('validates range and format', async () => {
    store = memoryStore();
    await expect(text(exportCalls(store, { from: T0, to: T0, format: 'csv' }))).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      text(exportCalls(store, { from: T0, to: T0 + 1, format: 'xml' as 'csv' })),
    ).rejects.toMatchObject({
      code: 'ST_ANALYTICS_INVALID_FORMAT',
    });
  });
});
