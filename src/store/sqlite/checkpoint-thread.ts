/**
 * The SQLite store's checkpoint thread (see sqlite/checkpoint.ts): its own connection to the store
 * file, copying committed WAL frames back into the file every {@link EVERY_MS}. A PASSIVE
 * checkpoint takes no lock a writer or reader waits for, so writes go on while it runs; one that
 * finds the checkpointer busy (another process's) just tries again at the next tick.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** How often the thread checkpoints: the WAL holds at most this long of writes beyond a backstop. */
const EVERY_MS = 100;

const port = parentPort;
if (port !== null) {
  const db = new Database((workerData as { path: string }).path, { fileMustExist: true, timeout: 0 });
  const tick = setInterval(() => {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Busy or gone for now: the writers' own backstop (sqlite/checkpoint.ts) keeps the WAL bounded.
    }
  }, EVERY_MS);
  port.on('message', (m: 'close') => {
    if (m !== 'close') return;
    clearInterval(tick);
    db.close();
    port.close();
  });
}
