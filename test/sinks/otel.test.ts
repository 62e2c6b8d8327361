import { describe, expect, it } from 'vitest';
import { otlpTracesUrl } from '../../src/sinks/otlp-protocol.js';

describe('OTLP trace endpoint resolution', () => {
  it.each([
    [{}, {}, undefined],
    [{ endpoint: 'http://c:4318/' }, {}, 'http://c:4318/v1/traces'],
    [{}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, 'http://c:4318/v1/traces'],
    [{}, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t:4318/x' }, 'http://t:4318/x'],
    [
      { endpoint: 'http://cfg:4318' },
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318' },
      'http://cfg:4318/v1/traces',
    ],
    [{ endpoint: 'http://c:4318' }, { OTEL_SDK_DISABLED: 'true' }, undefined],
    [{}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' }, undefined],
  ])('%j with env %j -> %s', (options, env, url) => {
    expect(otlpTracesUrl({ ...options, env })).toBe(url);
  });
});
