import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CALL_STATUSES, FAILURE_REASONS, STORED_CALL_CHANNELS } from '../../src/domain/records.js';
import { DIRECTIONS, HANGUP_PARTIES, MEDIA_STREAMS } from '../../src/domain/vocab.js';
import { decodeCalls, encodeCalls } from '../../src/store/sqlite/writer-codec.js';
import type { CallUpdate } from '../../src/store/types.js';
import { checkCallUpdate } from '../../src/store/validate.js';
import { nastyString } from '../helpers/arbitraries.js';

// What the store keeps: any text but U+0000 (STORED_TEXT), other control characters included.
const stored = (s: string) => s.replaceAll('\u0000', '\u0001');
const id = fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }).map(stored);
const text = fc.oneof(nastyString, fc.string({ unit: 'grapheme', maxLength: 200 })).map(stored);
const base = { callId: id, at: fc.double({ min: 0, max: 4e12, noNaN: true }) };
// Plain objects, as the sinks build: a null-prototype record is not strictly equal to its decoding.
const plain = { noNullPrototype: true };
const opt = { requiredKeys: ['kind', 'callId', 'at'] as never[], ...plain };
const ms = fc.double({ min: 0, max: 1e6, noNaN: true });

/** Every kind of call update the store accepts, each optional field present or absent. */
const update: fc.Arbitrary<CallUpdate> = fc.oneof(
  fc.record(
    {
      kind: fc.constant('started' as const),
      ...base,
      direction: fc.constantFrom(...DIRECTIONS),
      channel: fc.constantFrom(...STORED_CALL_CHANNELS),
      trunk: text,
      from: text,
      to: text,
    },
    { requiredKeys: ['kind', 'callId', 'at', 'direction', 'channel'], ...plain },
  ),
  fc.record(
    { kind: fc.constantFrom('ringing' as const, 'answered' as const, 'transcript' as const), ...base },
    plain,
  ),
  fc.record(
    {
      kind: fc.constant('ended' as const),
      ...base,
      status: fc.constantFrom(...CALL_STATUSES.filter((s) => s !== 'active')),
      sipCode: fc.integer({ min: 100, max: 699 }),
      q850: fc.integer({ min: 0, max: 127 }),
      reason: fc.constantFrom(...FAILURE_REASONS),
      hangupBy: fc.constantFrom(...HANGUP_PARTIES),
    },
    opt,
  ),
  fc.record(
    {
      kind: fc.constant('media' as const),
      ...base,
      mos: fc.double({ min: 1, max: 5, noNaN: true }),
      jitterMs: ms,
      lossPercent: fc.double({ min: 0, max: 100, noNaN: true }),
      rttMs: ms,
      stream: fc.constantFrom(...MEDIA_STREAMS),
      codec: fc.string({ maxLength: 32 }).map(stored),
    },
    { requiredKeys: ['kind', 'callId', 'at', 'mos', 'jitterMs', 'lossPercent'], ...plain },
  ),
  // The voice agent's summary, its turn list (JSON text) present or not.
  fc.record(
    {
      kind: fc.constant('agent' as const),
      ...base,
      turns: fc.nat(1000),
      silenceP50Ms: fc.option(ms, { nil: null }),
      silenceP95Ms: fc.option(ms, { nil: null }),
      interruptions: fc.nat(1000),
      deadAir: fc.nat(1000),
      agentTalkMs: ms,
      callerTalkMs: ms,
      turnList: fc.json({ maxDepth: 2 }).map((j) => `[${stored(j)}]`),
    },
    {
      requiredKeys: [
        'kind',
        'callId',
        'at',
        'turns',
        'silenceP50Ms',
        'silenceP95Ms',
        'interruptions',
        'deadAir',
        'agentTalkMs',
        'callerTalkMs',
      ] as never[],
      ...plain,
    },
  ),
) as fc.Arbitrary<CallUpdate>;

describe('writer codec', () => {
  it('gives back every checked batch field for field, absent fields absent (property)', () => {
    fc.assert(
      fc.property(fc.array(update, { maxLength: 40 }), (updates) => {
        for (const [i, u] of updates.entries()) checkCallUpdate(u, i);
        // Strict: a field decoded as `undefined` where the update had none fails too.
        expect(decodeCalls(encodeCalls(updates))).toStrictEqual(updates);
      }),
      { numRuns: 300 },
    );
  });

  it('an empty batch is empty', () => {
    expect(decodeCalls(encodeCalls([]))).toEqual([]);
  });

  it('keeps -0, the largest ids and astral characters', () => {
    const updates: CallUpdate[] = [
      { kind: 'media', callId: '𝄞'.repeat(100), at: -0, mos: 1, jitterMs: -0, lossPercent: 0 },
      { kind: 'started', callId: 'x', at: 1, direction: 'inbound', channel: 'gsm', to: '' },
    ];
    expect(decodeCalls(encodeCalls(updates))).toStrictEqual(updates);
  });
});
