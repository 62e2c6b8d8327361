/**
 * SIGKILL loops (issue 12): `sidetone serve` takes batches over HTTP and is killed with SIGKILL at
 * random moments, again and again, on one store file. The client behaves like a real sender: a batch
 * that got a 2xx is done; one whose request failed is sent again, with the same event ids, after the
 * restart. At the end every acknowledged call and SMS is in the store exactly once, and nothing sent
 * twice is counted twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/sources/simulator/random.js';
import { openSqliteCallStore } from '../../src/store/index.js';
import { serveOn } from '../helpers/spawn.js';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-sigkill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HASH = 'sigkill-loop-hash-key-0123456789';
const KILLS = 8;
const PER_BATCH = 100;

interface Batch {
  n: number;
  body: string;
}

function makeBatch(n: number): Batch {
  const lines: unknown[] = [];
  for (let i = 0; i < PER_BATCH; i++) {
    const k = `${n}-${i}`;
    lines.push(
      {
        type: 'call.started',
        id: `s-${k}`,
        callId: `call-${k}`,
        direction: 'outbound',
        channel: 'sip',
        to: '+15551234567',
      },
      { type: 'call.ended', id: `e-${k}`, callId: `call-${k}`, sipCode: 200 },
      { type: 'sms.sent', id: `m-${k}`, reference: (n * PER_BATCH + i) % 256, to: '+15557654321' },
    );
  }
  return { n, body: lines.map((l) => JSON.stringify(l)).join('\n') };
}

async function post(url: string, b: Batch): Promise<boolean> {
  try {
    const res = await fetch(`${url}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: b.body,
    });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false; // the connection died with the process: unknown, so sent again
  }
}

describe('sidetone serve under SIGKILL loops', () => {
  it(`${KILLS} SIGKILLs at random moments: every acknowledged item stored once, retries never counted twice`, async () => {
    const db = join(dir, 'calls.db');
    const rng = new Rng(12);
    const acked = new Set<number>();
    let retry: Batch[] = [];
    let next = 0;
    let killedInFlight = 0;
    for (let round = 0; round <= KILLS; round++) {
      const proc = await serveOn(db, {
        SIDETONE_STORE_HASH_KEY: HASH,
        SIDETONE_PACKS_CALLS: 'true',
        SIDETONE_PACKS_SMS: 'true',
      });
      const url = proc.url;
      // What failed before the last kill goes first, with the same ids.
      const pending = retry;
      retry = [];
      for (const b of pending) (await post(url, b)) ? acked.add(b.n) : retry.push(b);
      if (round === KILLS) {
        proc.child.kill('SIGTERM');
        expect(await proc.exited).toBe(0);
        break;
      }
      const killAt = Date.now() + rng.between(150, 1200);
      let inFlight: Promise<void> | undefined;
      const sender = (async () => {
        while (proc.child.exitCode === null && proc.child.signalCode === null) {
          const b = makeBatch(next++);
          inFlight = post(url, b).then((ok) => {
            if (ok) acked.add(b.n);
            else retry.push(b);
          });
          await inFlight;
        }
      })();
      await new Promise((r) => setTimeout(r, Math.max(0, killAt - Date.now())));
      proc.child.kill('SIGKILL');
      await proc.exited;
      await sender;
      if (retry.length > 0) killedInFlight++;
    }
    expect(retry).toEqual([]);
    expect(acked.size).toBe(next);
    // Most kills landed while a batch was in flight, which is what the test is about.
    expect(killedInFlight).toBeGreaterThan(KILLS / 2);

    const store = await openSqliteCallStore({ path: db, privacy: { hashKey: HASH, storeRaw: false } });
    try {
      const range = { from: 0, to: Date.now() + 60_000 };
      const stats = await store.stats(range);
      expect(stats.total).toBe(next * PER_BATCH);
      expect(stats.byStatus.completed).toBe(next * PER_BATCH);
      expect((await store.smsStats(range)).total).toBe(next * PER_BATCH);
      for (const n of [0, Math.floor(next / 2), next - 1]) {
        expect(await store.getCall(`call-${n}-0`)).toMatchObject({ status: 'completed' });
      }
    } finally {
      await store.close();
    }
    console.log(
      `sigkill loop: ${KILLS} kills, ${next} batches (${next * PER_BATCH * 3} events), ${killedInFlight} kills with a batch in flight, 0 lost, 0 counted twice`,
    );
  }, 120_000);
});
