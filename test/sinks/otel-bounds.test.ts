// Issue 31, defect 8: with the OTLP collector down or hung, the export queue is bounded (the
// oldest dropped and counted) and shutdown ends within its bound whatever the exporter does.
// Before: RSS 364-408 MiB against 191 with a healthy collector, and 9-10 s to stop (16-20 s
// measured here through `sidetone serve` with traces and metrics over OTLP).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/logs/index.js';
import { Registry } from '../../src/metrics/index.js';
import { otlpMetrics } from '../../src/push/otlp-metrics.js';
import { startSidecar } from '../../src/server/sidecar.js';
import { otelTracing } from '../../src/sinks/otel.js';
import { captureLines } from '../helpers/lines.js';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-otel-bounds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An exporter whose collector never answers: export never calls back, shutdown never resolves. */
function hungExporter(): SpanExporter & { batches: ReadableSpan[][] } {
  const batches: ReadableSpan[][] = [];
  return {
    batches,
    export: (spans) => {
      batches.push(spans);
    },
    shutdown: () => new Promise(() => {}),
    forceFlush: () => new Promise(() => {}),
  };
}

const sample = (text: string, name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1]);

const closedPort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

describe('OTLP trace export bounds', () => {
  it('a hung collector: 2,048 spans wait at most, the oldest dropped and counted; shutdown within 2 s', async () => {
    const registry = new Registry();
    const exporter = hungExporter();
    const otel = otelTracing({ exporter, registry, env: {} });
    if (otel === undefined) throw new Error('tracing is off');
    for (let i = 0; i < 10_000; i++) otel.tracer.startSpan(`call-${i}`).end();
    // One batch of 512 went to the exporter (and hangs there); 2,048 wait; the rest were dropped.
    expect(exporter.batches.map((b) => b.length)).toEqual([512]);
    let text = await registry.metrics();
    expect(sample(text, 'sidetone_otel_spans_queued')).toBe(2048);
    expect(sample(text, 'sidetone_otel_spans_dropped_total\\{reason="queue_full"\\}')).toBe(
      10_000 - 512 - 2048,
    );
    const t0 = Date.now();
    await otel.shutdown();
    const ms = Date.now() - t0;
    expect(ms).toBeGreaterThanOrEqual(1900);
    expect(ms).toBeLessThan(2600);
    text = await registry.metrics();
    expect(sample(text, 'sidetone_otel_spans_dropped_total\\{reason="shutdown"\\}')).toBe(2048);
    expect(sample(text, 'sidetone_otel_spans_queued')).toBe(0);
  });

  it('a collector that fails: each batch is dropped and counted, and the newest spans are what remain', async () => {
    const registry = new Registry();
    const seen: string[][] = [];
    const failing: SpanExporter = {
      export: (spans, done) => {
        seen.push(spans.map((s) => s.name));
        setImmediate(() => done({ code: ExportResultCode.FAILED, error: new Error('503') }));
      },
      shutdown: async () => {},
    };
    const otel = otelTracing({ exporter: failing, registry, env: {}, maxQueueSpans: 4 });
    if (otel === undefined) throw new Error('tracing is off');
    for (let i = 0; i < 10; i++) otel.tracer.startSpan(`s${i}`).end();
    await otel.flush();
    const text = await registry.metrics();
    // s0-s3 went out at once and failed; s4 and s5 were the oldest when s8 and s9 came.
    expect(seen).toEqual([
      ['s0', 's1', 's2', 's3'],
      ['s6', 's7', 's8', 's9'],
    ]);
    expect(sample(text, 'sidetone_otel_spans_dropped_total\\{reason="queue_full"\\}')).toBe(2);
    expect(sample(text, 'sidetone_otel_spans_dropped_total\\{reason="export_failed"\\}')).toBe(8);
    await otel.shutdown();
  });
});

describe('OTLP metric export bounds', () => {
  it('shutdown with a collector that never answers resolves within 2 s', async () => {
    const m = otlpMetrics({
      source: { collect: async () => {}, snapshot: () => [] },
      env: {},
      exporter: {
        export: () => {},
        shutdown: () => new Promise(() => {}),
        forceFlush: () => new Promise(() => {}),
      },
    });
    const t0 = Date.now();
    await m?.shutdown();
    expect(Date.now() - t0).toBeLessThan(2600);
  });
});

describe('sidetone serve with the OTLP endpoint down', () => {
  it('stops within the documented bound (2 x otel.shutdown_timeout_ms) with traces and metrics over OTLP', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const config = loadConfig({
      env: {},
      flags: {
        'server.port': 0,
        'store.path': join(dir, 'calls.db'),
        'store.hash_key': 'otel-bounds-hash-key-0123456789',
        'otel.endpoint': endpoint,
        'otel.export_metrics': true,
        'packs.calls': true,
      },
    });
    const { destination } = captureLines();
    const sidecar = await startSidecar(config, {
      signals: false,
      logger: createLogger({ level: 'error', destination }),
    });
    const events = Array.from({ length: 600 }, (_, i) => [
      { type: 'call.started', callId: `c${i}`, direction: 'inbound', channel: 'sip' },
      { type: 'call.answered', callId: `c${i}` },
      { type: 'call.ended', callId: `c${i}`, hangupBy: 'caller' },
    ]).flat();
    const res = await fetch(`${sidecar.url}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(events),
    });
    expect(res.status).toBe(200);
    // Let the first batch of spans reach the (refused) exporter and start its retries.
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    await sidecar.close();
    expect(Date.now() - t0).toBeLessThan(2 * 2000 + 1500);
  }, 30_000);
});
