import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uncompress } from 'snappyjs';
import { afterAll, describe, expect, it } from 'vitest';
import { Registry } from '../../src/metrics/registry.js';
import type { FamilySnapshot } from '../../src/metrics/snapshot.js';
import { WriteRequestType } from '../../src/push/proto.js';
import { startRemoteWrite } from '../../src/push/pusher.js';
import { DiskQueue } from '../../src/push/queue.js';
import { encodeWriteRequest, formatBound, toWriteRequest } from '../../src/push/remote-write.js';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-queue-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const families = (v: number): FamilySnapshot[] => [
  {
    name: 'q_events',
    type: 'counter',
    help: 'h',
    series: [
      {
        labels: [
          ['b', '2'],
          ['a', '1'],
        ],
        value: v,
      },
    ],
  },
  { name: 'q_up', type: 'gauge', help: 'h', series: [{ labels: [], value: 1 }] },
  { name: 'q_build', type: 'info', help: 'h', series: [{ labels: [['version', '1.2.3']] }] },
  {
    name: 'q_rtt_seconds',
    type: 'summary',
    help: 'h',
    series: [{ labels: [], summary: { count: 3, sum: 0.6, quantiles: [{ q: 0.5, value: 0.2 }] } }],
  },
];

describe('remote-write encoding', () => {
  it('maps families to sorted-label series stamped with the snapshot time, and round-trips protobuf + snappy', () => {
    const req = toWriteRequest(families(5), 1_700_000_000_123.4);
    const names = req.timeseries.map((t) => t.labels.map((l) => `${l.name}=${l.value}`).join(','));
    expect(names).toEqual([
      '__name__=q_events_total,a=1,b=2',
      '__name__=q_up',
      '__name__=q_build_info,version=1.2.3',
      '__name__=q_rtt_seconds,quantile=0.5',
      '__name__=q_rtt_seconds_count',
      '__name__=q_rtt_seconds_sum',
    ]);
    expect(req.timeseries.every((t) => t.samples[0]?.timestamp === 1_700_000_000_123)).toBe(true);
    expect(req.metadata?.map((m) => [m.metricFamilyName, m.type])).toEqual([
      ['q_events', 1],
      ['q_up', 2],
      ['q_build', 6],
      ['q_rtt_seconds', 5],
    ]);
    const decoded = WriteRequestType.toObject(WriteRequestType.decode(uncompress(encodeWriteRequest(req))), {
      longs: Number,
    });
    expect(decoded.timeseries).toEqual(req.timeseries);
    expect([formatBound(Number.POSITIVE_INFINITY), formatBound(0.005), formatBound(1)]).toEqual([
      '+Inf',
      '0.005',
      '1',
    ]);
  });
});

describe('disk queue', () => {
  it('drops the oldest segments past the cap and counts their samples; keeps order across a reopen', () => {
    const q = join(dir, 'cap');
    const drops: number[] = [];
    const queue = new DiskQueue({ dir: q, maxBytes: 1000, onDrop: (n) => drops.push(n) });
    for (let i = 0; i < 10; i++) queue.append(new Uint8Array(300).fill(i), 10 + i);
    // 1000 bytes hold 3 segments of 300: the 7 oldest went, with their 10+..+16 samples.
    expect(queue.length).toBe(3);
    expect(queue.bytes).toBe(900);
    expect(drops.reduce((a, b) => a + b, 0)).toBe(10 + 11 + 12 + 13 + 14 + 15 + 16);
    // A crash mid-write leaves a .tmp file: ignored and removed on open; the rest survive in order.
    writeFileSync(join(q, '0000000000000099-5.rw.tmp'), 'partial');
    const again = new DiskQueue({ dir: q, maxBytes: 1000 });
    expect(again.length).toBe(3);
    expect(readdirSync(q).some((f) => f.endsWith('.tmp'))).toBe(false);
    const first = again.peek();
    expect(first?.samples).toBe(17);
    expect(again.read(first as NonNullable<typeof first>)[0]).toBe(7);
    again.append(new Uint8Array(10), 1);
    expect(readdirSync(q).sort().at(-1)).toMatch(/^0000000000000010-1\.rw$/);
  });

  it('a pusher whose receiver refuses (400) drops and counts; one that is down keeps everything queued', async () => {
    const registry = new Registry();
    let status = 400;
    const bodies: Buffer[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks));
        expect(req.headers['content-encoding']).toBe('snappy');
        expect(req.headers['x-prometheus-remote-write-version']).toBe('0.1.0');
        expect(req.headers.authorization).toBe('Bearer push-token-0123456789abcdef');
        res.writeHead(status).end('out of bounds');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`;
    let v = 0;
    const writer = startRemoteWrite({
      source: { collect: async () => {}, snapshot: () => families(++v) },
      selfMetrics: registry,
      url,
      intervalMs: 60_000,
      maxBackoffMs: 100,
      queueDir: join(dir, 'refused'),
      bearerToken: 'push-token-0123456789abcdef',
    });
    try {
      await writer.tick();
      expect(await writer.drained(5000)).toBe(true);
      expect(registry.get('sidetone_push_samples_total')?.render(false)).toContain(
        'sidetone_push_samples_total{outcome="rejected"} 6',
      );
      status = 503;
      await writer.tick();
      await writer.tick();
      await new Promise((r) => setTimeout(r, 500));
      expect(writer.queue.segments).toBe(2);
      status = 200;
      expect(await writer.drained(5000)).toBe(true);
      expect(registry.get('sidetone_push_samples_total')?.render(false)).toContain(
        'sidetone_push_samples_total{outcome="sent"} 12',
      );
      const last = WriteRequestType.toObject(WriteRequestType.decode(uncompress(bodies.at(-1) as Buffer)), {
        longs: Number,
      }) as { timeseries: Array<{ samples: Array<{ value: number }> }> };
      expect(last.timeseries[0]?.samples[0]?.value).toBe(3);
    } finally {
      await writer.stop();
      await new Promise((r) => server.close(r));
    }
  });
});
