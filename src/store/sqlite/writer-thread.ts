/**
 * The SQLite store's writer thread (see sqlite/writer.ts): its own connection to the store file,
 * the same write paths as the in-thread store, one transaction per batch, and an answer only after
 * the commit, so an acknowledgement still means durable. Blocking on another process's lock is
 * harmless here: the event loop that answers /healthz is on the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { EventKeys } from '../event-ids.js';
import { numberProtector } from '../privacy.js';
import type { CallUpdate, SmsUpdate } from '../types.js';
import { openDatabase, type SqliteCallStoreOptions } from './open.js';
import { writeCalls, writeEventKeys, writeSms } from './write.js';
import { decodeCalls, type EncodedCalls } from './writer-codec.js';

/**
 * A batch to write: call updates encoded (sqlite/writer-codec.ts), SMS updates as they are (a few a
 * second), with the keys of the events they came from (kept in the same transaction).
 */
export type WriteRequest = { id: number; keys?: EventKeys | undefined } & (
  | { op: 'calls'; calls: EncodedCalls }
  | { op: 'sms'; updates: readonly SmsUpdate[] }
);
/** The answer: nothing on success, else the driver's message and SQLite code. */
export interface WriteReply {
  id: number;
  error?: { message: string; code?: string };
}

const port = parentPort;
if (port !== null) {
  const opts = (workerData as { opts: SqliteCallStoreOptions }).opts;
  const { db, statements: s, rollups } = openDatabase(opts);
  const protect = numberProtector(opts.privacy);
  const write = db.transaction((us: readonly CallUpdate[], keys: EventKeys | undefined) => {
    writeCalls(s, protect, rollups, us);
    writeEventKeys(s, keys);
  });
  const calls = (us: readonly CallUpdate[], keys: EventKeys | undefined) => {
    write.immediate(us, keys); // waits for the lock: a deferred one that read first would be refused it
    rollups.maybeFlush();
  };
  const smses = db.transaction((us: readonly SmsUpdate[], keys: EventKeys | undefined) => {
    for (const u of us) writeSms(s, protect, u);
    writeEventKeys(s, keys);
  });
  port.on('message', (m: WriteRequest | 'close') => {
    if (m === 'close') {
      db.close();
      port.close();
      return;
    }
    const reply: WriteReply = { id: m.id };
    try {
      if (m.op === 'calls') calls(decodeCalls(m.calls), m.keys);
      else smses(m.updates, m.keys);
    } catch (e) {
      // openDatabase's StoreErrors and driver errors alike: the main thread rebuilds the error.
      const cause = (e as { cause?: { code?: unknown } }).cause;
      const code = (e as { code?: unknown }).code ?? cause?.code;
      reply.error = { message: (e as Error).message ?? String(e), ...(typeof code === 'string' && { code }) };
    }
    port.postMessage(reply);
  });
}
