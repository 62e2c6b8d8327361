/**
 * NATS itself stopped under a cluster of three members (issue 53): every member stays up, its
 * /readyz is 503 naming NATS, and `POST /events` answers 503 (JetStream cannot store: nothing is
 * acknowledged that is not stored); once nats-server is back on the same store, every member is
 * ready again and its partitions are read again (a restarted server keeps the stream on disk, not
 * the consumers): the refused batch sent again is stored, and every event acknowledged is stored
 * once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { callEvents } from '../../helpers/call-events.js';
import { postgresForFile } from '../../helpers/postgres.js';
import { until } from '../../helpers/until.js';
import {
  eventIds,
  type Nats,
  readyz,
  rows,
  type Sidecar,
  startMembers,
  startNats,
  stopAll,
} from './members.js';

const shared = postgresForFile();
const dir = mkdtempSync(join(tmpdir(), 'sidetone-nats-outage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const post = async (m: Sidecar, body: string) => {
  const r = await fetch(`${m.base}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body,
  });
  return { status: r.status, text: await r.text() };
};
const batch = (from: number, n: number) =>
  callEvents(
    Array.from({ length: n }, (_, k) => `out-${from + k}`),
    (i) => i % 2 === 0,
  );

describe('NATS stopped under the cluster (issue 53)', () => {
  it('members degrade naming NATS, refuse events with 503, never exit, and recover when it returns', async () => {
    const started: Sidecar[] = [];
    let nats: Nats | undefined;
    try {
      nats = await startNats(dir);
      const members = await startMembers(shared.url, {}, { natsUrl: nats.url, partitions: 8 }, started);
      // 20 calls (answered, busy in turn: 50 events) stored through a member before the outage.
      expect((await post(members[0] as Sidecar, batch(0, 20))).status).toBe(200);
      await until(async () => (await rows(shared.url)).size === 20, 'the first 20 calls stored');

      await nats.stop();
      for (const m of members)
        await until(async () => {
          const r = await readyz(m);
          return r.status === 503 && /NATS/.test(r.cluster) && r;
        }, `${m.id} degraded naming NATS`);
      // Through every member: refused at once, as the catalogue's 503 with a Retry-After.
      for (const m of members) {
        const refused = await post(m, batch(20, 20));
        expect(refused.status, refused.text).toBe(503);
        expect(refused.text).toContain('ST_CLUSTER_UNAVAILABLE');
      }
      for (const m of members) expect(m.cli.child.exitCode, m.cli.output()).toBeNull();

      await nats.start();
      for (const m of members)
        await until(async () => (await readyz(m)).status === 200, `${m.id} ready again`, {
          timeoutMs: 30_000,
        });
      // The batch refused during the outage, sent again: acknowledged once stored, by owners that
      // read their partitions again.
      expect((await post(members[1] as Sidecar, batch(20, 20))).status).toBe(200);
      expect((await post(members[2] as Sidecar, batch(40, 20))).status).toBe(200);
      await until(async () => (await rows(shared.url)).size === 60, 'every acknowledged call stored', {
        timeoutMs: 30_000,
        everyMs: 250,
      });
      // 60 calls, half answered (3 events) and half busy (2): 150 events, each stored once.
      await until(async () => (await eventIds(shared.url)).n >= 150, 'every event id logged');
      expect(await eventIds(shared.url)).toEqual({ n: 150, distinct: 150 });
      for (const m of members) expect(m.cli.child.exitCode, m.cli.output()).toBeNull();
    } finally {
      await stopAll(started);
      await nats?.stop();
    }
  }, 120_000);
});
