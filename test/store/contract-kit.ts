/** Shared pieces of the CallStore contract: harness types, fixtures and small helpers. */
import { recordIds } from '../../src/store/privacy.js';
import type { CallStore, CallUpdate, SmsUpdate } from '../../src/store/types.js';

export const KEY = 'contract-test-hash-key-0123456789';
/** A call's and a message's id as every store keeps and returns it by default (keyed hash). */
export const cid = recordIds({ hashKey: KEY, storeRaw: false }, 'cid');
export const mid = recordIds({ hashKey: KEY, storeRaw: false }, 'mid');
export const T = Date.UTC(2024, 0, 15, 10, 0, 0);
/** A delivery report on modem0 that finds its submission by the reference as sent (TP-MR or provider id). */
export const deliveredByReference = (reference: string, at: number): SmsUpdate => ({
  kind: 'delivery',
  messageId: 'report-1',
  at,
  outcome: 'delivered',
  match: { reference, gateway: 'modem0' },
});

export interface ContractHarness {
  store: CallStore;
  /** Close the store and open the same storage again. */
  reopen(): Promise<CallStore>;
  /** Remove the storage (the store may already be closed). */
  cleanup(): Promise<void>;
  /**
   * Close the store, empty its rollups and leave them to the background build as an upgrade from
   * before them does (rollup/build.ts), and open it again without that build running on its own,
   * its slices `sliceRecords` records (kept for later `reopen`s).
   */
  withoutRollups(sliceRecords: number): Promise<CallStore>;
}
export type ContractFactory = (opts: {
  storeRaw: boolean;
  /** Passed to the store: 0 makes every percentile come from the rollup histogram. */
  exactPercentilesUpTo?: number;
}) => Promise<ContractHarness>;

/** The updates of one normal answered call. */
const AGENT_1 = {
  turns: 1,
  silenceP50Ms: 900,
  silenceP95Ms: 900,
  interruptions: 0,
  deadAir: 0,
  agentTalkMs: 4000,
  callerTalkMs: 2000,
};
const AGENT_2 = {
  ...AGENT_1,
  turns: 2,
  silenceP50Ms: 1100,
  silenceP95Ms: 1280.5,
  agentTalkMs: 9000,
  callerTalkMs: 3600,
};
/** The summary `lifecycle` leaves on its call. */
export const LIFECYCLE_AGENT = { ...AGENT_2, interruptions: 1, talkListenRatio: 2.5 };

export function lifecycle(
  callId: string,
  at: number,
  extra: Partial<{ from: string; to: string }> = {},
): CallUpdate[] {
  return [
    { kind: 'started', callId, at, direction: 'outbound', channel: 'sip', trunk: 'carrier-a', ...extra },
    { kind: 'ringing', callId, at: at + 2000 }, // 180 Ringing
    { kind: 'ringing', callId, at: at + 3000 }, // 183 Session Progress: PDD keeps the first
    { kind: 'answered', callId, at: at + 5000 },
    { kind: 'media', callId, at: at + 30_000, mos: 4.2, jitterMs: 12, lossPercent: 0.5, rttMs: 80 },
    { kind: 'media', callId, at: at + 60_000, mos: 3.9, jitterMs: 8, lossPercent: 1.5 },
    { kind: 'transcript', callId, at: at + 65_000 },
    // The voice agent's summary as it grows: the one with the most turns (then interruptions) wins.
    { kind: 'agent', callId, at: at + 20_000, ...AGENT_1 },
    { kind: 'agent', callId, at: at + 40_000, ...AGENT_2 },
    { kind: 'agent', callId, at: at + 41_000, ...AGENT_2, interruptions: 1 },
    { kind: 'ended', callId, at: at + 65_000, sipCode: 200, hangupBy: 'callee' },
  ];
}

/** Floats (media averages) summed in another order may differ in their last bits. */
export function rounded<T>(x: T): T {
  return JSON.parse(JSON.stringify(x), (_k, v) =>
    typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(10)) : v,
  ) as T;
}

export async function applyAll(store: CallStore, us: readonly CallUpdate[]) {
  for (const u of us) await store.apply(u);
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** What each part of the contract gets: a way to open a fresh store and the current harness. */
export interface ContractContext {
  open(storeRaw?: boolean, opts?: { exactPercentilesUpTo?: number }): Promise<CallStore>;
  harness(): ContractHarness;
}
