import type { EventBus } from '../events/bus.js';
import type { SidetoneEvent } from '../events/types.js';
import type { HttpRequest } from '../http/request.js';
import { errorReply, type JsonReply } from '../http/respond.js';
import type { Handler } from '../http/router.js';
import type { IngestRejection } from '../logs/audit.js';
import type { Registry } from '../metrics/index.js';
import { DEDUPE_WINDOW } from '../store/event-ids.js';
import { type Claim, IdWindow } from './id-window.js';
import {
  INGEST_REFUSAL_REASONS,
  INGEST_REFUSAL_TYPES,
  JSON_TYPES,
  mediaType,
  NDJSON_TYPES,
  type OnRefused,
  readItems,
} from './ingest-items.js';
import { type IngestSink, storeFirst } from './store-first.js';

export interface IngestOptions {
  /** Largest request body accepted; past it 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Most items in one request; past it 413. Default 10 000. */
  maxItems?: number;
  /**
   * Where the events become durable: the store sink (`storeSink`). A request is answered only after
   * its `flush`, so an acknowledged event survives a crash; one that would not fit the sink's queue
   * is answered 503 with `Retry-After` before anything of it is emitted.
   */
  sink?: IngestSink;
  /**
   * Called with a request's W3C `traceparent` (and `tracestate`) before its good events are
   * emitted, so the calls they start continue the sender's trace (the trace sink's `adopt`).
   */
  traceparent?: (traceparent: string, events: readonly SidetoneEvent[], tracestate?: string) => void;
  /** Called with every refused item (field paths and reasons, never the body), for the audit log. */
  onReject?: (rejected: readonly IngestRejection[]) => void;
  /**
   * Event ids remembered to make a retry count once (the dedupe window): an event whose `id` was
   * already emitted is skipped. Default 100 000 ids and 15 minutes, whichever is reached first.
   * With a sink the store keeps them too (store/event-ids.ts, the sink's own `dedupe`), so an id
   * stored before a restart is skipped as well; this window is the first check, in memory.
   */
  dedupe?: { maxIds?: number; maxAgeMs?: number; now?: () => number };
  /**
   * Where refused items are counted, `<prefix>_ingest_events_rejected_total{type,reason}`: a
   * rule can then see clock skew or schema drift, which the answer alone tells only the sender.
   */
  registry?: Registry;
  /**
   * A cluster member's (`[cluster]`, sources/cluster/node.ts): good events go to the stream, answered once
   * JetStream stored all of them; the owner of each call's partition stores them (its store
   * deduplicates ids). Rejects when any was not stored: 503, and the retry is deduplicated.
   */
  publish?: (events: readonly SidetoneEvent[]) => Promise<{ duplicates: number }>;
}

/**
 * `POST /events`: one JSON event, a JSON array of events, or NDJSON (one event per line). Each
 * item is validated on its own: good items are emitted and kept even when others are refused,
 * and the answer lists every refused item with its position, field path and reason.
 *
 * @example
 * app.route('POST', '/events', ingestRoute(bus, { sink: storeSink(bus, store) }), { auth: 'ingest' });
 */
export function ingestRoute(bus: EventBus, options: IngestOptions = {}): Handler {
  return ingestHandler(bus, options);
}

/**
 * `POST /events` as a handler that answers a {@link JsonReply}, written to node:http as it is
 * (no web `Request` or `Response` per POST, issue 39). One dedupe window per handler: mount the
 * same one wherever `/events` is served.
 */
export function ingestHandler(
  bus: EventBus,
  options: IngestOptions = {},
): (req: HttpRequest) => Promise<JsonReply> {
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const maxItems = options.maxItems ?? 10_000;
  const ids = new IdWindow(
    options.dedupe?.maxIds ?? DEDUPE_WINDOW.maxIds,
    options.dedupe?.maxAgeMs ?? DEDUPE_WINDOW.maxAgeMs,
    options.dedupe?.now ?? Date.now,
  );
  const refused = refusalCounter(options.registry);
  return async (req) => {
    const type = mediaType(req.headers.get('content-type'));
    const ndjson = NDJSON_TYPES.has(type);
    if (!ndjson && !JSON_TYPES.has(type)) {
      return errorReply(
        'ST_UNSUPPORTED_MEDIA_TYPE',
        `Content-Type ${JSON.stringify(type || '(none)')} is not accepted: send application/json (an event or an array) or application/x-ndjson (one event per line)`,
      );
    }
    // NDJSON is split into lines as it arrives; JSON (an event or an array) is parsed whole. Past
    // maxBodyBytes (or the server's limit) the read rejects: 413, the catalogue's answer.
    const body = ndjson ? await req.lines(maxBodyBytes) : await req.text(maxBodyBytes);
    const items = await readItems(body, ndjson, maxItems, refused);
    if ('error' in items) return items.error;
    const { good, goodAt, rejected, lineOf } = items;
    if (options.publish !== undefined && good.length > 0) {
      const published = await options.publish(good).catch(() => undefined);
      if (published === undefined) {
        return errorReply(
          'ST_CLUSTER_UNAVAILABLE',
          'events were not stored: JetStream did not acknowledge all of them; retry the request',
          { 'retry-after': '1' },
        );
      }
      return answer(good.length, published.duplicates);
    }
    const sink = options.sink;
    if (sink === undefined || good.length === 0) {
      // No store to wait for: emitted at once, each id remembered as it is.
      adopt(good);
      let duplicates = 0;
      const seenAt = ids.now();
      for (const e of good) {
        if (e.id !== undefined && !ids.add(e.id, seenAt)) duplicates++;
        else bus.emitParsed(e);
      }
      return answer(good.length, duplicates);
    }
    // Nothing is taken that the sink could not keep: a full queue (the store slow or down) is a
    // 503 before anything of the request is stored or counted.
    const wait = sink.retryAfter(good.length);
    if (wait > 0) return backlog(good.length, wait);
    // Which events are new: an id stored before is a duplicate (a retry whose answer was lost);
    // one another request is storing right now (a retry sent before the first was answered) makes
    // this one wait for that one's answer. The ids are claimed in the window until the answer.
    const claim: Claim = { at: ids.now() };
    const fresh: SidetoneEvent[] = [];
    const freshAt: number[] = [];
    let duplicates = 0;
    for (let k = 0; k < good.length; k++) {
      const e = good[k] as SidetoneEvent;
      const held = e.id === undefined ? 'claimed' : ids.claim(e.id, claim);
      if (held === 'duplicate') {
        duplicates++;
        continue;
      }
      if (held === 'busy') {
        settle(fresh, claim, false);
        return errorReply(
          'ST_INGEST_IN_FLIGHT',
          'events with these ids are being stored by an earlier request not answered yet; retry after 1 s',
          { 'retry-after': '1' },
        );
      }
      fresh.push(e);
      freshAt.push(goodAt[k] as number);
    }
    // Ids new to this window may have been stored before a restart: the sink reads what the store
    // kept once, with the first request, and answers from memory after (no ids, nothing asked).
    const wanted: string[] = [];
    for (const e of fresh) if (e.id !== undefined) wanted.push(e.id);
    const known = wanted.length === 0 ? undefined : await storedBefore(wanted);
    if (known === null) {
      settle(fresh, claim, false);
      return errorReply(
        'ST_STORE_UNAVAILABLE',
        'events were not stored: the store failed to read; retry the request',
        {
          'retry-after': String(sink.retryAfterFailure()),
        },
      );
    }
    if (known !== undefined && known.size > 0) {
      // Stored before: duplicates, remembered here from now on (the window's next answer).
      let kept = 0;
      const t = ids.now();
      for (let k = 0; k < fresh.length; k++) {
        const e = fresh[k] as SidetoneEvent;
        if (e.id !== undefined && known.has(e.id)) {
          ids.settle(e.id, claim, true, t);
          duplicates++;
          continue;
        }
        fresh[kept] = e;
        freshAt[kept++] = freshAt[k] as number;
      }
      fresh.length = kept;
      freshAt.length = kept;
    }
    if (known !== undefined) {
      // Other requests took updates while this one read: what it takes must still fit (see above).
      const wait = sink.retryAfter(fresh.length);
      if (wait > 0) {
        settle(fresh, claim, false);
        return backlog(fresh.length, wait);
      }
    }
    // Stored first, emitted after: the packs, traces and logs see an event once it is durable, so
    // a request that fails leaves no count behind and its retry (its ids forgotten) counts once.
    const r = await storeFirst(sink, fresh);
    if (!r.ok) {
      // Not acknowledged: nothing of it is kept (the retry brings it again) and its ids are free.
      settle(fresh, claim, false);
      const retryAfter = { 'retry-after': String(r.retryAfter) };
      // A full disk will not clear by retrying in a second: 507 says what to fix (RFC 4918 11.5).
      if (r.full) {
        return errorReply(
          'ST_STORE_FULL',
          'events were not stored: the disk holding the store is full; free space (or move store.path), then retry',
          retryAfter,
        );
      }
      return errorReply(
        'ST_STORE_UNAVAILABLE',
        'events were not stored: the store failed to write; retry the request',
        retryAfter,
      );
    }
    // An update the store refused for good: its event is answered as refused, neither counted
    // nor remembered (a retry is judged again).
    const refusedByStore = r.refused;
    for (const [k, letter] of refusedByStore) {
      const index = freshAt[k] as number;
      refused((fresh[k] as SidetoneEvent).type, 'store_refused');
      rejected.push({
        index,
        ...(ndjson && { line: lineOf[index] as number }),
        issues: [
          {
            path: letter.path,
            message: `the store refused it (${letter.code}); it was not stored and is not retried`,
          },
        ],
      });
    }
    const stored = refusedByStore.size === 0 ? fresh : fresh.filter((_, k) => !refusedByStore.has(k));
    adopt(stored);
    sink.ignoring(() => {
      for (const e of stored) bus.emitParsed(e);
    });
    const doneAt = ids.now();
    for (let k = 0; k < fresh.length; k++) {
      const id = (fresh[k] as SidetoneEvent).id;
      if (id !== undefined) ids.settle(id, claim, !refusedByStore.has(k), doneAt);
    }
    return answer(good.length - refusedByStore.size, duplicates);

    /** Of `wanted` (event ids), those the store kept; null when it could not be read. */
    async function storedBefore(wanted: readonly string[]): Promise<Set<string> | null> {
      try {
        return await (sink as IngestSink).storedIds(wanted);
      } catch {
        return null;
      }
    }

    /** 503: `n` more updates would overfill the sink's queue. */
    function backlog(n: number, wait: number): JsonReply {
      return errorReply(
        'ST_STORE_BACKLOG',
        `events were not accepted: ${n} more would overfill the queue of updates waiting for the store; retry after ${wait} s`,
        { 'retry-after': String(wait) },
      );
    }

    /** The sender's trace continues in the calls its stored events start. */
    function adopt(events: readonly SidetoneEvent[]): void {
      const traceparent = req.headers.get('traceparent');
      if (traceparent !== null && events.length > 0 && options.traceparent) {
        options.traceparent(traceparent, events, req.headers.get('tracestate') ?? undefined);
      }
    }

    function answer(accepted: number, duplicates: number): JsonReply {
      rejected.sort((a, b) => a.index - b.index);
      if (rejected.length > 0) options.onReject?.(rejected);
      const status = accepted === 0 && rejected.length > 0 ? 400 : 200;
      return { status, body: { accepted, duplicates, rejected: rejected.length, errors: rejected } };
    }
  };

  /** The ids of `events`, claimed by `claim`, are stored (remembered) or not (forgotten). */
  function settle(events: readonly SidetoneEvent[], claim: Claim, stored: boolean): void {
    const t = ids.now();
    for (const e of events) if (e.id !== undefined) ids.settle(e.id, claim, stored, t);
  }
}

/** Counts refused items by type and reason on `registry` (nothing without one). */
function refusalCounter(registry: Registry | undefined): OnRefused {
  if (registry === undefined) return () => {};
  const counter = registry.counter({
    name: `${registry.prefix}_ingest_events_rejected_total`,
    help: 'Items of POST /events refused, by event type (unknown outside the catalogue) and reason: not_json, unknown_type, timestamp, invalid, store_refused',
    labels: ['type', 'reason'],
    enums: { type: INGEST_REFUSAL_TYPES, reason: INGEST_REFUSAL_REASONS },
  });
  return (type, reason) => counter.labels({ type, reason }).inc();
}
