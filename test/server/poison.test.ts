/**
 * No poison pills (issue 31): one valid-looking event must not stop all ingest. Before the fix a
 * `ts` of 1e20 passed the schema, SQLite refused it and the sink retried it forever (every later
 * POST 503 while `/readyz` stayed 200), and a `ts` of 1e16 was accepted and threw in the call-log
 * subscriber. Now times outside 2000..2100 are refused at the edge by name; an item the store
 * still refuses (here a trigger of the database's own) is dead-lettered, answered as refused and
 * counted, and ingest goes on.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { type SidecarHandle, startSidecar } from '../../src/server/index.js';
import { openSqliteCallStore } from '../../src/store/sqlite/store.js';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-poison-'));
const open: SidecarHandle[] = [];
afterAll(async () => {
  for (const s of open) await s.close();
  rmSync(dir, { recursive: true, force: true });
});
const KEY = 'poison-test-hash-key-0123456789';

async function sidecar(path: string, lines: string[]): Promise<SidecarHandle> {
  const config = loadConfig({
    env: {},
    flags: { 'server.port': '0', 'store.path': path, 'store.hash_key': KEY, 'packs.calls': 'true' },
  });
  const destination = { write: (s: string) => lines.push(s) };
  const s = await startSidecar(config, { signals: false, logger: pino({ level: 'info' }, destination) });
  open.push(s);
  return s;
}

const started = (callId: string, extra: Record<string, unknown> = {}) => ({
  type: 'call.started',
  id: `s-${callId}`,
  callId,
  direction: 'inbound',
  channel: 'sip',
  ...extra,
});

async function post(url: string, events: unknown[]) {
  const res = await fetch(`${url}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(events),
  });
  return {
    status: res.status,
    body: (await res.json()) as {
      accepted: number;
      duplicates: number;
      errors: Array<{ index: number; issues: Array<{ path: string; message: string }> }>;
    },
  };
}

describe('poison pills', () => {
  it('a time past 2100 (1e20, 1e16) is refused by name; ingest and readiness go on', async () => {
    const lines: string[] = [];
    const s = await sidecar(join(dir, 'ts.db'), lines);
    const r = await post(s.url, [
      started('ok-1'),
      started('p-1', { ts: 1e20 }),
      started('p-2', { ts: 1e16 }),
    ]);
    expect(r.status).toBe(200);
    expect(r.body.accepted).toBe(1);
    expect(r.body.errors.map((e) => [e.index, e.issues[0]?.path])).toEqual([
      [1, 'ts'],
      [2, 'ts'],
    ]);
    expect((await post(s.url, [started('ok-2')])).status).toBe(200);
    expect((await fetch(`${s.url}/readyz`)).status).toBe(200);
    // Nothing threw in a subscriber (the call log did on 1e16).
    expect(lines.filter((l) => l.includes('an event subscriber threw'))).toEqual([]);
  });

  it('an item the database refuses is dead-lettered and answered as refused; the rest stored, ingest goes on', async () => {
    const path = join(dir, 'trigger.db');
    // A refusal of the database's own, which no check of ours knows about: a trigger.
    (await openSqliteCallStore({ path, privacy: { hashKey: KEY, storeRaw: false } })).close();
    const db = new Database(path);
    db.exec(
      // Call ids are stored hashed, so the trigger picks the poisoned call by its channel.
      "CREATE TRIGGER refuse_poison BEFORE INSERT ON calls WHEN NEW.channel = 'webrtc' BEGIN SELECT RAISE(ABORT, 'refused'); END",
    );
    db.close();
    const lines: string[] = [];
    const s = await sidecar(path, lines);
    const batch = [started('good-a'), started('poison-1', { channel: 'webrtc' }), started('good-b')];
    const r = await post(s.url, batch);
    expect(r.status).toBe(200);
    expect(r.body.accepted).toBe(2);
    expect(r.body.errors).toHaveLength(1);
    expect(r.body.errors[0]?.index).toBe(1);
    expect(r.body.errors[0]?.issues[0]?.message).toMatch(/store refused it \(ST_STORE_REFUSED\)/);
    // Later requests are stored; readiness stays up; the refusal is counted and logged by code.
    expect((await post(s.url, [started('good-c')])).status).toBe(200);
    expect((await fetch(`${s.url}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toMatch(/^sidetone_store_dead_letters_total\{kind="call"\} 1$/m);
    expect(lines.filter((l) => l.includes('refused an update'))).toHaveLength(1);
    // A resend is judged again (refused again), never skipped as a duplicate of something stored.
    const again = await post(s.url, batch);
    expect(again.body).toMatchObject({ accepted: 2, duplicates: 2 });
    expect(again.body.errors.map((e) => e.index)).toEqual([1]);
    await s.close();
    const store = await openSqliteCallStore({ path, privacy: { hashKey: KEY, storeRaw: false } });
    try {
      for (const id of ['good-a', 'good-b', 'good-c']) expect(await store.getCall(id)).toBeDefined();
      expect(await store.getCall('poison-1')).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
