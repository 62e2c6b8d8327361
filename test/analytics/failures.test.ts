import { afterEach, describe, expect, it } from 'vitest';
import { failures } from '../../src/analytics/failures.js';
import { ValidationError } from '../../src/errors.js';
import type { SqliteCallStore } from '../../src/store/sqlite/store.js';
import { cid, MIN, memoryStore, scriptedUpdates, T0 } from './scripted.js';

let store: SqliteCallStore | undefined;
afterEach(() => store?.close());

describe('failures', () => {
  it('lists the most recent failed calls with reasons and masked numbers', async () => {
    store = memoryStore();
    await store.applyBatch(scriptedUpdates());
    const list = await failures(store, { limit: 3 });
    expect(list).toEqual([
      {
        callId: cid('c14'),
        status: 'failed',
        reason: 'auth',
        outcome: 'challenged',
        sipCode: 401,
        q850: null,
        direction: 'outbound',
        channel: 'sip',
        trunk: 'carrier-a',
        from: '+1555***0013',
        to: '+4420***0013',
        startedAt: T0 + 13 * MIN,
        endedAt: T0 + 13 * MIN + 3000,
        at: T0 + 13 * MIN,
        // The voice-skill guide's keys: the same facts under its names.
        call_id: cid('c14'),
        call_type: 'outbound',
        caller_number: '+1555***0013',
        callee_number: '+4420***0013',
        started_at: new Date(T0 + 13 * MIN).toISOString(),
        ended_at: new Date(T0 + 13 * MIN + 3000).toISOString(),
        duration_seconds: 3,
        failure_reason: 'auth',
      },
      expect.objectContaining({
        callId: cid('c12'),
        status: 'busy',
        reason: 'busy',
        outcome: 'busy',
        q850: 17,
        from: '+1555***0011',
      }),
      expect.objectContaining({
        callId: cid('c10'),
        status: 'failed',
        reason: 'rejected',
        outcome: 'declined',
        sipCode: 603,
      }),
    ]);
    const all = await failures(store);
    expect(all.map((f) => f.callId)).toEqual(
      ['c14', 'c12', 'c10', 'c09', 'c08', 'c07', 'c06', 'c05', 'c04'].map(cid),
    );
    const page2 = await failures(store, { limit: 2, before: T0 + 9 * MIN });
    expect(page2.map((f) => f.callId)).toEqual(['c09', 'c08'].map(cid));
    const busy = await failures(store, { statuses: ['busy', 'no_answer'] });
    expect(busy.map((f) => f.callId)).toEqual(['c12', 'c05', 'c04'].map(cid));
  });

  it('reveals raw numbers only when the store keeps them and the caller asks', async () => {
    store = memoryStore(true);
    await store.applyBatch(scriptedUpdates());
    expect((await failures(store, { limit: 1 }))[0]!.from).toBe('+1555***0013');
    expect((await failures(store, { limit: 1, reveal: true }))[0]!.from).toBe('+15550000013');
  });

  it('validates its options', async () => {
    store = memoryStore();
    await expect(failures(store, { limit: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(failures(store, { statuses: ['completed'] })).rejects.toMatchObject({
      code: 'ST_ANALYTICS_INVALID_STATUS',
    });
  });
});
