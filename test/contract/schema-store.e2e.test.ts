/**
 * Schema and store agree: any item the event schema accepts, the store stores and a read shows (a
 * property over generated events at and around every store limit, on SQLite through its writer
 * thread as the sidecar writes, and on PostgreSQL), and an item the store would refuse is refused
 * at the edge by name (field path and reason) while the good items of its batch are kept.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { STORE_LIMITS } from '../../src/domain/limits.js';
import { EventBus } from '../../src/events/bus.js';
import { parseEvent } from '../../src/events/schemas.js';
import { storeSink } from '../../src/sinks/store-sink.js';
import { openPostgresCallStore } from '../../src/store/postgres/store.js';
import { recordIds } from '../../src/store/privacy.js';
import { openSqliteCallStore } from '../../src/store/sqlite/store.js';
import type { CallStore } from '../../src/store/types.js';
import { dropSchema, freshSchema, postgresForFile } from '../helpers/postgres.js';
import { tempDir } from '../store/helpers.js';
import { harness } from './surfaces.js';

const NOW = Date.UTC(2026, 0, 10, 12, 0);
const str = (n: number) => 'x'.repeat(n);
// Values on both sides of each store limit, plus ordinary ones; U+0000, which PostgreSQL's text
// cannot hold (issue 31: a call id with one stopped all ingest on PostgreSQL).
const id = fc.constantFrom(
  '',
  'c',
  str(199),
  str(200),
  str(201),
  str(256),
  '+15551234567@10.0.0.1',
  'c\u0000d',
);
const text = fc.constantFrom('', '+447700900123', str(64), str(65), str(200), str(201), str(256), 't\u0000');
// Both sides of the time window (STORE_LIMITS.tsMin, 2000-01-01, to tsMax, 2100-01-01), in both
// forms, and the unit errors of issue 31: 1e16 (past JavaScript dates), 2^63 and 1e20 (past SQLite's
// and PostgreSQL's integers), each of which once wedged or broke a consumer.
const ts = fc.constantFrom<unknown>(
  STORE_LIMITS.tsMin,
  NOW,
  STORE_LIMITS.tsMax,
  STORE_LIMITS.tsMin - 1,
  STORE_LIMITS.tsMax + 1,
  0,
  1e15,
  1e16,
  2 ** 63,
  1e20,
  '1999-12-31T23:59:59Z',
  '2000-01-01T00:00:00Z',
  '2026-01-10T11:00:00Z',
  '2100-01-01T00:00:00Z',
  '2100-01-01T00:00:00.001Z',
  undefined,
);
const big = fc.constantFrom(0, 1, 255, 1e6, 1e6 + 1, 1e9, 1e9 + 1, -1, 2 ** 32, 0.5);
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const candidate: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({
    type: fc.constant('call.started'),
    callId: id,
    direction: fc.constant('outbound'),
    channel: fc.constantFrom('sip', 'pstn'),
    trunk: opt(text),
    from: opt(text),
    to: opt(text),
    ts,
  }),
  fc.record({ type: fc.constantFrom('call.ringing', 'call.answered'), callId: id, ts }),
  fc.record({
    type: fc.constant('call.ended'),
    callId: id,
    sipCode: opt(fc.constantFrom(99, 100, 486, 699, 700)),
    q850: opt(fc.constantFrom(-1, 0, 127, 128)),
    timeout: opt(fc.boolean()),
    ts,
  }),
  fc.record({
    type: fc.constant('media.report'),
    callId: opt(id),
    codec: opt(fc.constantFrom('PCMU', 'opus')),
    clockRate: opt(fc.constantFrom(1, 8000, 48000)),
    packetsReceived: opt(big),
    packetsLost: opt(big),
    fractionLost: opt(fc.constantFrom(0, 128, 255, 256)),
    jitter: opt(big),
    jitterMs: opt(big),
    rttMs: opt(big),
    rtcp: opt(
      fc.record({
        arrival: fc.constantFrom(0, 2 ** 32 - 1),
        lsr: fc.constantFrom(0, 2 ** 31),
        dlsr: fc.constantFrom(0, 5),
      }),
    ),
    ts,
  }),
  fc.record({ type: fc.constant('voiceai.transcript'), callId: opt(id), present: fc.boolean(), ts }),
  fc.record({
    type: fc.constant('sms.received'),
    from: text,
    to: opt(text),
    segments: opt(big),
    modem: opt(text),
    ts,
  }),
  fc.record({
    type: fc.constant('sms.sent'),
    to: text,
    reference: opt(fc.oneof(id, big)),
    segments: opt(big),
    modem: opt(text),
    ts,
  }),
  fc.record({
    type: fc.constant('sms.send_failed'),
    reference: opt(fc.oneof(id, big)),
    cmsError: opt(big),
    ts,
  }),
  fc.record({
    type: fc.constant('sms.delivery_report'),
    reference: opt(fc.oneof(id, big)),
    tpStatus: opt(fc.constantFrom(0, 64, 255, 256)),
    providerStatus: opt(fc.constantFrom('delivered', 'undelivered')),
    errorCode: opt(fc.oneof(big, fc.constantFrom('30003', ''))),
    ts,
  }),
);

/** Drop undefined fields, as JSON would. */
const clean = (o: Record<string, unknown>) => JSON.parse(JSON.stringify(o)) as unknown;

const pg = postgresForFile();
const dir = tempDir('sidetone-schema-store-');
afterAll(() => dir.remove());
const privacy = { hashKey: 'schema-store-key-0123456789', storeRaw: true };
// The id a read shows for a call: its keyed reference (call ids are not stored as sent).
const callRef = recordIds(privacy, 'cid');

/**
 * Generated batches through a store sink: nothing the schema accepts is refused (no write error,
 * no dead letter), and every accepted call is in a read over the whole time window.
 */
async function acceptedIsStored(store: CallStore): Promise<void> {
  let accepted = 0;
  let refused = 0;
  const calls = new Set<string>();
  await fc.assert(
    fc.asyncProperty(fc.array(candidate, { minLength: 1, maxLength: 20 }), async (items) => {
      const bus = new EventBus();
      const errors: unknown[] = [];
      const sink = storeSink(bus, store, { onError: (e) => errors.push(e) });
      for (const item of items) {
        const r = parseEvent(clean(item));
        if (!r.ok) {
          refused++;
          continue;
        }
        accepted++;
        if (r.event.type.startsWith('call.')) calls.add(callRef((r.event as { callId: string }).callId));
        bus.emit(r.event);
      }
      await sink.close(); // rejects if the store failed on anything the schema let through
      expect(errors).toEqual([]);
      expect(sink.stats.deadLettered).toBe(0);
    }),
    { numRuns: 600 },
  );
  // The generator reaches both sides of the limits.
  expect(accepted).toBeGreaterThan(300);
  expect(refused).toBeGreaterThan(300);
  const shown = new Set<string>();
  for await (const c of store.iterateCalls({ from: STORE_LIMITS.tsMin, to: STORE_LIMITS.tsMax + 1 })) {
    shown.add(c.callId);
  }
  expect([...calls].filter((c) => !shown.has(c))).toEqual([]);
}

describe('schema vs store', () => {
  it('any item the schema accepts, SQLite stores and a read shows', async () => {
    const store = await openSqliteCallStore({ path: join(dir.dir, 'calls.db'), privacy });
    try {
      await acceptedIsStored(store);
    } finally {
      await store.close();
    }
  });

  it('any item the schema accepts, PostgreSQL stores and a read shows', async () => {
    const schema = freshSchema();
    const store = await openPostgresCallStore({ url: pg.url, schema, privacy });
    try {
      await acceptedIsStored(store);
    } finally {
      await store.close();
      await dropSchema(pg.url, schema);
    }
  });

  it('refuses each out-of-limit item by name and keeps the good ones of its batch', async () => {
    const h = harness({ now: NOW, trunks: [] });
    const good = {
      type: 'call.started',
      callId: 'ok-1',
      direction: 'outbound',
      channel: 'sip',
      ts: NOW - 1000,
    };
    const res = await h.fetch(
      new Request('http://localhost/events', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([
          good,
          { ...good, callId: '' },
          { ...good, callId: str(201) },
          { type: 'sms.sent', to: '+447700900123', reference: '' },
          { type: 'sms.send_failed', cmsError: 1e9 + 1 },
          { type: 'media.report', callId: 'ok-1', jitterMs: 1e6 + 1 },
          { type: 'media.report', callId: 'ok-1', jitter: 2 ** 31, clockRate: 1 },
          { ...good, callId: 'ok-2', ts: '1969-12-31T23:59:59Z' },
        ]),
      }),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      accepted: number;
      errors: Array<{ index: number; issues: Array<{ path: string }> }>;
    };
    expect(body.accepted).toBe(1);
    expect(body.errors.map((e) => [e.index, e.issues[0]!.path])).toEqual([
      [1, 'callId'],
      [2, 'callId'],
      [3, 'reference'],
      [4, 'cmsError'],
      [5, 'jitterMs'],
      [6, 'jitter'],
      [7, 'ts'],
    ]);
    expect(await h.store.getCall('ok-1')).toBeDefined();
    await h.close();
  });
});
