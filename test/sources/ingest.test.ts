import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../src/events/bus.js';
import type { SidetoneEvent } from '../../src/events/types.js';
import { type App, createApp } from '../../src/http/app.js';
import { storeSink } from '../../src/sinks/store-sink.js';
import { ingestRoute } from '../../src/sources/ingest.js';
import { openSqliteCallStore, type SqliteCallStore } from '../../src/store/index.js';

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
    app.route('POST', '/events', ingestRoute(bus, { flush: () => sink.flush(), maxBodyBytes: 4096 }), {
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

  it('needs the ingest token: none, wrong, or the scrape token are 401', async () => {
    const body = JSON.stringify({ type: 'heartbeat' });
    for (const token of [null, 'wrong-token-0123456789abcdef', SCRAPE]) {
      const res = await post(body, 'application/json', token);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expect(seen).toEqual([]);
  });
});
