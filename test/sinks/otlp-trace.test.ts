import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/logs/index.js';
import { startSidecar } from '../../src/server/sidecar.js';
import { captureLines } from '../helpers/lines.js';
import { otlpReceiver } from '../helpers/otlp.js';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-otlp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The app's own trace: W3C trace context (https://www.w3.org/TR/trace-context/ section 3.2).
const APP_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const APP_SPAN = '00f067aa0ba902b7';
const FROM = '+447700900123';
const TO = 'sip:+15551234567@10.0.0.7';
const CALL_ID = 'a84b4c76e66710@pc33.atlanta.com';
const TOKEN = 'otlp-test-ingest-token-0123456789abcdef';
const WRONG = 'wrong-token-that-must-not-be-logged-42';

type Attr = { key: string; value: Record<string, unknown> };
const attrs = (list: unknown) =>
  Object.fromEntries(((list ?? []) as Attr[]).map((a) => [a.key, Object.values(a.value)[0] as unknown]));

describe('call traces over OTLP/HTTP', () => {
  it('a call posted with a traceparent arrives as a child of the app span, with bounded attributes and no PII', async () => {
    const receiver = await otlpReceiver();
    let exemplars: string[] = [];
    const { destination, lines } = captureLines();
    const config = loadConfig({
      env: {},
      flags: {
        'server.port': 0,
        'store.path': join(dir, 'calls.db'),
        'store.hash_key': 'otlp-test-hash-key-0123456789',
        'otel.endpoint': receiver.url,
        'otel.service_name': 'pbx-test',
        'packs.calls': true,
        'labels.trunks': ['trunk-a'],
        'auth.ingest_tokens': [TOKEN],
      },
    });
    const sidecar = await startSidecar(config, {
      signals: false,
      logger: createLogger({ level: 'debug', destination }),
    });
    try {
      const events = [
        {
          type: 'call.started',
          ts: 1_700_000_000_000,
          callId: CALL_ID,
          direction: 'inbound',
          channel: 'sip',
          trunk: 'trunk-a',
          from: FROM,
          to: TO,
        },
        {
          type: 'sip.request',
          ts: 1_700_000_000_001,
          callId: CALL_ID,
          method: 'INVITE',
          direction: 'inbound',
          from: FROM,
          to: TO,
          requestUri: TO,
        },
        {
          type: 'sip.response',
          ts: 1_700_000_000_100,
          callId: CALL_ID,
          method: 'INVITE',
          code: 180,
          direction: 'outbound',
        },
        { type: 'call.ringing', ts: 1_700_000_000_100, callId: CALL_ID },
        { type: 'call.answered', ts: 1_700_000_002_000, callId: CALL_ID },
        { type: 'voiceai.first_byte', ts: 1_700_000_003_000, callId: CALL_ID, stage: 'llm', seconds: 0.42 },
        { type: 'voiceai.barge_in', ts: 1_700_000_004_000, callId: CALL_ID },
        {
          type: 'media.report',
          ts: 1_700_000_009_000,
          callId: CALL_ID,
          codec: 'PCMU',
          packetsReceived: 990,
          packetsLost: 10,
          jitterMs: 5,
          rttMs: 40,
        },
        {
          type: 'call.ended',
          ts: 1_700_000_060_000,
          callId: CALL_ID,
          hangupBy: 'caller',
          q850: 16,
          reason: `caller ${FROM} hung up`,
        },
        {
          type: 'call.started',
          ts: 1_700_000_000_000,
          callId: 'bad',
          direction: 'sideways',
          channel: 'sip',
          from: FROM,
        },
      ];
      const res = await fetch(`${sidecar.url}/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${TOKEN}`,
          traceparent: `00-${APP_TRACE}-${APP_SPAN}-01`,
        },
        body: JSON.stringify(events),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ accepted: 9, rejected: 1 });
      // The call's latency buckets carry its trace as OpenMetrics exemplars.
      const om = await fetch(`${sidecar.url}/metrics`, {
        headers: { accept: 'application/openmetrics-text; version=1.0.0' },
      }).then((r) => r.text());
      exemplars = om.split('\n').filter((l) => l.includes(' # {'));
      const refused = await fetch(`${sidecar.url}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${WRONG}` },
        body: '[]',
      });
      expect(refused.status).toBe(401);
    } finally {
      await sidecar.close();
      await receiver.close();
    }

    const traces = receiver.requests.filter((r) => r.path === '/v1/traces');
    expect(traces.length).toBeGreaterThan(0);
    for (const r of traces) expect(r.body.error).toBeUndefined();
    const resourceSpans = traces.flatMap((r) => r.body.resourceSpans as Array<Record<string, unknown>>);
    expect(attrs((resourceSpans[0]?.resource as { attributes: unknown }).attributes)).toMatchObject({
      'service.name': 'pbx-test',
    });
    const spans = resourceSpans.flatMap((rs) =>
      (rs.scopeSpans as Array<{ spans: Array<Record<string, unknown>> }>).flatMap((s) => s.spans),
    );
    expect(spans).toHaveLength(1);
    const span = spans[0] as Record<string, unknown>;
    expect(span.name).toBe('call');
    expect(span.traceId).toBe(APP_TRACE);
    expect(span.parentSpanId).toBe(APP_SPAN);
    // PDD, setup, duration and the voice-AI first byte (every pack runs by default): one exemplar
    // each, on the bucket that took the value, naming the span.
    expect(exemplars.map((l) => l.replace(/\{.*?\}/, '{…}').replace(/ [0-9.]+$/, ''))).toEqual([
      `sidetone_call_pdd_seconds_bucket{…} 1 # {trace_id="${APP_TRACE}",span_id="${span.spanId}"} 0.1`,
      `sidetone_call_setup_seconds_bucket{…} 1 # {trace_id="${APP_TRACE}",span_id="${span.spanId}"} 2`,
      `sidetone_call_duration_seconds_bucket{…} 1 # {trace_id="${APP_TRACE}",span_id="${span.spanId}"} 60`,
      `sidetone_voiceai_first_byte_seconds_bucket{…} 1 # {trace_id="${APP_TRACE}",span_id="${span.spanId}"} 0.42`,
    ]);
    expect(span.kind).toBe(2); // SPAN_KIND_SERVER: the far end called us
    expect(span.startTimeUnixNano).toBe('1700000000000000000');
    expect(span.endTimeUnixNano).toBe('1700000060000000000');
    expect(span.status).toEqual({ code: 1 }); // STATUS_CODE_OK
    const a = attrs(span.attributes);
    expect(Object.keys(a).sort()).toEqual([
      'sidetone.call.channel',
      'sidetone.call.codec',
      'sidetone.call.direction',
      'sidetone.call.from_hash',
      'sidetone.call.from_masked',
      'sidetone.call.hangup_by',
      'sidetone.call.id',
      'sidetone.call.outcome',
      'sidetone.call.q850_cause',
      'sidetone.call.reason',
      'sidetone.call.status',
      'sidetone.call.to_hash',
      'sidetone.call.to_masked',
      'sidetone.call.trunk',
    ]);
    expect(a).toMatchObject({
      'sidetone.call.direction': 'inbound',
      'sidetone.call.channel': 'sip',
      'sidetone.call.trunk': 'trunk-a',
      'sidetone.call.codec': 'PCMU',
      'sidetone.call.hangup_by': 'caller',
      'sidetone.call.outcome': 'answered',
      'sidetone.call.status': 'completed',
      'sidetone.call.reason': 'normal',
      'sidetone.call.q850_cause': '16',
      'sidetone.call.from_masked': '+4477***0123',
    });
    expect(a['sidetone.call.from_hash']).toMatch(/^[0-9a-f]{16}$/);
    expect(a['sidetone.call.id']).toMatch(/^cid:[0-9a-f]{24}$/);
    const names = (span.events as Array<{ name: string; timeUnixNano: string }>).map((e) => [
      e.name,
      e.timeUnixNano,
    ]);
    expect(names).toEqual([
      ['sip.request', '1700000000001000000'],
      ['sip.response', '1700000000100000000'],
      ['ringing', '1700000000100000000'],
      ['answered', '1700000002000000000'],
      ['voiceai.llm.first_byte', '1700000003000000000'],
      ['voiceai.barge_in', '1700000004000000000'],
      ['media', '1700000009000000000'],
    ]);
    const sipResponse = (span.events as Array<{ name: string; attributes: unknown }>)[1];
    expect(attrs(sipResponse?.attributes)).toEqual({
      'sip.method': 'INVITE',
      'sip.response.status_code': '180',
      'sip.direction': 'outbound',
    });
    // No PII anywhere in what was exported: not the numbers, not the Call-ID, not the host.
    const raw = traces.map((r) => r.raw).join('\n');
    for (const secret of ['7700900123', '5551234567', 'a84b4c76e66710', 'atlanta', '10.0.0.7']) {
      expect(raw).not.toContain(secret);
    }

    // The log: call lines carry the span's ids; the rejected item has an audit line; no PII.
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const callLines = parsed.filter(
      (l) => typeof l.event === 'string' && String(l.event).startsWith('call.'),
    );
    expect(callLines.map((l) => l.event)).toEqual(['call.started', 'call.answered', 'call.ended']);
    for (const l of callLines) {
      expect(l.trace_id).toBe(APP_TRACE);
      expect(l.span_id).toBe(span.spanId);
    }
    expect(callLines[0]).toMatchObject({ from: '+4477***0123', direction: 'inbound', trunk: 'trunk-a' });
    const audit = parsed.filter((l) => l.audit === true);
    expect(audit).toEqual([
      expect.objectContaining({
        kind: 'ingest_rejected',
        index: 9,
        issues: [{ path: 'direction', reason: 'Invalid option: expected one of "inbound"|"outbound"' }],
      }),
      expect.objectContaining({
        kind: 'credential_refused',
        realm: 'ingest',
        reason: 'invalid',
        method: 'POST',
        path: '/events',
      }),
    ]);
    const log = lines.join('\n');
    for (const secret of [
      '7700900123',
      '5551234567',
      'a84b4c76e66710',
      'atlanta',
      '10.0.0.7',
      TOKEN,
      WRONG,
    ]) {
      expect(log).not.toContain(secret);
    }
  }, 30_000);
});
