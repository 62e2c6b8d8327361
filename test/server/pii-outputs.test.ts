/**
 * PII fuzz over every output (issue 12): numbers, IMEIs, ICCIDs, IMSIs, e-mails, SIP URIs, IPs and
 * tokens planted in every field of every event type go through a real sidecar (`POST /events`),
 * then every surface is read: /metrics in both formats, every analytics route, CSV and JSON export,
 * the readiness body, the CLI's reads, the OTLP traces the sidecar exported and every log line.
 * None of the planted values may appear anywhere (the operator has not opted in to raw numbers).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/logs/index.js';
import { startSidecar } from '../../src/server/sidecar.js';
import { captureLines } from '../helpers/lines.js';
import { otlpReceiver } from '../helpers/otlp.js';
import {
  leaksIn,
  type Plant,
  plants,
  plantTargets,
  remember,
  type Scan,
  setPath,
} from '../helpers/pii-plants.js';
import { CLI } from '../helpers/spawn.js';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-pii-out-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PLANTS_PER_FIELD = 25;

describe('PII fuzz over every output', () => {
  it('no planted value reaches metrics, analytics, exports, readiness, CLI, traces or logs', async () => {
    const receiver = await otlpReceiver();
    const { destination, lines } = captureLines();
    const config = loadConfig({
      env: {},
      flags: {
        'server.port': 0,
        'store.path': join(dir, 'calls.db'),
        'store.hash_key': 'pii-outputs-hash-key-0123456789',
        'otel.endpoint': receiver.url,
        'labels.trunks': ['trunk-a'],
        ...Object.fromEntries(
          ['sms', 'ussd', 'modem', 'calls', 'trunks', 'sip', 'media', 'voiceai', 'pbx', 'sim'].map((p) => [
            `packs.${p}`,
            true,
          ]),
        ),
      },
    });
    const sidecar = await startSidecar(config, {
      signals: false,
      logger: createLogger({ level: 'debug', destination }),
    });
    const outputs: Array<[string, string]> = [];
    const scan: Scan = { digits: new Set(), markers: new Set(), exact: new Set() };
    const targets = plantTargets();
    const values = fc.sample(plants, { numRuns: targets.length * PLANTS_PER_FIELD, seed: 1122 });
    let accepted = 0;
    let rejected = 0;
    try {
      for (let off = 0; off < values.length; off += 1000) {
        const batch = values.slice(off, off + 1000).map((plant, j) => {
          const i = off + j;
          const { base, path } = targets[i % targets.length] as (typeof targets)[number];
          const event = structuredClone(base);
          // Calls and SMS of one id per plant, so each planted value gets its own record.
          if (typeof event.callId === 'string') event.callId = `call-${i}`;
          setPath(event, path, plant.value);
          remember(scan, plant as Plant);
          return JSON.stringify(event);
        });
        const res = await fetch(`${sidecar.url}/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson' },
          body: batch.join('\n'),
        });
        expect(res.status).toBe(200);
        const body = (await res.json()) as { accepted: number; rejected: number };
        accepted += body.accepted;
        rejected += body.rejected;
      }
      const reads: Array<[string, RequestInit?]> = [
        ['/metrics'],
        ['/metrics', { headers: { accept: 'application/openmetrics-text; version=1.0.0' } }],
        ['/metrics/dashboard?days=1'],
        ['/metrics/trunks?days=1'],
        ['/metrics/sms?days=1'],
        ['/metrics/failures?limit=1000'],
        ['/metrics/hourly?hours=48'],
        ['/metrics/daily?days=7'],
        ['/metrics/health'],
        ['/metrics/export?format=csv&days=2'],
        ['/metrics/export?format=json&days=2'],
        ['/readyz'],
        ['/healthz'],
      ];
      for (const [path, init] of reads) {
        const res = await fetch(`${sidecar.url}${path}`, init);
        const text = await res.text();
        // Health bodies answer 503 when degraded (honest health); every other read is a 2xx.
        expect(res.status, `${path}: ${text.slice(0, 200)}`).toBeLessThan(
          /health|readyz/.test(path) ? 600 : 400,
        );
        outputs.push([path, text]);
      }
      for (const args of [
        ['dashboard', '--json'],
        ['trunks'],
        ['sms'],
        ['failures', '--limit', '1000'],
        ['export', '--format', 'csv', '--days', '2'],
        ['status'],
      ]) {
        // Asynchronously: the sidecar answering it runs in this process.
        const r = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
          execFile(
            process.execPath,
            [CLI, ...args, '--url', sidecar.url],
            { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 },
            (_err, stdout, stderr) => resolve({ stdout, stderr }),
          );
        });
        outputs.push([`sidetone ${args.join(' ')}`, `${r.stdout}${r.stderr}`]);
        expect(r.stdout.length, `sidetone ${args.join(' ')}: ${r.stderr}`).toBeGreaterThan(0);
      }
    } finally {
      await sidecar.close();
      await receiver.close();
    }
    const traces = receiver.requests
      .filter((r) => r.path === '/v1/traces')
      .map((r) => JSON.stringify(r.body));
    expect(traces.length).toBeGreaterThan(0);
    for (const t of traces) outputs.push(['OTLP traces', t]);
    for (const l of lines) outputs.push(['log', l]);

    const leaks: string[] = [];
    for (const [where, text] of outputs) {
      for (const line of text.split('\n'))
        for (const l of leaksIn(line, scan)) leaks.push(`${where}: ${l} in ${line.slice(0, 300)}`);
    }
    const figures = {
      planted: values.length,
      fields: targets.length,
      accepted,
      rejected,
      outputs: outputs.length,
      bytes: outputs.reduce((n, [, t]) => n + t.length, 0),
      leaks: leaks.length,
    };
    console.log(`PII output fuzz: ${JSON.stringify(figures)}`);
    expect(leaks.slice(0, 30)).toEqual([]);
    expect(accepted).toBeGreaterThan(values.length / 3);
    // The scan finds what it looks for (a planted value written back verbatim is caught).
    const probe = values.find((p) => p.digits !== undefined) as Plant;
    expect(leaksIn(`x ${probe.value} y`, scan).length).toBeGreaterThan(0);
  }, 300_000);
});
