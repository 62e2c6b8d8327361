import { describe, expect, it, vi } from 'vitest';
import { SMS_FAILURE_REASONS } from '../../src/domain/vocab.js';
import { EventBus } from '../../src/events/bus.js';
import { Registry } from '../../src/metrics/index.js';
import { storeSink } from '../../src/sinks/store-sink.js';
import { openSqliteCallStore } from '../../src/store/index.js';
import type { CallStore, CallUpdate } from '../../src/store/types.js';
import { instrument } from '../../src/telephony/instrument.js';

const privacy = { hashKey: 'sink-test-hash-key-0123', storeRaw: false };
// Event times are epoch ms from 2000 on (STORE_LIMITS.tsMin); offsets below are from T.
const T = 1_700_000_000_000;

describe('store sink', () => {
  it('maps call, media, transcript and SMS events to store records', async () => {
    const store = await openSqliteCallStore({ path: ':memory:', privacy });
    const bus = new EventBus();
    const sink = storeSink(bus, store);
    bus.emit({
      type: 'call.started',
      ts: T + 1000,
      callId: 'c',
      direction: 'inbound',
      channel: 'sip',
      trunk: 'trunk-a',
      from: '+15551234567',
    });
    bus.emit({ type: 'call.ringing', ts: T + 1500, callId: 'c' });
    bus.emit({ type: 'call.answered', ts: T + 3000, callId: 'c' });
    bus.emit({
      type: 'media.report',
      ts: T + 8000,
      callId: 'c',
      codec: 'PCMU',
      packetsReceived: 990,
      packetsLost: 10,
      jitterMs: 5,
      rttMs: 40,
    });
    bus.emit({ type: 'voiceai.transcript', ts: T + 9500, callId: 'c', present: true });
    bus.emit({ type: 'call.ended', ts: T + 9000, callId: 'c', q850: 16, hangupBy: 'unknown' });
    // The record is the submission: keyed by the id the app gives (the reference only matches reports).
    bus.emit({ type: 'sms.sent', ts: T + 1000, to: '+15557654321', reference: 'ref-1', id: 'm1' });
    bus.emit({ type: 'sms.delivery_report', ts: T + 4000, reference: 'ref-1', tpStatus: 0 });
    await sink.flush();
    const call = await store.getCall('c');
    expect(call).toMatchObject({
      status: 'completed',
      pddMs: 500,
      talkMs: 6000,
      transcript: true,
      hangupBy: null,
    });
    expect(call?.lossPercent).toBe(1);
    expect(call?.mos).toBeGreaterThan(4);
    expect(await store.getSms('m1')).toMatchObject({ status: 'delivered', latencyMs: 3000 });
    await sink.close();
    await store.close();
  });

  it('an SMS failure reason is one word: the event, the metric label and the stored record', async () => {
    const store = await openSqliteCallStore({ path: ':memory:', privacy });
    const registry = new Registry();
    const bus = new EventBus({ registry });
    instrument(bus, registry, { packs: 'all' });
    const sink = storeSink(bus, store);
    for (const [i, reason] of SMS_FAILURE_REASONS.entries()) {
      bus.emit({ type: 'sms.send_failed', ts: T + i, id: `f-${reason}`, reason });
    }
    await sink.flush();
    const text = await registry.metrics();
    for (const reason of SMS_FAILURE_REASONS) {
      expect(text).toContain(`sidetone_sms_send_failures_total{reason="${reason}"} 1`);
      expect((await store.getSms(`f-${reason}`))?.failureReason).toBe(reason);
    }
    await sink.close();
    await store.close();
  });

  it('a failed write rejects its flush; the batch is kept and written by the next flush', async () => {
    const real = await openSqliteCallStore({ path: ':memory:', privacy });
    let failNext = true;
    const flaky: CallStore = Object.create(real);
    flaky.applyBatch = async (updates: readonly CallUpdate[]) => {
      if (failNext) {
        failNext = false;
        throw new Error('disk full');
      }
      return real.applyBatch(updates);
    };
    const bus = new EventBus();
    const errors: unknown[] = [];
    const sink = storeSink(bus, flaky, { onError: (e) => errors.push(e) });
    bus.emit({ type: 'call.started', callId: 'first', direction: 'inbound', channel: 'sip' });
    await expect(sink.flush()).rejects.toThrow('disk full');
    bus.emit({ type: 'call.started', callId: 'later', direction: 'inbound', channel: 'sip' });
    await sink.flush();
    // Nothing was acknowledged for `first`: it waited for the next flush instead of being lost.
    expect(await real.getCall('first')).toBeDefined();
    expect(await real.getCall('later')).toBeDefined();
    expect(sink.stats).toEqual({ written: 2, deadLettered: 0, overflowed: 0 });
    expect(errors).toHaveLength(1);
    await sink.close();
    await real.close();
  });

  it("keeps each taken event's id in its update's transaction: a failed write keeps none, its retry keeps them", async () => {
    const real = await openSqliteCallStore({ path: ':memory:', privacy });
    let failSms = true;
    const flaky: CallStore = Object.create(real);
    flaky.applySmsBatch = async (updates, ids) => {
      if (failSms) {
        failSms = false;
        throw new Error('disk I/O error');
      }
      return real.applySmsBatch(updates, ids);
    };
    const sink = storeSink(new EventBus(), flaky);
    sink.take({ type: 'call.started', id: 'e-call', callId: 'c1', direction: 'inbound', channel: 'sip' });
    sink.take({ type: 'sms.received', id: 'e-sms', from: '+15551234567' });
    sink.take({ type: 'heartbeat', id: 'e-beat' }); // updates no record: kept with the calls
    sink.take({ type: 'call.ringing', callId: 'c1' }); // no id: nothing to keep
    const asked = ['e-call', 'e-sms', 'e-beat'];
    // What the store holds now, as a process started now would read it.
    const kept = async () => {
      const s = await real.storedEventIds(0);
      return new Set(asked.filter((id) => s.has(id, 0)));
    };
    await expect(sink.flush()).rejects.toThrow('disk I/O error');
    // The calls' transaction committed with its ids; the SMS one failed, and its id with it.
    expect(await kept()).toEqual(new Set(['e-call', 'e-beat']));
    expect(await real.getSms('e-sms')).toBeUndefined();
    await sink.flush();
    expect(await kept()).toEqual(new Set(asked));
    expect(await real.getSms('e-sms')).toBeDefined();
    await sink.close();
    await real.close();
  });

  it('reads the ids kept before it once, and drops them once they are past the window', async () => {
    const real = await openSqliteCallStore({ path: ':memory:', privacy });
    let now = T;
    const window = { maxIds: 100, maxAgeMs: 60_000, now: () => now };
    // What a process before this one stored.
    await real.applyBatch([], { ids: ['old-1', 'old-2'], at: T - 30_000, keep: 100, since: T - 60_000 });
    let reads = 0;
    const counted: CallStore = Object.create(real);
    counted.storedEventIds = (since) => {
      reads++;
      return real.storedEventIds(since);
    };
    const sink = storeSink(new EventBus(), counted, { dedupe: window });
    expect(await sink.storedIds(['old-1', 'new'])).toEqual(new Set(['old-1']));
    now = T + 20_000;
    expect(await sink.storedIds(['old-2'])).toEqual(new Set(['old-2']));
    expect(reads).toBe(1);
    // old-1 and old-2 were stored at T - 30 s: past the 60 s window at T + 31 s.
    now = T + 31_000;
    expect(await sink.storedIds(['old-1', 'old-2'])).toEqual(new Set());
    now = T + 61_000;
    expect(await sink.storedIds(['old-1'])).toEqual(new Set());
    expect(reads).toBe(1);
    await sink.close();
    await real.close();
  });

  it('discarded updates take their ids with them', async () => {
    const real = await openSqliteCallStore({ path: ':memory:', privacy });
    const sink = storeSink(new EventBus(), real);
    const from = sink.sequence;
    sink.take({ type: 'call.started', id: 'gone', callId: 'c1', direction: 'inbound', channel: 'sip' });
    sink.take({ type: 'heartbeat', id: 'gone-too' });
    sink.discard(from, sink.sequence);
    sink.take({ type: 'heartbeat', id: 'kept' });
    await sink.flush();
    expect(await sink.storedIds(['gone', 'gone-too', 'kept'])).toEqual(new Set(['kept']));
    expect(await real.getCall('c1')).toBeUndefined();
    await sink.close();
    await real.close();
  });

  it('flushes that arrive during a write share the next one, each resolving after its own commit', async () => {
    const real = await openSqliteCallStore({ path: ':memory:', privacy });
    const batches: string[][] = [];
    const gates: Array<() => void> = [];
    const slow: CallStore = Object.create(real);
    slow.applyBatch = async (updates: readonly CallUpdate[]) => {
      batches.push(updates.map((u) => u.callId));
      await new Promise<void>((resolve) => gates.push(resolve));
      return real.applyBatch(updates);
    };
    const bus = new EventBus();
    const sink = storeSink(bus, slow);
    const settled: string[] = [];
    const start = (id: string) => {
      bus.emit({ type: 'call.started', callId: id, direction: 'inbound', channel: 'sip' });
      return sink.flush().then(async () => {
        // Resolved only once the call is in the store.
        expect(await real.getCall(id)).toBeDefined();
        settled.push(id);
      });
    };
    const a = start('a');
    // The first write starts on setImmediate (write-queue.ts); a timer of 0 ms may fire before it.
    await new Promise((r) => setImmediate(r));
    const rest = [start('b'), start('c'), start('d')];
    expect(batches).toEqual([['a']]);
    (gates.shift() as () => void)();
    await a;
    await new Promise((r) => setImmediate(r));
    // b, c and d went in one write, started once a's had committed.
    expect(batches).toEqual([['a'], ['b', 'c', 'd']]);
    expect(settled).toEqual(['a']);
    (gates.shift() as () => void)();
    await Promise.all(rest);
    expect(settled).toEqual(['a', 'b', 'c', 'd']);
    await sink.close();
    await real.close();
  });

  it('a failed shared write rejects every flush that waited on it, and the retry writes them all', async () => {
    const real = await openSqliteCallStore({ path: ':memory:', privacy });
    const gates: Array<() => void> = [];
    let call = 0;
    const flaky: CallStore = Object.create(real);
    flaky.applyBatch = async (updates: readonly CallUpdate[]) => {
      await new Promise<void>((r) => gates.push(r));
      if (++call === 2) throw new Error('disk full');
      return real.applyBatch(updates);
    };
    const bus = new EventBus();
    const sink = storeSink(bus, flaky, { onError: () => {} });
    const started = (callId: string) =>
      bus.emit({ type: 'call.started', callId, direction: 'inbound', channel: 'sip' });
    const tick = () => new Promise((r) => setImmediate(r));
    started('x');
    const x = sink.flush();
    await tick();
    started('y');
    const y = sink.flush();
    started('z');
    const z = sink.flush();
    expect(z).toBe(y);
    (gates.shift() as () => void)();
    await x;
    await tick();
    (gates.shift() as () => void)();
    await expect(y).rejects.toThrow('disk full');
    await expect(z).rejects.toThrow('disk full');
    expect(await real.getCall('y')).toBeUndefined();
    const retry = sink.flush();
    await tick();
    (gates.shift() as () => void)();
    await retry;
    expect(await real.getCall('y')).toBeDefined();
    expect(await real.getCall('z')).toBeDefined();
    expect(sink.stats).toEqual({ written: 3, deadLettered: 0, overflowed: 0 });
    await sink.close();
    await real.close();
  });
  it('the requests one turn of the event loop reads share one commit, each answered after it', async () => {
    // A store that writes on the main thread (the Pi profile) finishes a write before the next
    // request is read: without waiting for the turn's end, each request committed alone.
    const real = await openSqliteCallStore({ path: ':memory:', privacy });
    const batches: string[][] = [];
    const sync: CallStore = Object.create(real);
    sync.applyBatch = (updates: readonly CallUpdate[]) => {
      batches.push(updates.map((u) => u.callId));
      return real.applyBatch(updates);
    };
    const sink = storeSink(new EventBus(), sync);
    const request = (callId: string) => {
      sink.take({ type: 'call.started', callId, direction: 'inbound', channel: 'sip' });
      return sink.flush().then(async () => {
        expect(await real.getCall(callId)).toBeDefined(); // acknowledged once durable
      });
    };
    // Three requests handled in one turn (as three sockets' data in one poll), then one later.
    await Promise.all([request('a'), request('b'), request('c')]);
    await request('d');
    expect(batches).toEqual([['a', 'b', 'c'], ['d']]);
    await sink.close();
    await real.close();
  });

  it('arms its write timer only while updates wait: ingest flushes its own, an idle sink wakes nothing', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    try {
      const real = await openSqliteCallStore({ path: ':memory:', privacy });
      const bus = new EventBus();
      const sink = storeSink(bus, real, { flushIntervalMs: 50 });
      expect(vi.getTimerCount()).toBe(0); // idle: no timer to wake the loop
      // Ingest's path: taken and flushed in one task, nothing left for a timer.
      sink.take({ type: 'call.started', callId: 'i', direction: 'inbound', channel: 'sip' });
      await sink.flush();
      expect(vi.getTimerCount()).toBe(0);
      // A source on the bus (HEP, a modem) does not flush: the timer writes it within 50 ms.
      bus.emit({ type: 'call.started', callId: 'h', direction: 'inbound', channel: 'sip' });
      await Promise.resolve();
      expect(vi.getTimerCount()).toBe(1);
      await vi.advanceTimersByTimeAsync(50);
      await new Promise((r) => setImmediate(r));
      expect(await real.getCall('h')).toBeDefined();
      expect(vi.getTimerCount()).toBe(0);
      await sink.close();
      await real.close();
    } finally {
      vi.useRealTimers();
    }
  });
});
