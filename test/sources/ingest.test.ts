import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../src/events/bus.js';
import type { SidetoneEvent } from '../../src/events/types.js';
import { type App, createApp } from '../../src/http/app.js';
import { type Served, serve } from '../../src/http/node.js';
import { Registry } from '../../src/metrics/index.js';
import { storeSink } from '../../src/sinks/store-sink.js';
import { ingestRoute } from '../../src/sources/ingest.js';
import { openSqliteCallStore, type SqliteCallStore } from '../../src/store/index.js';
import { callRoute } from '../helpers/route.js';

const INGEST = 'ingest-token-0123456789abcdef';
const SCRAPE = 'scrape-token-0123456789abcdef';

describe('POST /events', () => {
  let dir: string;
  let store: SqliteCallStore;
  let bus: EventBus;
  let app: App;
  let seen: SidetoneEvent[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sidetone-ingest-'));
    store = await openSqliteCallStore({
      path: join(dir, 'calls.db'),
      privacy: { hashKey: 'test-hash-key-0123456789', storeRaw: false },
    });
    bus = new EventBus();
    seen = [];
    bus.onAny((e) => seen.push(e));
    const sink = storeSink(bus, store);
    app = createApp({ auth: { ingest: { tokens: [INGEST] }, scrape: { tokens: [SCRAPE] } } });
    app.route('POST', '/events', ingestRoute(bus, { sink, maxBodyBytes: 4096 }), {
      auth: 'ingest',
    });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (body: string, type = 'application/json', token: string | null = INGEST) =>
    app.fetch(
      new Request('http://localhost/events', {
        method: 'POST',
        headers: { 'content-type': type, ...(token !== null && { authorization: `Bearer ${token}` }) },
        body,
      }),
    );

  it('accepts one JSON event and stores it before answering', async () => {
    const res = await post(
      JSON.stringify({
        type: 'call.started',
        callId: 'c1',
        direction: 'inbound',
        channel: 'sip',
        from: '+15551234567',
      }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 0, rejected: 0, errors: [] });
    const call = await store.getCall('c1');
    expect(call?.status).toBe('active');
    expect(call?.fromMasked).toBe('+1555***4567');
  });

  it('keeps the good lines of a mixed NDJSON batch and names each bad line with field path and reason', async () => {
    const lines = [
      JSON.stringify({ type: 'sms.received', from: '+15551234567', body: 'hi' }),
      '{not json',
      JSON.stringify({ type: 'call.started', callId: 'c2', direction: 'sideways', channel: 'sip' }),
      '',
      JSON.stringify({ type: 'modem.signal', csq: { rssi: 99, ber: 'x' } }),
      JSON.stringify({ type: 'no.such.event' }),
      JSON.stringify({ type: 'call.started', callId: 'c3', direction: 'outbound', channel: 'sip' }),
    ].join('\n');
    const res = await post(lines, 'application/x-ndjson');
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      accepted: number;
      rejected: number;
      errors: Array<{ index: number; line: number; issues: Array<{ path: string; message: string }> }>;
    };
    expect(body.accepted).toBe(2);
    expect(body.rejected).toBe(4);
    expect(body.errors.map((e) => e.line)).toEqual([2, 3, 5, 6]);
    expect(body.errors[0]?.issues[0]?.message).toMatch(/not JSON/);
    expect(body.errors[1]?.issues.map((i) => i.path)).toContain('direction');
    expect(body.errors[2]?.issues.map((i) => i.path)).toContain('csq.ber');
    expect(body.errors[3]?.issues[0]?.path).toBe('type');
    expect(seen.map((e) => e.type)).toEqual(['sms.received', 'call.started']);
    expect((await store.getCall('c3'))?.direction).toBe('outbound');
  });

  it('a JSON array works like NDJSON, with array indexes', async () => {
    const res = await post(
      JSON.stringify([{ type: 'heartbeat' }, { type: 'heartbeat', intervalSeconds: -1 }]),
    );
    const body = (await res.json()) as { accepted: number; errors: Array<{ index: number }> };
    expect(body.accepted).toBe(1);
    expect(body.errors.map((e) => e.index)).toEqual([1]);
  });

  it('answers 400 when nothing was accepted', async () => {
    expect((await post(JSON.stringify({ type: 'heartbeat', ts: 'yesterday' }))).status).toBe(400);
    expect((await post('{oops')).status).toBe(400);
  });

  it('refuses a wrong content type (415) and an oversized body (413)', async () => {
    const wrong = await post('type=heartbeat', 'application/x-www-form-urlencoded');
    expect(wrong.status).toBe(415);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toMatch(
      /application\/x-ndjson/,
    );
    const big = JSON.stringify(
      Array.from({ length: 200 }, () => ({ type: 'heartbeat', source: 'x'.repeat(20) })),
    );
    expect((await post(big)).status).toBe(413);
    expect(seen).toEqual([]);
  });

  it('needs the ingest token: none or wrong are 401, the scrape token (valid, other scope) 403', async () => {
    const body = JSON.stringify({ type: 'heartbeat' });
    for (const [token, status] of [
      [null, 401],
      ['wrong-token-0123456789abcdef', 401],
      [SCRAPE, 403],
    ] as const) {
      const res = await post(body, 'application/json', token);
      expect(res.status).toBe(status);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expect(seen).toEqual([]);
  });

  it('events taken as they are and events the parse changes come out alike', async () => {
    const before = Date.now();
    const lines = [
      { type: 'call.started', callId: 'f1', direction: 'inbound', channel: 'sip', ts: 1_700_000_000_000 },
      { type: 'call.started', callId: 'f2', direction: 'inbound', channel: 'sip', extra: { a: 1 } },
      { type: 'call.answered', callId: 'f1', ts: '2023-11-14T22:13:21.000Z' },
      { type: 'modem.signal', csq: { rssi: 18, ber: 99, junk: true } },
      { type: 'call.answered', callId: 'f2' },
    ].map((e) => JSON.stringify(e));
    const res = await post(lines.join('\n'), 'application/x-ndjson');
    expect(await res.json()).toMatchObject({ accepted: 5, rejected: 0 });
    expect(seen[0]).toEqual({
      type: 'call.started',
      callId: 'f1',
      direction: 'inbound',
      channel: 'sip',
      ts: 1_700_000_000_000,
    });
    // Unknown fields dropped, at any depth; an ISO time in ms; a missing one the time of receipt.
    expect(seen[1]).toEqual({
      type: 'call.started',
      callId: 'f2',
      direction: 'inbound',
      channel: 'sip',
      ts: expect.any(Number),
    });
    expect(seen[2]).toEqual({ type: 'call.answered', callId: 'f1', ts: 1_700_000_001_000 });
    expect(seen[3]).toEqual({ type: 'modem.signal', csq: { rssi: 18, ber: 99 }, ts: expect.any(Number) });
    expect(seen[4]?.ts).toBeGreaterThanOrEqual(before);
    expect(seen[4]?.ts).toBeLessThanOrEqual(Date.now());
  });
});

describe('POST /events dedupe window', () => {
  /** The window as specified: on every new id, forget from the oldest while full or expired. */
  function reference(maxIds: number, maxAgeMs: number) {
    const seen = new Map<string, number>();
    return (id: string, t: number): boolean => {
      const at = seen.get(id);
      if (at !== undefined && t - at <= maxAgeMs) return false;
      if (at !== undefined) seen.delete(id);
      for (const [old, when] of seen) {
        if (seen.size < maxIds && t - when <= maxAgeMs) break;
        seen.delete(old);
      }
      seen.set(id, t);
      return true;
    };
  }

  it('forgets ids by age and by count exactly as specified: a resent id counts once while remembered', async () => {
    const step = fc.record({
      advance: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1500 })),
      ids: fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { maxLength: 5 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { maxLength: 25 }),
        fc.integer({ min: 1, max: 4 }),
        async (steps, maxIds) => {
          const bus = new EventBus();
          let t = 1_000_000;
          const route = ingestRoute(bus, { dedupe: { maxIds, maxAgeMs: 1000, now: () => t } });
          const model = reference(maxIds, 1000);
          for (const { advance, ids } of steps) {
            t += advance;
            if (ids.length === 0) continue;
            const res = await callRoute(
              route,
              new Request('http://localhost/events', {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify(ids.map((id) => ({ type: 'heartbeat', id }))),
              }),
              {} as never,
            );
            const expected = ids.filter((id) => !model(id, t)).length;
            expect(((await res.json()) as { duplicates: number }).duplicates).toBe(expected);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('POST /events through the node adapter', () => {
  let dir: string;
  let store: SqliteCallStore;
  let served: Served;
  let bus: EventBus;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sidetone-ingest-node-'));
    store = await openSqliteCallStore({
      path: join(dir, 'calls.db'),
      privacy: { hashKey: 'test-hash-key-0123456789', storeRaw: false },
    });
    bus = new EventBus();
    const sink = storeSink(bus, store);
    const app = createApp();
    app.route('POST', '/events', ingestRoute(bus, { sink, maxBodyBytes: 2048 }));
    // The adapter allows more than the route: the route's own limit must still hold.
    served = await serve(app, { port: 0, bodyLimitBytes: 8192, logger: { info() {}, warn() {} } });
  });
  afterEach(async () => {
    await served.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (body: string) =>
    fetch(`${served.url}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body,
    });

  it('reads the body the adapter already holds: good lines kept, bad ones named, a retry counted once', async () => {
    const batch = [
      JSON.stringify({ type: 'call.started', id: 'e1', callId: 'n1', direction: 'outbound', channel: 'sip' }),
      JSON.stringify({ type: 'call.ended', id: 'e2', callId: 'n1', q850: 300 }),
      JSON.stringify({ type: 'call.answered', id: 'e3', callId: 'n1' }),
    ].join('\n');
    const first = await post(batch);
    expect(first.status).toBe(200);
    const body = (await first.json()) as {
      accepted: number;
      errors: Array<{ line: number; issues: unknown }>;
    };
    expect(body.accepted).toBe(2);
    expect(body.errors).toEqual([
      { index: 1, line: 2, issues: [{ path: 'q850', message: expect.any(String) }] },
    ]);
    expect((await store.getCall('n1'))?.status).toBe('active');
    const retry = await post(batch);
    expect(await retry.json()).toMatchObject({ accepted: 2, duplicates: 2, rejected: 1 });
  });

  it("keeps the route's byte limit under the adapter's: 413", async () => {
    const line = JSON.stringify({ type: 'heartbeat', source: 'x'.repeat(100) });
    const res = await post(Array.from({ length: 30 }, () => line).join('\n'));
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('ST_BODY_TOO_LARGE');
  });
});

describe('POST /events while the store is slow', () => {
  /** A real store whose batch writes wait until `open()` (a database slow to commit). */
  async function gated() {
    const dir = mkdtempSync(join(tmpdir(), 'sidetone-ingest-gate-'));
    const real = await openSqliteCallStore({
      path: join(dir, 'calls.db'),
      privacy: { hashKey: 'test-hash-key-0123456789', storeRaw: false },
    });
    let release: () => void = () => {};
    let gate = new Promise<void>((r) => {
      release = r;
    });
    const slow: SqliteCallStore = Object.create(real);
    slow.applyBatch = async (us) => {
      await gate;
      return real.applyBatch(us);
    };
    const bus = new EventBus();
    let counted = 0;
    bus.on('call.started', () => counted++);
    const sink = storeSink(bus, slow, { maxPending: 1000 });
    const route = ingestRoute(bus, { sink });
    const post = (events: object[]) =>
      callRoute(
        route,
        new Request('http://localhost/events', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(events),
        }),
        {} as never,
      );
    return {
      real,
      post,
      counted: () => counted,
      open: () => {
        release();
        gate = Promise.resolve();
      },
      close: async () => {
        await sink.close();
        await real.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const calls = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({
      type: 'call.started',
      id: `${prefix}-${i}`,
      callId: `${prefix}-${i}`,
      direction: 'inbound',
      channel: 'sip',
    }));

  it('a request that would overfill the queue is 503 ST_STORE_BACKLOG with Retry-After, before anything is taken', async () => {
    const g = await gated();
    const first = g.post(calls('a', 800));
    const full = await g.post(calls('b', 300));
    expect(full.status).toBe(503);
    expect(Number(full.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await full.json()) as { error: { code: string } }).error.code).toBe('ST_STORE_BACKLOG');
    g.open();
    expect((await first).status).toBe(200);
    // Counted once stored, and only what was stored.
    expect(g.counted()).toBe(800);
    expect(await g.real.getCall('b-0')).toBeUndefined();
    expect((await g.post(calls('b', 300))).status).toBe(200);
    expect(g.counted()).toBe(1100);
    await g.close();
  });

  it('a resend while the first is still being stored is 503 ST_INGEST_IN_FLIGHT; after it, a duplicate', async () => {
    const g = await gated();
    const first = g.post(calls('c', 10));
    const early = await g.post(calls('c', 10));
    expect(early.status).toBe(503);
    expect(early.headers.get('retry-after')).toBe('1');
    expect(((await early.json()) as { error: { code: string } }).error.code).toBe('ST_INGEST_IN_FLIGHT');
    g.open();
    expect((await first).status).toBe(200);
    const later = await g.post(calls('c', 10));
    expect(await later.json()).toMatchObject({ accepted: 10, duplicates: 10 });
    expect(g.counted()).toBe(10);
    await g.close();
  });
});

describe('POST /events counts what it refuses (issue 47)', () => {
  it('by event type (unknown outside the catalogue) and reason, from a fixed set', async () => {
    const registry = new Registry();
    const bus = new EventBus();
    const app = createApp({ registry });
    app.route('POST', '/events', ingestRoute(bus, { registry }), { auth: 'ingest' });
    const post = (body: string, type = 'application/x-ndjson') =>
      app.fetch(
        new Request('http://localhost/events', { method: 'POST', headers: { 'content-type': type }, body }),
      );
    const lines = [
      JSON.stringify({ type: 'heartbeat', ts: Date.now() }),
      '{not json',
      JSON.stringify({ type: 'call.started', callId: 'c2', direction: 'sideways', channel: 'sip' }),
      JSON.stringify({ type: 'heartbeat', ts: 'yesterday' }),
      JSON.stringify({ type: 'heartbeat', ts: 5_000_000_000_000 }),
      JSON.stringify({ type: 'no.such.event' }),
      JSON.stringify({ type: 'x'.repeat(300) }),
    ].join('\n');
    const res = await post(lines);
    expect(await res.json()).toMatchObject({ accepted: 1, rejected: 6 });
    expect((await post('{oops', 'application/json')).status).toBe(400);
    const text = await registry.metrics();
    const rejected = text.split('\n').filter((l) => l.startsWith('sidetone_ingest_events_rejected_total{'));
    expect(rejected.sort()).toEqual(
      [
        'sidetone_ingest_events_rejected_total{type="unknown",reason="not_json"} 2',
        'sidetone_ingest_events_rejected_total{type="call.started",reason="invalid"} 1',
        'sidetone_ingest_events_rejected_total{type="heartbeat",reason="timestamp"} 2',
        'sidetone_ingest_events_rejected_total{type="unknown",reason="unknown_type"} 2',
      ].sort(),
    );
    // Nothing the sender wrote becomes a label: not the unknown type, not the line.
    expect(text).not.toContain('no.such.event');
    expect(text).not.toContain('xxxxxxxx');
  });
});
