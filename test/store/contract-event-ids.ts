/**
 * Contract: the ids of ingested events kept with the store (store/event-ids.ts, issue 47): written
 * in the transaction of the updates they came with, found again after a reopen, none kept by a
 * write that failed, aged and bounded like the in-memory dedupe window.
 */
import { expect, it } from 'vitest';
import type { CallStore } from '../../src/store/types.js';
import { type ContractContext, lifecycle, T } from './contract-kit.js';

const WINDOW = { keep: 100_000, since: T - 15 * 60_000 };
const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

/** Which of `asked` the store kept at or after `since`, as a restarted sidecar reads them. */
async function found(store: CallStore, asked: readonly string[], since: number): Promise<Set<string>> {
  const kept = await store.storedEventIds(since);
  return new Set(asked.filter((id) => kept.has(id, since)));
}

export function eventIdsContract(ctx: ContractContext): void {
  const open = ctx.open;

  it('keeps the event ids of a call batch and an SMS batch: found after a reopen, the others not', async () => {
    const store = await open();
    const calls = ids('call-evt', 50);
    await store.applyBatch(
      calls.map((_, i) => ({
        kind: 'started' as const,
        callId: `c${i}`,
        at: T,
        direction: 'outbound' as const,
        channel: 'sip' as const,
      })),
      { ids: calls, at: T, ...WINDOW },
    );
    await store.applySmsBatch([{ kind: 'received', messageId: 'm1', at: T, from: '+15551234567' }], {
      ids: ['sms-evt'],
      at: T,
      ...WINDOW,
    });
    const asked = [...calls, 'sms-evt', 'never-sent', 'call-evt-50'];
    const expected = new Set([...calls, 'sms-evt']);
    expect(await found(store, asked, WINDOW.since)).toEqual(expected);
    const again = await ctx.harness().reopen();
    expect(await found(again, asked, WINDOW.since)).toEqual(expected);
    expect((await again.storedEventIds(T + 1)).has('call-evt-0', T + 1)).toBe(false);
  });

  it('keeps the ids of events that updated nothing (a batch of no updates)', async () => {
    const store = await open();
    expect(await store.applyBatch([], { ids: ['heartbeat-1', 'heartbeat-2'], at: T, ...WINDOW })).toBe(0);
    expect(await store.applySmsBatch([], { ids: ['report-1'], at: T, ...WINDOW })).toBe(0);
    expect(await found(store, ['heartbeat-1', 'heartbeat-2', 'report-1', 'x'], WINDOW.since)).toEqual(
      new Set(['heartbeat-1', 'heartbeat-2', 'report-1']),
    );
  });

  it('a batch the store refused keeps none of its ids (they go with its updates or not at all)', async () => {
    const store = await open();
    const good = lifecycle('c1', T);
    const bad = {
      kind: 'started',
      callId: 'c2',
      at: Number.NaN,
      direction: 'outbound',
      channel: 'sip',
    } as const;
    await expect(store.applyBatch([...good, bad], { ids: ['e1', 'e2'], at: T, ...WINDOW })).rejects.toThrow(
      /at/,
    );
    expect(await found(store, ['e1', 'e2'], WINDOW.since)).toEqual(new Set());
    expect(await store.getCall('c1')).toBeUndefined();
  });

  it('ages ids out and keeps at most `keep`, oldest dropped first', async () => {
    const store = await open();
    const minute = 60_000;
    // Three writes a minute apart, with a window of 2 minutes and 5 ids.
    const window = { keep: 5 };
    await store.applyBatch([], { ids: ids('a', 3), at: T, since: T - 2 * minute, ...window });
    await store.applyBatch([], { ids: ids('b', 3), at: T + minute, since: T - minute, ...window });
    // Asked for the last 2 minutes: a-* are there but only 5 ids are kept (a-0 dropped).
    expect(await found(store, [...ids('a', 3), ...ids('b', 3)], T - 2 * minute)).toEqual(
      new Set(['a-1', 'a-2', 'b-0', 'b-1', 'b-2']),
    );
    // A read's `since` leaves out what is older, kept or not.
    expect(await found(store, [...ids('a', 3), ...ids('b', 3)], T + 1)).toEqual(new Set(ids('b', 3)));
    // The third write, 3 minutes after the first: the a-* ids are past its age and dropped.
    await store.applyBatch([], { ids: ['c-0'], at: T + 3 * minute, since: T + minute, ...window });
    expect(await found(store, [...ids('a', 3), ...ids('b', 3), 'c-0'], 0)).toEqual(
      new Set(['b-0', 'b-1', 'b-2', 'c-0']),
    );
  });

  it('an id stored again after it aged out is kept with its new time', async () => {
    const store = await open();
    await store.applyBatch([], { ids: ['r'], at: T, ...WINDOW });
    await store.applyBatch([], { ids: ['r', 's'], at: T + 60_000, ...WINDOW });
    expect(await found(store, ['r', 's'], T + 1)).toEqual(new Set(['r', 's']));
  });
}
