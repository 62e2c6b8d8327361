import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src/events/bus.js';
import { auditLog, callEventLog, createLogger } from '../../src/logs/index.js';
import { traceSink } from '../../src/sinks/trace-sink.js';
import { ingestRoute } from '../../src/sources/ingest.js';
import {
  callIdPlants,
  leaksIn,
  type Plant,
  plants,
  plantTargets,
  remember,
  type Scan,
  setPath,
  trunkPlants,
} from '../helpers/pii-plants.js';
import { callRoute } from '../helpers/route.js';

// PII planted in every field (nested ones too) of every event type, through the real ingest
// route, the bus, the call-event log (every event type, debug level), the audit lines for the
// items the schema refuses, and straight into the logger as careless code would (merge object,
// message, format argument, error, child binding). No planted value may reach any log line.
// Every call id is a name or a number and every trunk free text (issue 31, defect 7): the
// library's own wiring, given no trunk list or key, logs `other` and a keyed reference.

const PLANTS_PER_FIELD = 420;
const SEED = 20261122;

describe('log redaction fuzz', () => {
  it('no planted PII value reaches a log line (>= 100k values over every field of every event type)', async () => {
    const lines: string[] = [];
    let tail = '';
    const destination = new Writable({
      write(chunk, _enc, cb) {
        const parts = (tail + String(chunk)).split('\n');
        tail = parts.pop() ?? '';
        for (const p of parts) if (p !== '') lines.push(p);
        cb();
      },
    });
    const log = createLogger({ level: 'debug', destination });
    const bus = new EventBus();
    const traces = traceSink(bus, { hashKey: 'fuzz-hash-key-0123456789' });
    const stop = callEventLog(bus, log, { spanContext: (id) => traces.spanContext(id), allEvents: true });
    const audit = auditLog(log);
    const ingest = ingestRoute(bus, {
      maxItems: 100_000,
      maxBodyBytes: 64 * 1024 * 1024,
      onReject: (r) => audit.rejectedItems(r),
    });

    const targets = plantTargets();
    const values = fc.sample(plants, { numRuns: targets.length * PLANTS_PER_FIELD, seed: SEED });
    const ids = fc.sample(callIdPlants, { numRuns: values.length, seed: SEED + 1 });
    const trunks = fc.sample(trunkPlants, { numRuns: values.length, seed: SEED + 2 });
    const scan: Scan = { digits: new Set(), markers: new Set(), exact: new Set() };
    let batch: string[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const res = await callRoute(
        ingest,
        new Request('http://sidetone/events', {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson' },
          body: batch.join('\n'),
        }),
        { url: new URL('http://sidetone/events'), path: '/events' },
      );
      expect(res.status).toBeLessThan(500);
      batch = [];
    };
    for (let i = 0; i < values.length; i++) {
      const plant = values[i] as Plant;
      const { base, path } = targets[i % targets.length] as (typeof targets)[number];
      const event = structuredClone(base);
      setPath(event, path, plant.value);
      // What the bus gets: the call id a name or a number, the trunk free text (careless code below
      // logs the event as planted, whose name-like ids no detector could tell).
      const sent = structuredClone(event);
      if (typeof sent.callId === 'string' && path[0] !== 'callId') {
        sent.callId = ids[i]?.value;
        remember(scan, ids[i] as Plant);
      }
      if ((sent.type === 'call.started' || sent.type === 'trunk.status') && path[0] !== 'trunk') {
        sent.trunk = trunks[i]?.value;
        remember(scan, trunks[i] as Plant);
      }
      batch.push(JSON.stringify(sent));
      remember(scan, plant);
      // Careless code: every way a value can be handed to the logger.
      if (i % 4 === 0) log.info({ event }, 'raw event');
      else if (i % 4 === 1) log.warn(`send failed for ${plant.value}`);
      else if (i % 4 === 2)
        log.error({ err: new Error(`boom at ${plant.value}`) }, 'failed: %s', plant.value);
      else log.child({ peer: plant.value, [String(plant.value)]: 1 }).info('child line');
      if (batch.length >= 1000) await flush();
    }
    await flush();
    stop();
    traces.close();
    await new Promise((r) => setImmediate(r));

    const leaks: string[] = [];
    for (const line of lines) for (const l of leaksIn(line, scan)) leaks.push(`${l} in ${line}`);
    const figures = {
      planted: values.length,
      targets: targets.length,
      lines: lines.length,
      leaks: leaks.length,
    };
    console.log(`log fuzz: ${JSON.stringify(figures)}`);
    expect(leaks.slice(0, 5)).toEqual([]);
    expect(values.length).toBeGreaterThanOrEqual(100_000);
    // The scan itself finds what it looks for.
    const probe = values.find((p) => p.digits !== undefined && p.marker !== undefined) as Plant;
    expect(leaksIn(`{"msg":"x ${probe.value} y"}`, scan).length).toBeGreaterThan(0);
    // The refused items left audit lines, and call lines were written.
    expect(lines.some((l) => l.includes('"kind":"ingest_rejected"'))).toBe(true);
    expect(lines.filter((l) => l.includes('"event":"call.started"')).length).toBeGreaterThan(100);
  }, 300_000);
});
