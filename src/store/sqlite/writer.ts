/**
 * Batch writes of the SQLite store on a thread of their own. The sidecar's main thread parses,
 * validates and counts events while the previous batch is being written: on a machine with two
 * cores, HTTP ingest then costs the larger of the two instead of their sum. The write's promise
 * resolves only after the thread's commit, so acknowledged data stays durable.
 */
import { Worker } from 'node:worker_threads';
import { StoreError } from '../../errors.js';
import { threadEntry } from '../../runtime/package-files.js';
import type { EventKeys } from '../event-ids.js';
import type { CallUpdate, SmsUpdate } from '../types.js';
import type { SqliteCallStoreOptions } from './open.js';
import { wrap } from './open.js';
import { encodeCalls } from './writer-codec.js';
import type { WriteReply, WriteRequest } from './writer-thread.js';

interface Pending {
  resolve: () => void;
  reject: (e: Error) => void;
  start: number;
  /** The store method, as errors name it. */
  what: string;
}

/** The writer thread as the store sees it: `write` resolves after the batch is committed. */
export class WriterThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private next = 0;
  /** The latest write: the thread answers in order, so once it settles every earlier one has. */
  private last: Promise<void> = Promise.resolve();
  private readonly exited: Promise<void>;
  /** False once the thread stopped: the store then writes on its own connection again. */
  alive = true;

  constructor(private readonly opts: SqliteCallStoreOptions & { path: string }) {
    this.worker = new Worker(threadEntry('store/sqlite/writer-thread.js'), {
      workerData: { opts },
    });
    this.worker.unref(); // held only while a write is in flight (see `write`)
    this.worker.on('message', (m: WriteReply) => this.settle(m));
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', () => {
        this.stop(new Error('the writer thread exited'));
        resolve();
      });
    });
    this.worker.on('error', (e) => this.stop(e));
  }

  /** Write a batch in one transaction on the thread; rejects with the StoreError the store would throw. */
  write(
    op: WriteRequest['op'],
    updates: readonly CallUpdate[] | readonly SmsUpdate[],
    keys?: EventKeys,
  ): Promise<void> {
    if (op === 'sms') {
      return this.post({ id: this.next++, op, updates: updates as readonly SmsUpdate[], keys }, []);
    }
    const calls = encodeCalls(updates as readonly CallUpdate[]);
    return this.post({ id: this.next++, op, calls, keys }, [calls.numbers.buffer]);
  }

  /** Send a batch; the promise settles with the thread's answer (after its commit). */
  private post(request: WriteRequest, transfer: ArrayBuffer[]): Promise<void> {
    const id = request.id;
    this.last = new Promise<void>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, {
        resolve,
        reject,
        start: performance.now(),
        what: request.op === 'calls' ? 'applyBatch' : 'applySmsBatch',
      });
      this.worker.postMessage(request, transfer);
    });
    return this.last;
  }

  /** When the oldest write in flight was sent (performance.now()), or undefined when none is. */
  oldestInFlight(): number | undefined {
    for (const p of this.pending.values()) return p.start; // a Map iterates in insertion order
    return undefined;
  }

  private settle(m: WriteReply): void {
    const p = this.pending.get(m.id);
    if (p === undefined) return;
    this.pending.delete(m.id);
    if (this.pending.size === 0) this.worker.unref();
    if (m.error === undefined) p.resolve();
    else
      p.reject(
        wrap(Object.assign(new Error(m.error.message), { code: m.error.code }), p.what, this.opts.path),
      );
  }

  /** The thread is gone: fail what it had not answered (the sink keeps those batches for a retry). */
  private stop(cause: unknown): void {
    this.alive = false;
    for (const p of this.pending.values()) {
      p.reject(
        new StoreError(
          'ST_STORE_UNAVAILABLE',
          `call store ${JSON.stringify(this.opts.path)}: the writer thread stopped (${(cause as Error)?.message ?? cause}); ` +
            'the batch was not stored; retry it',
          { cause },
        ),
      );
    }
    this.pending.clear();
  }

  /** Let writes in flight finish, then close the thread's connection and end it. */
  async close(): Promise<void> {
    if (!this.alive) return;
    await this.last.catch(() => {}); // its failure is its caller's to handle
    this.worker.ref();
    this.worker.postMessage('close');
    const timer = setTimeout(() => void this.worker.terminate(), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}
