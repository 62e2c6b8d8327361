import type { SidetoneEvent } from '../events/types.js';
import type { StoreSink } from '../sinks/store-sink.js';
import type { DeadLetter } from '../sinks/write-queue.js';

/** What ingest (and the OTLP route) need of the store sink (`storeSink`): each member is documented there. */
export type IngestSink = Pick<
  StoreSink,
  | 'flush'
  | 'retryAfter'
  | 'retryAfterFailure'
  | 'sequence'
  | 'take'
  | 'storedIds'
  | 'ignoring'
  | 'discard'
  | 'deadLetters'
>;

/** What storing a batch came to: the events the store refused for good, or why nothing was kept. */
export type Stored =
  | { ok: true; refused: Map<number, DeadLetter> }
  | { ok: false; full: boolean; retryAfter: number };

/**
 * Store `events` through the sink before anything sees them, as every acknowledging route does
 * (`POST /events`, `POST /v1/traces`): the caller emits them only once they are durable, so a
 * request that fails leaves no count behind and its retry counts once. On a failed write nothing of
 * the batch is kept (`full`: the disk is; `retryAfter`: the sink's backoff, seconds). Otherwise
 * `refused` maps the position of each event the store refused for what it holds (its first dead
 * letter): neither emitted nor retried.
 * @example
 * const r = await storeFirst(sink, events);
 * if (r.ok) sink.ignoring(() => events.forEach((e, k) => r.refused.has(k) || bus.emit(e)));
 */
export async function storeFirst(sink: IngestSink, events: readonly SidetoneEvent[]): Promise<Stored> {
  const first = sink.sequence;
  /** The sink's sequence number before each event: which updates it produced. */
  const seqAt: number[] = [];
  for (const e of events) {
    seqAt.push(sink.sequence);
    sink.take(e);
  }
  const last = sink.sequence;
  try {
    await sink.flush();
  } catch (err) {
    sink.discard(first, last);
    const full = (err as { code?: unknown })?.code === 'ST_STORE_FULL';
    return { ok: false, full, retryAfter: sink.retryAfterFailure() };
  }
  const refused = new Map<number, DeadLetter>();
  for (const letter of sink.deadLetters(first, last)) {
    let k = seqAt.length - 1;
    while (k > 0 && (seqAt[k] as number) > letter.seq) k--;
    if (!refused.has(k)) refused.set(k, letter);
  }
  return { ok: true, refused };
}
