/**
 * The records a large version-3 store's attach leaves without key rows (postgres/partitions.ts
 * `Unkeyed`): the day kept in `sidetone_meta` read back, and the filing statements a store makes
 * from it. Written against PostgreSQL in test/store/postgres-attach.e2e.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { DAY_MS, keyFiling, parseUnkeyed } from '../../src/store/postgres/partitions.js';

const D = Date.UTC(2024, 2, 12);

describe('unkeyed days', () => {
  it.each([
    [JSON.stringify({ calls: D, sms: D - DAY_MS }), { calls: D, sms: D - DAY_MS }],
    [JSON.stringify({ calls: D }), { calls: D }],
    // Not a day's midnight, not an integer, not a number, not JSON, no value: no unkeyed day.
    [JSON.stringify({ calls: D + 1, sms: 1.5 }), {}],
    [JSON.stringify({ calls: String(D) }), {}],
    ['{"calls":', {}],
    [undefined, {}],
  ])('reads %s as %j', (value, want) => {
    expect(parseUnkeyed(value)).toEqual(want);
  });

  it('files as before in a store without unkeyed records, and looks only in the unkeyed day otherwise', () => {
    const plain = keyFiling({});
    expect(plain.callKeys).not.toMatch(/FROM calls/);
    expect(plain.smsKey).not.toMatch(/FROM sms\b/);
    const attached = keyFiling({ calls: D, sms: D - DAY_MS });
    expect(attached.callKeys).toContain(`FROM calls WHERE call_id = b.id AND filed_day = ${D} LIMIT 1`);
    expect(attached.callKeys).toContain(`SELECT call_id, filed_day FROM ins WHERE filed_day = ${D}`);
    expect(attached.smsKey).toContain(`FROM sms WHERE message_id = $1 AND filed_day = ${D - DAY_MS} LIMIT 1`);
    expect(keyFiling({ sms: D }).callKeys).toBe(plain.callKeys);
  });
});
