/**
 * A retry counts once: the store write fails once, `POST /events` answers 503, the client sends the
 * same batch again, and then once more as if the 200 were lost; every figure (metrics, dashboard,
 * series, exports, SMS) equals a single delivery of that batch. A request is stored before its
 * events reach the packs, so the failed one left nothing behind and its ids were not remembered
 * (the retry is stored and counted, issue 31); the ids of a stored one are, so the last resend is
 * skipped as duplicates.
 */
import { describe, expect, it } from 'vitest';
import type { SidetoneEvent } from '../../src/events/types.js';
import { callRoute } from '../helpers/route.js';
import { harness } from './surfaces.js';

const NOW = Date.UTC(2026, 0, 10, 12, 0);
const T = NOW - 1_800_000;

function batch(): SidetoneEvent[] {
  const out: SidetoneEvent[] = [];
  const codes = [undefined, 486, 503, 302, 407, undefined];
  codes.forEach((code, i) => {
    const callId = `r${i}`;
    const ts = T + i * 1000;
    out.push({ type: 'call.started', callId, direction: 'outbound', channel: 'sip', trunk: 'carrier-a', ts });
    if (code === undefined && i === 0) out.push({ type: 'call.answered', callId, ts: ts + 100 });
    out.push({
      type: 'call.ended',
      callId,
      ...(code !== undefined ? { sipCode: code } : i === 0 ? {} : { timeout: true }),
      ts: ts + 500,
    });
  });
  out.push({ type: 'sms.received', from: '+447700900123', modem: 'modem0', ts: T + 9000 });
  return out.map((e, i) => ({ ...e, id: `evt-${i}` }));
}

/** The call and SMS families of an exposition: what a retry must not change. */
const telephonyLines = (text: string) =>
  text
    .split('\n')
    .filter((l) => /^sidetone_(call|sms)_/.test(l))
    .join('\n');

/** POST the batch as JSON (the harness's `post` answers only the status). */
const postBatch = (h: ReturnType<typeof harness>) =>
  h.fetch(
    new Request('http://localhost/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(batch()),
    }),
  );

/** The call and SMS families of a harness's /metrics. */
const metrics = async (h: ReturnType<typeof harness>) =>
  telephonyLines(await (await h.fetch(new Request('http://localhost/metrics'))).text());

describe('a retried batch counts once', () => {
  it('flush fails once, the client retries: every figure equals a single delivery', async () => {
    const once = harness({ now: NOW, trunks: ['carrier-a'] });
    expect(await once.post(batch())).toBe(200);

    const retried = harness({ now: NOW, trunks: ['carrier-a'], failWrites: 1 });
    expect(await retried.post(batch())).toBe(503);
    const res = await postBatch(retried);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: batch().length, duplicates: 0, rejected: 0 });
    const again = await postBatch(retried);
    expect(await again.json()).toMatchObject({
      accepted: batch().length,
      duplicates: batch().length,
      rejected: 0,
    });

    const single = await metrics(once);
    expect(single).toContain('sidetone_sms_received_total');
    expect(await metrics(retried)).toBe(single);
    expect(await retried.read()).toEqual(await once.read());
    const range = { from: T - 1, to: NOW };
    expect(await retried.store.stats(range)).toEqual(await once.store.stats(range));
    expect(await retried.store.smsStats(range)).toEqual(await once.store.smsStats(range));
    expect((await retried.store.smsStats(range)).total).toBe(1);
    await once.close();
    await retried.close();
  });

  it('a retry after a restart (a new process on the same store) is all duplicates and moves no metric', async () => {
    const before = harness({ now: NOW, trunks: ['carrier-a'] });
    const empty = harness({ now: NOW, trunks: ['carrier-a'] });
    const untouched = await metrics(empty);
    await empty.close();
    expect(await before.post(batch())).toBe(200);
    // The same store, a new bus, packs, sink and ingest: what a restarted sidecar has.
    const after = harness({ now: NOW, trunks: ['carrier-a'], store: before.store });
    const res = await postBatch(after);
    expect(await res.json()).toMatchObject({
      accepted: batch().length,
      duplicates: batch().length,
      rejected: 0,
    });
    expect(await metrics(after)).toBe(untouched);
    expect((await after.store.stats({ from: T - 1, to: NOW })).total).toBe(6);
    await after.close();
    await before.close();
  });

  it('forgets ids past the window (by count), so memory stays bounded', async () => {
    const { ingestRoute } = await import('../../src/sources/ingest.js');
    const { EventBus } = await import('../../src/events/bus.js');
    const bus = new EventBus();
    let seen = 0;
    bus.on('heartbeat', () => seen++);
    const route = ingestRoute(bus, { dedupe: { maxIds: 2 } });
    const post = (ids: string[]) =>
      callRoute(
        route,
        new Request('http://localhost/events', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(ids.map((id) => ({ type: 'heartbeat', id }))),
        }),
        {} as never,
      );
    await post(['a', 'b']);
    await post(['a', 'b']); // both in the window: skipped
    expect(seen).toBe(2);
    await post(['c']); // pushes `a` out
    await post(['a']);
    expect(seen).toBe(4);
  });
});
