/**
 * A SIP Call-ID often carries a number or an address (`+15551234567@10.0.0.1`). Outputs (failures,
 * CSV and JSON exports, the HTTP routes and the CLI built on them) show such ids as a pseudonym
 * unless revealed, like numbers (issue 12). Plain ids pass unchanged.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { exportCalls } from '../../src/analytics/export.js';
import { failures } from '../../src/analytics/failures.js';
import { detectPii } from '../../src/guard/index.js';
import { displayCallId } from '../../src/store/privacy.js';
import type { SqliteCallStore } from '../../src/store/sqlite.js';
import { memoryStore, T0 } from './scripted.js';

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
  it('pseudonymises ids that carry PII, stably; keeps plain ids; reveal shows the raw id', () => {
    const id = '+15551234567@10.0.0.1';
    const shown = displayCallId(id);
    expect(shown).toMatch(/^cid:[0-9a-f]{12}$/);
    expect(displayCallId(id)).toBe(shown);
    expect(displayCallId('+15551234568@10.0.0.1')).not.toBe(shown);
    expect(displayCallId('call-0042')).toBe('call-0042');
    expect(displayCallId(id, true)).toBe(id);
  });

  it('no planted number or address in failures, CSV or JSON export (fuzz)', async () => {
    const phone = fc.integer({ min: 2_000_000_000, max: 9_999_999_999 }).map((n) => `+1${n}`);
    const ip = fc
      .tuple(fc.integer({ min: 1, max: 254 }), fc.integer({ min: 0, max: 255 }))
      .map(([a, b]) => `10.${a}.${b}.7`);
    const ids = fc.uniqueArray(
      fc.oneof(
        fc.tuple(phone, ip).map(([p, i]) => `${p}@${i}`),
        phone.map((p) => `sip:${p}@pbx.example.com`),
        fc.tuple(fc.stringMatching(/^[0-9a-f]{16}$/), ip).map(([h, i]) => `${h}@${i}`),
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
          for (const part of id.split(/[@:]/))
            if (detectPii(part) !== undefined) expect(outputs).not.toContain(part);
        }
      }),
      { numRuns: 50 },
    );
    expect(planted).toBeGreaterThan(50);
  });
});
