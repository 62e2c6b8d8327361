/**
 * Durability: a child process writes batches and prints each acknowledged call id; we SIGKILL it
 * while a batch is in flight, reopen the file and check that every acknowledged call is there,
 * the in-flight batch is all-or-nothing, and the file is intact. `.alone` (runs by itself, last): the
 * kill lands at a fraction of the fastest batch measured, so a loaded machine can move it out of
 * the transaction (no kill mid-transaction in one full run beside three other files).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { recordIds } from '../../src/store/privacy.js';
import { SqliteCallStore } from '../../src/store/sqlite/store.js';
import { spawnNode } from '../helpers/spawn.js';
import { tempDir } from './helpers.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const fixture = join(here, 'fixtures', 'crash-writer.mjs');
const dist = join(here, '..', '..', 'dist', 'store', 'index.js');

const BATCH = 5000;
/** Ids as the file keeps them (the writer's key, crash-writer.mjs). */
const cid = recordIds({ hashKey: 'crash-test-key-0123456789abcdef', storeRaw: false }, 'cid');

interface Run {
  acked: string[];
  inFlight: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Frames of the current WAL generation written after its last commit frame: pages of a
 * transaction that never committed. Read before reopening (recovery may reset the WAL).
 */
function uncommittedWalFrames(walPath: string): number {
  if (!existsSync(walPath)) return 0;
  const b = readFileSync(walPath);
  if (b.length < 32) return 0;
  const pageSize = b.readUInt32BE(8);
  const [salt1, salt2] = [b.readUInt32BE(16), b.readUInt32BE(20)];
  let frames = 0;
  let lastCommit = -1;
  for (let off = 32; off + 24 + pageSize <= b.length; off += 24 + pageSize) {
    if (b.readUInt32BE(off + 8) !== salt1 || b.readUInt32BE(off + 12) !== salt2) break;
    if (b.readUInt32BE(off + 4) !== 0) lastCommit = frames;
    frames++;
  }
  return frames - lastCommit - 1;
}

/**
 * Run the writer until `batches` batches are acknowledged, then kill it `fraction` of the way
 * through the next one (timed from the batches before), so the kill lands inside the transaction.
 */
function runAndKill(path: string, batches: number, fraction: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    // 0.25 MiB page cache: the transaction spills pages into the WAL before it commits.
    const { child, stderr } = spawnNode([fixture, path, String(BATCH), '0.25']);
    const acked: string[] = [];
    const durations: number[] = [];
    let begun = 0;
    let began = 0;
    let inFlight: number | null = null;
    const lines = createInterface({ input: child.stdout as Readable });
    lines.on('line', (line) => {
      if (line.startsWith('ack ')) {
        const ids = line.slice(4).split(',');
        if (ids.length === BATCH) durations.push(performance.now() - began);
        acked.push(...ids);
      } else if (line.startsWith('begin ')) {
        begun++;
        began = performance.now();
        if (begun > batches && inFlight === null) {
          inFlight = Number(line.slice(6));
          setTimeout(() => child.kill('SIGKILL'), Math.min(...durations) * fraction);
        }
      }
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      lines.close();
      if (signal !== 'SIGKILL')
        reject(new Error(`writer exited on its own (${String(signal)}): ${stderr()}`));
      else resolve({ acked, inFlight, signal });
    });
  });
}

describe('crash durability (SIGKILL mid-batch)', () => {
  let remove = () => {};
  afterEach(() => remove());

  it('loses no acknowledged call and never half a batch', async () => {
    expect(existsSync(dist), `missing ${dist}: run \`npx tsc -p tsconfig.build.json\` before the tests`).toBe(
      true,
    );
    const t = tempDir();
    remove = t.remove;
    const path = join(t.dir, 'crash.db');
    let midTransaction = 0;
    // Three crash/restart rounds on the same file: recovery after a crash must itself be crash-safe.
    for (const [round, fraction] of [0.3, 0.5, 0.7].entries()) {
      const run = await runAndKill(path, 3 + round, fraction);
      expect(run.signal).toBe('SIGKILL');
      expect(run.acked.length).toBeGreaterThanOrEqual(3 * BATCH);
      if (uncommittedWalFrames(`${path}-wal`) > 0) midTransaction++;
      const db = new Database(path);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const has = db.prepare('SELECT status FROM calls WHERE call_id = ?').pluck();
      const missing = run.acked.filter((id) => has.get(cid(id)) === undefined);
      expect(missing).toEqual([]);
      // The batch being written when the kill landed: every call or none.
      const stored = Array.from({ length: BATCH }, (_, i) => cid(`b${run.inFlight}-${i}`));
      expect([0, BATCH]).toContain(stored.filter((id) => has.get(id) !== undefined).length);
      db.close();
    }
    // The kills did land inside a transaction that had already written pages to the WAL.
    expect(midTransaction).toBeGreaterThanOrEqual(1);
    const store = new SqliteCallStore({
      path,
      privacy: { hashKey: 'crash-test-key-0123456789abcdef', storeRaw: false },
    });
    expect(await store.getCall('b0-1')).toMatchObject({ status: 'completed', pddMs: 100, durationMs: 500 });
    await store.close();
  });
});
