/**
 * Call ids are PII by default, not by pattern (issue 31, defect 7): a SIP Call-ID may carry a
 * number or an address (`+15551234567@10.0.0.1`), and an app's id may be a name
 * (`Margaret-Thatcher-1234`) that no detector flags. The store keeps only the keyed `cid:…` hash
 * (the numbers key), so failures, CSV and JSON exports show it, and a lookup by the id as sent
 * hashes it alike. `revealCallIds` keeps ids as sent.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { exportCalls } from '../../src/analytics/export.js';
import { failures } from '../../src/analytics/failures.js';
import { isRecordRef, recordIds } from '../../src/store/privacy.js';
import { SqliteCallStore } from '../../src/store/sqlite/store.js';
import { KEY, memoryStore, T0 } from './scripted.js';

let store: SqliteCallStore | undefined;
afterEach(() => store?.close());

async function drain(it: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const chunk of it) out += chunk;
  return out;
}

const failed = (callId: string, i: number) => [
  {
    kind: 'started' as const,
    callId,
    at: T0 + i * 1000,
    direction: 'outbound' as const,
    channel: 'sip' as const,
  },
  { kind: 'ended' as const, callId, at: T0 + i * 1000 + 500, sipCode: 503 },
];

describe('call ids in outputs', () => {
  it('hashes every id with the key, stably and idempotently; reveal keeps it; another key differs', () => {
    const ids = recordIds({ hashKey: KEY, storeRaw: false }, 'cid');
    for (const id of ['+15551234567@10.0.0.1', 'Margaret-Thatcher-1234', 'call-0042', 'c1']) {
      const ref = ids(id);
      expect(ref).toMatch(/^cid:[0-9a-f]{24}$/);
      expect(isRecordRef(ref)).toBe(true);
      expect(ids(id)).toBe(ref);
      expect(ids(ref)).toBe(ref);
      expect(recordIds({ hashKey: `${KEY}-other`, storeRaw: false }, 'cid')(id)).not.toBe(ref);
      expect(recordIds({ hashKey: KEY, storeRaw: false, revealCallIds: true }, 'cid')(id)).toBe(id);
    }
    expect(ids('+15551234568@10.0.0.1')).not.toBe(ids('+15551234567@10.0.0.1'));
  });

  it('looks a call up by the id as sent and by its reference; reveal stores the id as sent', async () => {
    store = memoryStore();
    await store.applyBatch(failed('Margaret-Thatcher-1234', 0));
    const byId = await store.getCall('Margaret-Thatcher-1234');
    expect(byId?.callId).toMatch(/^cid:[0-9a-f]{24}$/);
    expect((await store.getCall(byId!.callId))?.callId).toBe(byId!.callId);
    expect(await store.getCall('Margaret-Thatcher-1235')).toBeUndefined();
    store.close();
    store = new SqliteCallStore({
      path: ':memory:',
      privacy: { hashKey: KEY, storeRaw: false, revealCallIds: true },
    });
    await store.applyBatch(failed('Margaret-Thatcher-1234', 0));
    expect((await store.getCall('Margaret-Thatcher-1234'))?.callId).toBe('Margaret-Thatcher-1234');
  });

  it('no planted id (numbers, addresses, names) in failures, CSV or JSON export (fuzz)', async () => {
    const phone = fc.integer({ min: 2_000_000_000, max: 9_999_999_999 }).map((n) => `+1${n}`);
    const ip = fc
      .tuple(fc.integer({ min: 1, max: 254 }), fc.integer({ min: 0, max: 255 }))
      .map(([a, b]) => `10.${a}.${b}.7`);
    const name = fc.stringMatching(/^[A-Z][a-z]{3,9}$/);
    const ids = fc.uniqueArray(
      fc.oneof(
        fc.tuple(phone, ip).map(([p, i]) => `${p}@${i}`),
        phone.map((p) => `sip:${p}@pbx.example.com`),
        phone,
        fc.tuple(fc.stringMatching(/^[0-9a-f]{16}$/), ip).map(([h, i]) => `${h}@${i}`),
        fc.tuple(name, name, fc.integer({ min: 1000, max: 9999 })).map(([a, b, n]) => `${a}-${b}-${n}`),
      ),
      { minLength: 1, maxLength: 20 },
    );
    let planted = 0;
    await fc.assert(
      fc.asyncProperty(ids, async (list) => {
        store?.close();
        store = memoryStore();
        await store.applyBatch(list.flatMap((id, i) => failed(id, i)));
        const outputs = [
          JSON.stringify(await failures(store, { limit: 100 })),
          await drain(exportCalls(store, { from: T0 - 1, to: T0 + 3_600_000, format: 'csv' })),
          await drain(exportCalls(store, { from: T0 - 1, to: T0 + 3_600_000, format: 'json' })),
        ].join('\n');
        for (const id of list) {
          planted++;
          expect(outputs).not.toContain(id);
          for (const part of id.split(/[@:-]/))
            if (/[A-Za-z]{4}|\d{7}/.test(part)) expect(outputs).not.toContain(part);
        }
      }),
      { numRuns: 50 },
    );
    expect(planted).toBeGreaterThan(50);
  });
});
