/**
 * The SQL generated columns and the JS derivation are built from the same tables; this checks they
 * agree on random facts, so other backends (and readers) can trust the JS version as the spec.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { CALL_STATUSES, FAILURE_REASONS, STORED_CALL_CHANNELS } from '../../src/domain/records.js';
import { HANGUP_PARTIES } from '../../src/domain/vocab.js';
import { deriveStatus, type EndFacts, effectiveReason, kpiFlags } from '../../src/store/records/derive.js';
import { cid } from './contract-kit.js';
import { tempStore } from './helpers.js';

const { store, path, remove } = tempStore();
const peek = new Database(path, { readonly: true });
const kpiOf = peek.prepare('SELECT kpi FROM calls WHERE call_id = ?').pluck();
afterAll(async () => {
  peek.close();
  await remove();
});

const T = Date.UTC(2024, 0, 15);
const endStatuses = CALL_STATUSES.filter((s) => s !== 'active');

describe('status and reason derivation', () => {
  it('SQL generated columns agree with deriveStatus/effectiveReason/kpiFlags', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          channel: fc.constantFrom(...STORED_CALL_CHANNELS),
          ended: fc.boolean(),
          answered: fc.boolean(),
          endStatus: fc.option(fc.constantFrom(...endStatuses)),
          sipCode: fc.option(
            fc.oneof(
              fc.constantFrom(200, 302, 401, 404, 408, 480, 486, 487, 503, 603),
              fc.integer({ min: 100, max: 699 }),
            ),
          ),
          q850: fc.option(
            fc.oneof(fc.constantFrom(16, 17, 18, 19, 21, 34, 102), fc.integer({ min: 0, max: 127 })),
          ),
          reason: fc.option(fc.constantFrom(...FAILURE_REASONS)),
          hangupBy: fc.option(fc.constantFrom(...HANGUP_PARTIES)),
        }),
        async (f) => {
          const callId = `d${n++}`;
          await store.apply({ kind: 'started', callId, at: T, direction: 'outbound', channel: f.channel });
          if (f.answered) await store.apply({ kind: 'answered', callId, at: T + 1000 });
          if (f.ended) {
            await store.apply({
              kind: 'ended',
              callId,
              at: T + 2000,
              ...(f.endStatus ? { status: f.endStatus } : {}),
              ...(f.sipCode !== null ? { sipCode: f.sipCode } : {}),
              ...(f.q850 !== null ? { q850: f.q850 } : {}),
              ...(f.reason ? { reason: f.reason } : {}),
              ...(f.hangupBy ? { hangupBy: f.hangupBy } : {}),
            });
          }
          const facts: EndFacts = {
            endedAt: f.ended ? T + 2000 : null,
            answeredAt: f.answered ? T + 1000 : null,
            endStatus: f.ended ? f.endStatus : null,
            sipCode: f.ended ? f.sipCode : null,
            q850: f.ended ? f.q850 : null,
            reason: f.ended ? f.reason : null,
            hangupBy: f.ended ? f.hangupBy : null,
          };
          const r = (await store.getCall(callId))!;
          expect({ status: r.status, reason: r.reason, kpi: kpiOf.get(cid(callId)) }).toEqual({
            status: deriveStatus(facts),
            reason: effectiveReason(facts),
            kpi: kpiFlags({ ...facts, channel: f.channel }),
          });
        },
      ),
      { numRuns: 2000 },
    );
  });
});
