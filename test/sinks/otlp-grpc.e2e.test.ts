/**
 * OTLP over gRPC, as the seeds' systems speak it: RustPBX exports "OpenTelemetry trace export via
 * OTLP/gRPC" to `[otel] endpoint = "http://otelcol:4317"`, and CardLink's TracingConfig has a
 * protocol. A real gRPC server (grpc-js) with the collector's service paths receives what
 * `sidetone serve` sends and decodes it with the official opentelemetry-proto types.
 */
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { otlpProtocol } from '../../src/sinks/otlp-protocol.js';
import { tempDir } from '../cli/helpers.js';
import { otlpGrpcReceiver } from '../helpers/otlp.js';
import { startListening } from '../helpers/spawn.js';
import { until } from '../helpers/until.js';

const tmp = tempDir();
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  tmp.remove();
});

describe('OTLP protocol', () => {
  it('is the configured one, else the OTEL_EXPORTER_OTLP_*PROTOCOL variables, else gRPC on port 4317 only', () => {
    // RustPBX's own example endpoint.
    expect(otlpProtocol('http://otelcol:4317', undefined, {}, 'TRACES')).toBe('grpc');
    expect(otlpProtocol('http://otelcol:4318', undefined, {}, 'TRACES')).toBe('http');
    expect(otlpProtocol('http://otelcol:4317', 'http', {}, 'TRACES')).toBe('http');
    expect(
      otlpProtocol('http://otelcol:9000', undefined, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'METRICS'),
    ).toBe('grpc');
    const env = { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' };
    expect(otlpProtocol('http://otelcol:4317', undefined, env, 'TRACES')).toBe('http');
    expect(otlpProtocol('http://otelcol:4317', undefined, env, 'METRICS')).toBe('grpc');
  });

  it("CardLink's [tracing] protocol is read as otel.protocol, OpenTelemetry's names included", () => {
    const file = join(tmp.dir, 'tracing.toml');
    for (const [given, read] of [
      ['grpc', 'grpc'],
      ['http/protobuf', 'http'],
      ['http/json', 'http'],
    ]) {
      writeFileSync(file, `[tracing]\nendpoint = "http://otelcol:4317"\nprotocol = "${given}"\n`);
      expect(loadConfig({ file, env: {} }).otel).toMatchObject({
        protocol: read,
        endpoint: 'http://otelcol:4317',
      });
    }
    writeFileSync(file, '[otel]\nprotocol = "thrift"\n');
    expect(() => loadConfig({ file, env: {} })).toThrow(/otel\.protocol: .*expected grpc or http/);
  });
});

describe('sidetone serve over OTLP/gRPC', () => {
  it('sends call spans and the registry to a gRPC collector', async () => {
    const receiver = await otlpGrpcReceiver();
    const file = join(tmp.dir, 'serve.toml');
    // RustPBX's [otel] keys, with the protocol its exporter always uses named.
    writeFileSync(
      file,
      `[otel]\nendpoint = "${receiver.url}"\nprotocol = "grpc"\nservice_name = "rustpbx"\nsample_ratio = 1.0\nexport_metrics = true\nlog_trace_id = true\n`,
    );
    const { child, url } = await startListening(
      ['serve', '--config', file, '--port', '0', '--db', join(tmp.dir, 'g.db')],
      {
        SIDETONE_STORE_HASH_KEY: 'grpc-test-hash-key-0123456789',
        // One metrics export a second, so the test need not wait the default minute.
        OTEL_METRIC_EXPORT_INTERVAL: '1000',
      },
    );
    children.push(child);
    const events = [
      { type: 'call.started', callId: 'g-1', direction: 'inbound', channel: 'sip' },
      { type: 'call.answered', callId: 'g-1' },
      { type: 'call.ended', callId: 'g-1', sipCode: 200, durationSeconds: 30 },
    ];
    const res = await fetch(`${url}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(events),
    });
    expect(res.status).toBe(200);
    const exited = new Promise((r) => child.once('exit', r));
    // One metrics export with the call's counter received (was a fixed 1.5 s for a period to
    // pass), then stop: shutdown flushes the spans.
    const exported = (r: { path: string; body: Record<string, unknown> }) =>
      r.path.endsWith('MetricsService/Export') && JSON.stringify(r.body).includes('"sidetone_call_attempts"');
    await until(() => receiver.requests.some(exported), "a metrics export with the call's counter");
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await receiver.close();

    type Attr = { key: string; value: { stringValue?: string } };
    const service = (r: { resource?: { attributes?: Attr[] } }) =>
      r.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue;
    const traces = receiver.requests.filter((r) => r.path.endsWith('TraceService/Export'));
    const resourceSpans = traces.flatMap((r) => r.body.resourceSpans as Array<Record<string, unknown>>);
    expect(resourceSpans.map(service)).toContain('rustpbx');
    const spans = resourceSpans.flatMap((rs) =>
      (rs.scopeSpans as Array<{ spans: Array<{ name: string }> }>).flatMap((s) => s.spans),
    );
    expect(spans.map((s) => s.name)).toContain('call');
    const metrics = receiver.requests.filter((r) => r.path.endsWith('MetricsService/Export'));
    const names = metrics.flatMap((r) =>
      (
        r.body.resourceMetrics as Array<{ scopeMetrics: Array<{ metrics: Array<{ name: string }> }> }>
      ).flatMap((rm) => rm.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.name))),
    );
    // OTLP names counters without `_total` (the Prometheus receiver adds it back).
    expect(names).toContain('sidetone_call_attempts');
    const resourceMetrics = metrics.flatMap((r) => r.body.resourceMetrics as Array<Record<string, unknown>>);
    expect(new Set(resourceMetrics.map(service))).toEqual(new Set(['rustpbx']));
  }, 40_000);
});
