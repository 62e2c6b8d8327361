/**
 * deploy/otel-collector/sidetone.yaml. No OpenTelemetry Collector is installable here (not in
 * Debian, not on npm), so the recipe says it is untested against one; this checks only its
 * shape: each pipeline names components the file defines, of core types, and the OTLP/HTTP
 * receiver listens on the port of the endpoint docs/deploy.md tells sidetone to send to.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const text = readFileSync(new URL('../../deploy/otel-collector/sidetone.yaml', import.meta.url), 'utf8');
type Config = Record<'receivers' | 'processors' | 'exporters', Record<string, unknown>> & {
  service: { pipelines: Record<string, Record<'receivers' | 'processors' | 'exporters', string[]>> };
};

/** The components of the core `otelcol` distribution the recipe may use. */
const CORE = {
  receivers: ['otlp'],
  processors: ['batch', 'memory_limiter'],
  exporters: ['otlp', 'otlphttp', 'debug'],
};

describe('the OpenTelemetry Collector recipe', () => {
  const config = parse(text) as Config;

  it('says it is untested against a real collector', () => {
    expect(text).toMatch(/Untested against a real collector/);
  });

  it('wires traces and metrics through defined core components', () => {
    expect(Object.keys(config.service.pipelines).sort()).toEqual(['metrics', 'traces']);
    for (const [name, pipeline] of Object.entries(config.service.pipelines)) {
      for (const kind of ['receivers', 'processors', 'exporters'] as const) {
        for (const id of pipeline[kind]) {
          expect(config[kind], `${name}: ${kind} ${id}`).toHaveProperty([id]);
          expect(CORE[kind], `${name}: ${id} is not a core ${kind.slice(0, -1)}`).toContain(id.split('/')[0]);
        }
      }
    }
  });

  it('receives OTLP/HTTP where docs/deploy.md points sidetone', () => {
    const deploy = readFileSync(new URL('../../docs/deploy.md', import.meta.url), 'utf8');
    const port = /endpoint = "http:\/\/collector:(\d+)"/.exec(deploy)?.[1];
    const otlp = config.receivers.otlp as { protocols: { http: { endpoint: string } } };
    expect(otlp.protocols.http.endpoint).toBe(`0.0.0.0:${port}`);
  });
});
