/**
 * `metrics.created_timestamps`: the sidecar's OpenMetrics has no `_created` samples by default
 * (a Prometheus without created-timestamp ingestion would store each as a series: see
 * prometheus-scrape.e2e.test.ts), and has them when the key is set, from a flag or the environment.
 * The protobuf format carries the start time as a field either way.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import protobuf from 'protobufjs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { startSidecar } from '../../src/server/sidecar.js';
import { MetricFamilyType } from './protobuf-reference.js';

const OPENMETRICS = 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5';
const PROTOBUF = 'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-created-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** The sidecar's OpenMetrics and protobuf scrapes (after one scrape, so its self-metrics have series). */
async function scrape(flags: Record<string, string>, env: Record<string, string> = {}) {
  const config = loadConfig({
    env,
    flags: {
      'server.port': '0',
      'store.path': join(dir, `${n++}.db`),
      'store.hash_key': 'k'.repeat(32),
      ...flags,
    },
  });
  const sidecar = await startSidecar(config, { signals: false, logger: pino({ level: 'silent' }) });
  try {
    await fetch(`${sidecar.url}/metrics`);
    const om = await (await fetch(`${sidecar.url}/metrics`, { headers: { accept: OPENMETRICS } })).text();
    const res = await fetch(`${sidecar.url}/metrics`, { headers: { accept: PROTOBUF } });
    const reader = protobuf.Reader.create(new Uint8Array(await res.arrayBuffer()));
    let histogram: { createdTimestamp?: unknown } | undefined;
    while (reader.pos < reader.len) {
      const f = MetricFamilyType.toObject(MetricFamilyType.decodeDelimited(reader), { longs: Number });
      if (f.name === 'sidetone_scrape_duration_seconds') histogram = f.metric[0].histogram;
    }
    return { om, histogram };
  } finally {
    await sidecar.close();
  }
}

describe('metrics.created_timestamps', () => {
  it('off by default: OpenMetrics without _created, protobuf with the start time', async () => {
    const { om, histogram } = await scrape({});
    expect(om.endsWith('# EOF\n')).toBe(true);
    expect(om).toMatch(/^sidetone_scrape_duration_seconds_count\{format="prometheus"\} 1$/m);
    // A `_created` sample, not a family named so (sip_dialogs_created since every pack is on).
    expect(om).not.toMatch(/^[^#\s]+_created(\{[^}]*\})? /m);
    expect(histogram?.createdTimestamp).toMatchObject({ seconds: expect.any(Number) });
  });

  it.each([
    ['a flag', { 'metrics.created_timestamps': 'true' }, {}],
    ['the environment', {}, { SIDETONE_METRICS_CREATED_TIMESTAMPS: 'true' }],
  ])('on from %s: a _created sample after each such series', async (_how, flags, env) => {
    const { om } = await scrape(flags, env);
    expect(om).toMatch(
      /^sidetone_scrape_duration_seconds_count\{format="prometheus"\} 1\nsidetone_scrape_duration_seconds_created\{format="prometheus"\} \d+\.\d+$/m,
    );
  });
});
