/**
 * What both backends' background rewrite of raw ids must show (sqlite/id-rewrite.ts,
 * postgres/id-rewrite.ts): the same store shape, and the same reads while the rewrite is left.
 */
import { expect } from 'vitest';
import { IN_OPEN_ROWS } from '../../src/store/stored-ids.js';
import type { CallStore } from '../../src/store/types.js';
import { cid, mid } from './contract-kit.js';

export const NOW = Date.now();
export const OLD = Date.UTC(2024, 0, 15, 10, 0, 0);
/** Enough calls that the rewrite is not all done in the open (two id columns per table). */
export const CALLS = IN_OPEN_ROWS / 2 + 5_000;
export const SMS = 2_000;
/** The raw id of call `i` (row id i + 1): a name, as a Call-ID may hold one. */
export const raw = (i: number) => `Margaret-Thatcher-${i}@pbx`;
/** The calls whose rows events may still reach: an old call never ended, and one from an hour ago. */
export const ACTIVE = 7;
export const RECENT = CALLS - 1;

/**
 * Reads show the ids as they will be while old rows are still raw: by the id as sent, by the
 * hash, in a listing, in SMS; then the call left active at the upgrade ends, and its event,
 * hashed as it arrives, finds its row.
 */
export async function expectShownHashed(store: CallStore): Promise<void> {
  expect((await store.getCall(raw(0)))?.callId).toBe(cid(raw(0)));
  expect((await store.getCall(raw(0)))?.endToEndId).toBe(cid(raw(0)));
  expect((await store.getCall(cid(raw(RECENT))))?.callId).toBe(cid(raw(RECENT)));
  const listed: string[] = [];
  for await (const c of store.iterateCalls({ from: OLD, to: OLD + 100_000 })) listed.push(c.callId);
  expect(listed).toEqual(Array.from({ length: 100 }, (_, i) => cid(raw(i))));
  expect((await store.getSms('sms-to-Margaret-3'))?.messageId).toBe(mid('sms-to-Margaret-3'));

  await store.applyBatch([
    { kind: 'ended', callId: raw(ACTIVE), at: OLD + ACTIVE * 1000 + 5000, sipCode: 486 },
  ]);
  expect((await store.getCall(cid(raw(ACTIVE))))?.status).toBe('busy');
}
