/**
 * A retry after a restart counts once (issue 47, item 2): `sidetone serve` stores a batch of
 * events with ids and acknowledges it, is stopped (SIGTERM) or killed (SIGKILL), and started again
 * on the same store file; the client sends the same batch again (its answer was lost, say). The
 * new process answers every event a duplicate and counts none of them: before, it answered
 * `duplicates: 0` and counted 50 call attempts again (its window lived in memory), so `increase()`
 * over the restart doubled them. The store keeps only keyed hashes of the ids, never the ids.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteCallStore } from '../../src/store/index.js';
import { serveOn, untilReady } from '../helpers/spawn.js';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-restart-dedupe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HASH = 'restart-dedupe-hash-key-0123456789';
const CALLS = 50;
/** Ids no store may hold in the clear: a marker no hash or other text contains. */
const MARK = 'rdq7-evt';

function batch(): string {
  const lines: unknown[] = [];
  for (let i = 0; i < CALLS; i++) {
    const callId = `call-${i}`;
    lines.push(
      { type: 'call.started', id: `${MARK}-s-${i}`, callId, direction: 'outbound', channel: 'sip' },
      { type: 'call.ended', id: `${MARK}-e-${i}`, callId, sipCode: 200 },
    );
  }
  // An SMS (the store's other transaction) and an event that updates no record at all.
  lines.push({ type: 'sms.received', id: `${MARK}-sms`, from: '+15551234567', modem: 'modem0' });
  lines.push({ type: 'heartbeat', id: `${MARK}-hb`, source: 'restart-test' });
  return lines.map((l) => JSON.stringify(l)).join('\n');
}
const EVENTS = CALLS * 2 + 2;

async function post(url: string): Promise<{ accepted: number; duplicates: number; rejected: number }> {
  const res = await fetch(`${url}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body: batch(),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { accepted: number; duplicates: number; rejected: number };
}

/** The sum of a family's samples in /metrics. */
async function total(url: string, family: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${family}{`) || line.startsWith(`${family} `)) sum += Number(line.split(' ').pop());
  }
  return sum;
}

async function serve(db: string) {
  const proc = await serveOn(db, {
    SIDETONE_STORE_HASH_KEY: HASH,
    SIDETONE_PACKS_CALLS: 'true',
    SIDETONE_PACKS_SMS: 'true',
  });
  await untilReady(proc.url, proc.child, proc.output);
  return proc;
}

describe('a retry after a sidecar restart is a duplicate', () => {
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    it(`${signal}: the same batch after the restart is answered all duplicates and moves no metric`, async () => {
      const db = join(dir, `${signal}.db`);
      const first = await serve(db);
      expect(await post(first.url)).toEqual(expect.objectContaining({ accepted: EVENTS, duplicates: 0 }));
      expect(await total(first.url, 'sidetone_call_attempts_total')).toBe(CALLS);
      first.child.kill(signal);
      await first.exited;

      const second = await serve(db);
      try {
        const again = await post(second.url);
        expect(again).toEqual(expect.objectContaining({ accepted: EVENTS, duplicates: EVENTS, rejected: 0 }));
        expect(await total(second.url, 'sidetone_call_attempts_total')).toBe(0);
        expect(await total(second.url, 'sidetone_sms_received_total')).toBe(0);
        // Then from the window in memory, without the store.
        expect((await post(second.url)).duplicates).toBe(EVENTS);
      } finally {
        second.child.kill('SIGTERM');
        expect(await second.exited).toBe(0);
      }

      const store = await openSqliteCallStore({ path: db, privacy: { hashKey: HASH, storeRaw: false } });
      try {
        const range = { from: 0, to: Date.now() + 60_000 };
        expect((await store.stats(range)).total).toBe(CALLS);
        expect((await store.smsStats(range)).total).toBe(1);
      } finally {
        await store.close();
      }
      // Keyed hashes only: no id in the file (or what is left of its WAL).
      for (const f of readdirSync(dir).filter((f) => f.startsWith(`${signal}.db`))) {
        expect(readFileSync(join(dir, f)).includes(MARK)).toBe(false);
      }
    }, 60_000);
  }
});
