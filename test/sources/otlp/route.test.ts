import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { AllowList } from '../../../src/sources/otlp/spans.js';
import { decodeJson, decodeProtobuf } from '../../../src/sources/otlp/wire.js';
import { openSqliteCallStore } from '../../../src/store/index.js';
import type { CallStore, CallUpdate } from '../../../src/store/types.js';
import { encodeOtlpJson, otlpRoot } from '../../helpers/otlp.js';
import { until } from '../../helpers/until.js';
import { sample } from '../../telephony/helpers.js';
import { fixtureJson, fixturePb, JSON_TYPE, type OtlpJson, PROTOBUF, receiverApp } from './helpers.js';

const root = await otlpRoot();
const Request = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
const Response = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse');
// google/rpc/status.proto (not part of opentelemetry-proto): the body of every OTLP/HTTP failure.
const Status = protobuf.Root.fromJSON({
  nested: { Status: { fields: { code: { type: 'int32', id: 1 }, message: { type: 'string', id: 2 } } } },
}).lookupType('Status');

const T = '1787320800000000000';
const span = (trace: string, id: string, extra: Record<string, unknown> = {}) => ({
  traceId: trace,
  spanId: id,
  name: 'llm',
  kind: 1,
  startTimeUnixNano: T,
  endTimeUnixNano: T,
  ...extra,
});
const request = (spans: unknown[], scope = 'pipecat') => ({
  resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: scope }, spans }] }],
});
const TRACE = 'ab'.repeat(16);
const privacy = { hashKey: 'otlp-test-hash-key-0123', storeRaw: false };
const bytes = async (res: Response) => new Uint8Array(await res.arrayBuffer());

describe('POST /v1/traces answers as the OTLP/HTTP specification says', () => {
  it('an empty request is a success: an empty protobuf response, or {} in JSON', async () => {
    const r = receiverApp();
    const pb = await r.post(new Uint8Array(0), PROTOBUF);
    expect([pb.status, pb.headers.get('content-type'), (await bytes(pb)).length]).toEqual([
      200,
      'application/x-protobuf',
      0,
    ]);
    const js = await r.post('{}', JSON_TYPE);
    expect([js.status, await js.text()]).toEqual([200, '{}']);
  });

  it('415 for another content type or compression, 400 for a body that does not decode; a google.rpc.Status in the request encoding', async () => {
    const r = receiverApp();
    const text = await r.post('x', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(await text.json()).toEqual({
      code: 3,
      message: expect.stringMatching(/^ST_OTLP_MEDIA_TYPE: .*application\/x-protobuf/),
    });
    const br = await r.post(fixturePb('pipecat-3turn-bargein'), { ...PROTOBUF, 'content-encoding': 'br' });
    expect(br.status).toBe(415);
    expect(Status.toObject(Status.decode(await bytes(br))).message).toMatch(
      /^ST_OTLP_MEDIA_TYPE: Content-Encoding "br"/,
    );
    const garbage = await r.post(new Uint8Array([0x0a, 0xff, 0xff, 0x01]), PROTOBUF);
    expect(garbage.status).toBe(400);
    expect(Status.toObject(Status.decode(await bytes(garbage)))).toEqual({
      code: 3,
      message: expect.stringMatching(/^ST_OTLP_INVALID: /),
    });
    for (const body of ['{"resourceSpans":', '[]', '{"resourceSpans":{}}']) {
      const bad = await r.post(body, JSON_TYPE);
      expect(bad.status, body).toBe(400);
      expect(((await bad.json()) as { message: string }).message).toMatch(/^ST_OTLP_INVALID: /);
    }
    const notGzip = await r.post(fixturePb('pipecat-3turn-bargein'), {
      ...PROTOBUF,
      'content-encoding': 'gzip',
    });
    expect(notGzip.status).toBe(400);
  });

  it('a bad span is refused alone: 200 with partial_success naming it; the good ones are used', async () => {
    const r = receiverApp();
    const good = fixtureJson('pipecat-3turn-bargein');
    const spans = good.resourceSpans[0]?.scopeSpans[0]?.spans as unknown[];
    spans.push(
      span(TRACE, 'abc'),
      span('00'.repeat(16), '01'.repeat(8)),
      span(TRACE, '02'.repeat(8), { endTimeUnixNano: '1' }),
    );
    const res = await r.post(JSON.stringify(good), JSON_TYPE);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      partialSuccess: {
        rejectedSpans: '3',
        errorMessage: expect.stringMatching(/^3 span\(s\) refused: a span id that is not 8 bytes/),
      },
    });
    expect(r.turns().length).toBe(3);
    // In protobuf, the same answer as an ExportTraceServiceResponse.
    const pb = await r.post(
      Buffer.from(encodeOtlpJson(Request, request([span(TRACE, '03'.repeat(8), { endTimeUnixNano: '5' })]))),
      PROTOBUF,
    );
    expect(Response.toObject(Response.decode(await bytes(pb)), { longs: String })).toEqual({
      partialSuccess: {
        rejectedSpans: '1',
        errorMessage: expect.stringContaining('an end before its start'),
      },
    });
  });

  it('spans of no known framework are a warning (rejected 0 with a message), not a failure', async () => {
    const r = receiverApp();
    const res = await r.post(
      JSON.stringify(request([{ ...span(TRACE, '04'.repeat(8)), name: 'GET /orders' }], 'my-app')),
      JSON_TYPE,
    );
    expect(await res.json()).toEqual({
      partialSuccess: {
        rejectedSpans: '0',
        errorMessage: expect.stringContaining('none is a Pipecat or LiveKit Agents span'),
      },
    });
  });

  it('413 past the size limit once decompressed (a gzip bomb is not inflated past it)', async () => {
    const r = receiverApp({}, { maxBodyBytes: 64 * 1024 });
    const bomb = gzipSync(Buffer.alloc(32 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const res = await r.post(bomb, { ...PROTOBUF, 'content-encoding': 'gzip' });
    expect(res.status).toBe(413);
    expect(Status.toObject(Status.decode(await bytes(res))).message).toMatch(
      /^ST_BODY_TOO_LARGE: .*65536 bytes once decompressed/,
    );
  });

  it('429 with Retry-After past the exports in flight', async () => {
    const real = await openSqliteCallStore({ path: ':memory:', privacy });
    let release: (() => void) | undefined;
    const slow: CallStore = Object.create(real);
    slow.applyBatch = async (updates: readonly CallUpdate[]) => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return real.applyBatch(updates);
    };
    const r = receiverApp({ callIdAttributes: ['session.id'] }, { maxInFlight: 1 }, slow);
    const first = r.post(fixturePb('livekit-agents-3turn-bargein'), PROTOBUF);
    // The first holds the one slot: its turns are at the store (before: a fixed 50 ms).
    const held = await until(() => release, 'the first request at the store', { everyMs: 5 });
    const busy = await r.post(fixturePb('pipecat-3turn-bargein'), PROTOBUF);
    expect([busy.status, busy.headers.get('retry-after'), busy.headers.get('content-type')]).toEqual([
      429,
      '1',
      'application/x-protobuf',
    ]);
    expect(Status.toObject(Status.decode(await bytes(busy)))).toEqual({
      code: 8,
      message: expect.stringMatching(/^ST_OTLP_BUSY: /),
    });
    held();
    expect((await first).status).toBe(200);
    await r.close();
  });

  it('503 with Retry-After when the store cannot take the turns: nothing counted; the retry is taken as new and stored once', async () => {
    const real = await openSqliteCallStore({ path: ':memory:', privacy });
    let fail = true;
    const flaky: CallStore = Object.create(real);
    flaky.applyBatch = async (updates: readonly CallUpdate[]) => {
      if (fail) throw Object.assign(new Error('disk I/O error'), { code: 'ST_STORE_UNAVAILABLE' });
      return real.applyBatch(updates);
    };
    const r = receiverApp({ callIdAttributes: ['session.id'] }, {}, flaky);
    const body = fixturePb('livekit-agents-3turn-bargein');
    const down = await r.post(body, PROTOBUF);
    expect(down.status).toBe(503);
    expect(Number(down.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Status.toObject(Status.decode(await bytes(down)))).toEqual({
      code: 14,
      message: expect.stringMatching(/^ST_STORE_UNAVAILABLE: /),
    });
    // Stored first, counted after: the failed batch left no metric and no event behind.
    expect(r.turns()).toEqual([]);
    expect(
      sample(await r.registry.metrics(), 'sidetone_voiceai_turns_total{agent="other",model="other"}'),
    ).toBe(0);
    fail = false;
    const retry = await r.post(body, PROTOBUF);
    expect(retry.status).toBe(200);
    expect(r.turns().length).toBe(3);
    expect(
      sample(await r.registry.metrics(), 'sidetone_voiceai_turns_total{agent="other",model="other"}'),
    ).toBe(3);
    const call = await real.getCall('call-_+15550100123_HkZz3qLp');
    expect(call?.agent).toMatchObject({ turns: 3, interruptions: 1, deadAir: 0 });
    // Sent a third time (a lost answer): recognised, nothing counted again.
    expect((await r.post(body, PROTOBUF)).status).toBe(200);
    expect(r.turns().length).toBe(3);
    expect((await real.getCall('call-_+15550100123_HkZz3qLp'))?.agent?.turns).toBe(3);
    await r.close();
  });
});

describe('the receiver state is bounded', () => {
  it('calls past otlp.max_traces evict the least recently active, counted; spans past max_spans too', async () => {
    const r = receiverApp({ maxTraces: 2, maxSpans: 5 });
    // Service spans of turns that never complete (no `turn` span), in three calls.
    for (const [i, trace] of ['a1', 'b2', 'c3'].entries()) {
      const spans = [0, 1, 2].map((k) => ({
        ...span(trace.repeat(16), `${i}${k}`.padStart(16, '7')),
        name: 'stt',
      }));
      expect((await r.post(JSON.stringify(request(spans)), JSON_TYPE)).status).toBe(200);
    }
    const text = await r.registry.metrics();
    expect(sample(text, 'sidetone_otlp_traces')).toBe(1);
    expect(sample(text, 'sidetone_otlp_traces_evicted_total{reason="capacity"}')).toBe(2);
    expect(sample(text, 'sidetone_otlp_spans_total{result="dropped"}')).toBe(6);
    expect(sample(text, 'sidetone_otlp_spans_total{result="used"}')).toBe(9);
  });

  it('a call silent for otlp.idle_seconds is forgotten', async () => {
    let now = 1_000_000;
    const r = receiverApp({ idleSeconds: 60, now: () => now });
    await r.post(JSON.stringify(request([{ ...span(TRACE, '05'.repeat(8)), name: 'stt' }])), JSON_TYPE);
    now += 61_000;
    await r.post(
      JSON.stringify(request([{ ...span('cd'.repeat(16), '06'.repeat(8)), name: 'stt' }])),
      JSON_TYPE,
    );
    const text = await r.registry.metrics();
    expect(sample(text, 'sidetone_otlp_traces_evicted_total{reason="idle"}')).toBe(1);
    expect(sample(text, 'sidetone_otlp_traces')).toBe(1);
  });
});

describe('the protobuf walker reads what the official types encode', () => {
  const hex = (n: number) =>
    fc.uint8Array({ minLength: n, maxLength: n }).map((b) => Buffer.from(b).toString('hex'));
  const value = fc.oneof(
    fc.string({ maxLength: 20 }).map((v) => ({ stringValue: v })),
    fc.boolean().map((v) => ({ boolValue: v })),
    fc.integer({ min: -1e9, max: 1e9 }).map((v) => ({ intValue: String(v) })),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => ({ doubleValue: v })),
    fc.constant({ arrayValue: { values: [{ stringValue: 'x' }] } }),
  );
  const KEYS = [
    'turn.number',
    'metrics.ttfb',
    'is_final',
    'gen_ai.request.model',
    'lk.tts_metrics',
    'transcript',
    'input',
    'sidetone.call_id',
  ];
  const attrs = fc.array(fc.record({ key: fc.constantFrom(...KEYS), value }), { maxLength: 6 });
  const spanArb = fc.record({
    traceId: hex(16),
    spanId: hex(8),
    parentSpanId: fc.option(hex(8), { nil: undefined }),
    name: fc.constantFrom('turn', 'stt', 'llm', 'agent_turn', 'other'),
    kind: fc.integer({ min: 0, max: 5 }),
    startTimeUnixNano: fc.bigInt({ min: 0n, max: 2n ** 63n }).map(String),
    endTimeUnixNano: fc.bigInt({ min: 0n, max: 2n ** 63n }).map(String),
    attributes: attrs,
  });
  const req = fc.array(
    fc.record({
      resource: fc.record({ attributes: attrs }),
      scopeSpans: fc.array(
        fc.record({
          scope: fc.record({ name: fc.constantFrom('pipecat', 'livekit-agents', '') }),
          spans: fc.array(spanArb, { maxLength: 4 }),
        }),
        { maxLength: 3 },
      ),
    }),
    { maxLength: 3 },
  );

  it('protobuf and JSON give the same spans and attributes for any request', () => {
    const allow = new AllowList(['sidetone.call_id']);
    fc.assert(
      fc.property(req, (resourceSpans) => {
        const json = {
          resourceSpans: resourceSpans.map((r) => ({
            ...r,
            scopeSpans: r.scopeSpans.map((s) => ({
              ...s,
              spans: s.spans.map((x) =>
                x.parentSpanId === undefined ? { ...x, parentSpanId: undefined } : x,
              ),
            })),
          })),
        };
        const clean = JSON.parse(JSON.stringify(json)) as OtlpJson;
        const pb = decodeProtobuf(encodeOtlpJson(Request, clean), allow);
        const js = decodeJson(JSON.stringify(clean), allow);
        expect(pb.rejected).toBe(js.rejected);
        expect(pb.spans.length).toBe(js.spans.length);
        pb.spans.forEach((s, i) => {
          const j = js.spans[i] as (typeof js.spans)[number];
          expect({ ...s, start: 0, end: 0 }).toEqual({ ...j, start: 0, end: 0 });
          expect(Math.abs(s.start - j.start)).toBeLessThanOrEqual(Math.abs(j.start) * 1e-12 + 1e-6);
          expect(Math.abs(s.end - j.end)).toBeLessThanOrEqual(Math.abs(j.end) * 1e-12 + 1e-6);
        });
      }),
      { numRuns: 300 },
    );
  });
});
