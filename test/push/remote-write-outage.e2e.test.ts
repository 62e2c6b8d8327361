import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FamilySnapshot } from '../../src/metrics/snapshot.js';
import type { WriteRequest } from '../../src/push/proto.js';
import { type RemoteWriter, startRemoteWrite } from '../../src/push/pusher.js';
import { type Receiver, type Samples, startReceiver } from '../helpers/receivers.js';
import { until } from '../helpers/until.js';

const OUTAGE_MS = 60_000;
const dir = mkdtempSync(join(tmpdir(), 'sidetone-push-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Events keep arriving: a counter and a latency histogram move every 100 ms. */
function eventSource() {
  let events = 0;
  const buckets = [0.1, 0.5, 1, Number.POSITIVE_INFINITY];
  const counts = [0, 0, 0, 0];
  let sum = 0;
  const timer = setInterval(() => {
    events++;
    const v = (events % 7) / 5;
    sum += v;
    buckets.forEach((le, i) => {
      if (v <= le) counts[i] = (counts[i] as number) + 1;
    });
  }, 100);
  const snapshot = (): FamilySnapshot[] => [
    {
      name: 'outage_test_events',
      type: 'counter',
      help: 'events',
      series: [{ labels: [['pack', 'calls']], value: events }],
    },
    {
      name: 'outage_test_latency_seconds',
      type: 'histogram',
      help: 'latency',
      unit: 'seconds',
      series: [
        {
          labels: [],
          histogram: {
            count: events,
            sum,
            buckets: buckets.map((le, i) => ({ le, count: counts[i] as number })),
          },
        },
      ],
    },
  ];
  return { source: { collect: async () => {}, snapshot }, stop: () => clearInterval(timer) };
}

function sampleValue(req: WriteRequest, name: string): number | undefined {
  return req.timeseries.find((t) => t.labels.some((l) => l.name === '__name__' && l.value === name))
    ?.samples[0]?.value;
}

describe('remote-write through an outage (real receivers)', () => {
  it(`every sample queued during a ${OUTAGE_MS / 1000} s receiver outage arrives, with its original timestamp, at Prometheus and VictoriaMetrics`, async () => {
    const receivers = await Promise.all([startReceiver('prometheus'), startReceiver('victoria-metrics')]);
    const events = eventSource();
    const sent = new Map<Receiver, { all: Samples; outage: Samples }>();
    let inOutage = false;
    const writers: RemoteWriter[] = receivers.map((r) => {
      const log = { all: [] as Samples, outage: [] as Samples };
      sent.set(r, log);
      return startRemoteWrite({
        source: events.source,
        url: r.writeUrl,
        intervalMs: 1000,
        maxBackoffMs: 1000,
        timeoutMs: 2000,
        queueDir: join(dir, r.kind),
        onEnqueue: (req, at) => {
          const v = sampleValue(req, 'outage_test_events_total') as number;
          log.all.push([at, v]);
          if (inOutage) log.outage.push([at, v]);
        },
      });
    });
    try {
      // Three snapshots sent and taken before the outage (was a fixed 3.5 s at one a second).
      await until(() => [...sent.values()].every((l) => l.all.length >= 3), 'three snapshots per writer');
      for (const w of writers) expect(await w.drained(10_000)).toBe(true);
      await Promise.all(receivers.map((r) => r.stop()));
      inOutage = true;
      // The outage lasts OUTAGE_MS as the writers count it: a snapshot a second queued while the
      // receivers are down, by their own enqueues rather than a fixed sleep beside them.
      await until(
        () => [...sent.values()].every((l) => l.outage.length >= OUTAGE_MS / 1000),
        `${OUTAGE_MS / 1000} snapshots queued in the outage`,
        { timeoutMs: OUTAGE_MS + 30_000, everyMs: 100 },
      );
      inOutage = false;
      for (const w of writers) expect(w.queue.segments).toBeGreaterThanOrEqual(55);
      await Promise.all(receivers.map((r) => r.start()));
      for (const w of writers) expect(await w.drained(60_000)).toBe(true);
      for (const w of writers) await w.stop();
      events.stop();

      for (const r of receivers) {
        const log = sent.get(r) as { all: Samples; outage: Samples };
        expect(log.outage.length).toBeGreaterThanOrEqual(55);
        // VictoriaMetrics makes fresh samples searchable after a short delay: poll until complete.
        let stored: Samples = [];
        await until(
          async () => {
            stored = await r.samples('outage_test_events_total{pack="calls"}');
            return stored.length >= log.all.length;
          },
          `${r.kind} to make every sample searchable`,
          { timeoutMs: 30_000, everyMs: 250 },
        ).catch(() => undefined); // the expectations below name what is missing
        const have = new Map(stored);
        const missing = log.outage.filter(([t, v]) => have.get(t) !== v);
        console.log(
          `${r.kind}: ${log.all.length} snapshots sent, ${log.outage.length} during the outage, ${stored.length} stored, ${missing.length} missing`,
        );
        expect({ receiver: r.kind, missing: missing.length }).toEqual({ receiver: r.kind, missing: 0 });
        expect(stored).toEqual(log.all);
        // The histogram went through as classic buckets with its bounds.
        const inf = await r.samples('outage_test_latency_seconds_bucket{le="+Inf"}');
        expect(inf.length).toBe(log.all.length);
      }
    } finally {
      events.stop();
      await Promise.all(writers.map((w) => w.stop().catch(() => {})));
      await Promise.all(receivers.map((r) => r.close()));
    }
  }, 180_000);
});
