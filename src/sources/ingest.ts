import type { EventBus } from '../events/bus.js';
import { isExactEvent } from '../events/predicates.js';
import { parseEvent } from '../events/schemas.js';
import type { SidetoneEvent } from '../events/types.js';
import { requestBytes } from '../http/raw-body.js';
import { errorResponse, json } from '../http/respond.js';
import type { Handler } from '../http/router.js';

export interface IngestOptions {
  /** Largest request body accepted; past it 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Most items in one request; past it 413. Default 10 000. */
  maxItems?: number;
  /**
   * Resolves when everything emitted so far is durable (the store sink's `flush`). The response
   * is sent only after it, so an acknowledged event survives a crash.
   */
  flush?: () => Promise<void>;
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
   */
  dedupe?: { maxIds?: number; maxAgeMs?: number; now?: () => number };
}

/**
 * A bounded window of event ids: insertion-ordered, so the oldest ids are forgotten first, by
 * count and by age. Memory is at most `maxIds` strings of up to 128 characters.
 */
class IdWindow {
  private readonly seen = new Map<string, number>();
  /** When the first (oldest) id in `seen` was added; +Infinity when there is none. */
  private oldestAt = Number.POSITIVE_INFINITY;
  constructor(
    private readonly maxIds: number,
    private readonly maxAgeMs: number,
    readonly now: () => number,
  ) {}
  /**
   * True when `id` is new (and remember it, as seen at `t`), false when it is in the window.
   * Eviction walks the map only when the window is full or its oldest id has expired: a walk per
   * call allocated an iterator and an entry per id, on every event a client sends with an id.
   */
  add(id: string, t: number): boolean {
    const at = this.seen.get(id);
    if (at !== undefined && t - at <= this.maxAgeMs) return false;
    if (at !== undefined) this.seen.delete(id);
    if (this.seen.size >= this.maxIds || t - this.oldestAt > this.maxAgeMs) this.forget(t);
    this.seen.set(id, t);
    if (this.seen.size === 1) this.oldestAt = t;
    return true;
  }
  /** Forget the oldest ids: past the age limit, or to make room for one more. */
  private forget(t: number): void {
    this.oldestAt = Number.POSITIVE_INFINITY;
    for (const [old, when] of this.seen) {
      if (this.seen.size < this.maxIds && t - when <= this.maxAgeMs) {
        this.oldestAt = when;
        break;
      }
      this.seen.delete(old);
    }
  }
}

/** One refused item: where it was in the request and what is wrong with it. */
export interface IngestRejection {
  /** 0-based position in the array, or the NDJSON line number (1-based) as `line`. */
  index: number;
  line?: number;
  issues: Array<{ path: string; message: string }>;
}

const JSON_TYPES = new Set(['application/json']);
const NDJSON_TYPES = new Set([
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'application/jsonlines',
]);

/**
 * `POST /events`: one JSON event, a JSON array of events, or NDJSON (one event per line). Each
 * item is validated on its own: good items are emitted and kept even when others are refused,
 * and the answer lists every refused item with its position, field path and reason.
 *
 * @example
 * app.route('POST', '/events', ingestRoute(bus, { flush: () => sink.flush() }), { auth: 'ingest' });
 */
export function ingestRoute(bus: EventBus, options: IngestOptions = {}): Handler {
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const maxItems = options.maxItems ?? 10_000;
  const ids = new IdWindow(
    options.dedupe?.maxIds ?? 100_000,
    options.dedupe?.maxAgeMs ?? 15 * 60_000,
    options.dedupe?.now ?? Date.now,
  );
  return async (req) => {
    const type = (req.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const ndjson = NDJSON_TYPES.has(type);
    if (!ndjson && !JSON_TYPES.has(type)) {
      return errorResponse(
        'ST_UNSUPPORTED_MEDIA_TYPE',
        `Content-Type ${JSON.stringify(type || '(none)')} is not accepted: send application/json (an event or an array) or application/x-ndjson (one event per line)`,
      );
    }
    const body = await readLimited(req, maxBodyBytes);
    if (body === undefined) {
      return errorResponse(
        'ST_BODY_TOO_LARGE',
        `request body exceeds ${maxBodyBytes} bytes: send smaller batches`,
      );
    }
    // Items as parallel arrays (values and NDJSON line numbers), not an object per item: at 500
    // items a request, fewer small objects is less work for the collector.
    const values: unknown[] = [];
    const lineOf: number[] = [];
    const rejected: IngestRejection[] = [];
    if (ndjson) {
      const lines = body.split('\n');
      for (let i = 0; i < lines.length; i++) {
        const text = (lines[i] as string).trim();
        if (text === '') continue;
        values.push(text);
        lineOf.push(i + 1);
      }
    } else {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch (err) {
        return errorResponse('ST_INVALID_JSON', `body is not JSON: ${(err as Error).message}`);
      }
      if (Array.isArray(parsed)) for (const v of parsed) values.push(v);
      else values.push(parsed);
    }
    if (values.length > maxItems) {
      return errorResponse(
        'ST_TOO_MANY_ITEMS',
        `${values.length} items exceed the limit of ${maxItems}: split the batch`,
      );
    }
    const good: SidetoneEvent[] = [];
    const receivedAt = Date.now();
    const parseOptions = { now: () => receivedAt };
    for (let index = 0; index < values.length; index++) {
      const line = ndjson ? lineOf[index] : undefined;
      let value = values[index];
      if (ndjson) {
        try {
          value = JSON.parse(value as string);
        } catch (err) {
          rejected.push({
            index,
            line: line as number,
            issues: [{ path: '', message: `not JSON: ${(err as Error).message}` }],
          });
          continue;
        }
      }
      // The generated check first: it says yes only when the zod parse would give back this very
      // value, which is ours (fresh from JSON.parse) to keep as the event. The zod parse (~2.5 us an
      // event against 60-100 ns for the check, see events/predicates.ts) runs only for the rest:
      // to drop unknown fields, turn an ISO `ts` into ms, or word what is wrong.
      if (isExactEvent(value)) {
        if (value.ts === undefined) value.ts = receivedAt;
        good.push(value);
        continue;
      }
      const r = parseEvent(value, parseOptions);
      if (r.ok) good.push(r.event);
      else rejected.push({ index, ...(line !== undefined && { line }), issues: r.issues });
    }
    const traceparent = req.headers.get('traceparent');
    if (traceparent !== null && good.length > 0 && options.traceparent) {
      options.traceparent(traceparent, good, req.headers.get('tracestate') ?? undefined);
    }
    // A retried batch: events already emitted are skipped, so metrics count them once; the store
    // sink keeps a failed batch queued, so the retry's flush writes what the failure left out.
    let duplicates = 0;
    const seenAt = ids.now();
    for (const e of good) {
      if (e.id !== undefined && !ids.add(e.id, seenAt)) duplicates++;
      else bus.emitParsed(e);
    }
    if (good.length > 0 && options.flush) {
      try {
        await options.flush();
      } catch (err) {
        // A full disk will not clear by retrying in a second: 507 says what to fix (RFC 4918 11.5).
        if (isDiskFull(err)) {
          return errorResponse(
            'ST_STORE_FULL',
            'events were not stored: the disk holding the store is full; free space (or move store.path), then retry',
          );
        }
        return errorResponse(
          'ST_STORE_UNAVAILABLE',
          'events were not stored: the store failed to write; retry the request',
        );
      }
    }
    rejected.sort((a, b) => a.index - b.index);
    if (rejected.length > 0) options.onReject?.(rejected);
    const status = good.length === 0 && rejected.length > 0 ? 400 : 200;
    return json(status, { accepted: good.length, duplicates, rejected: rejected.length, errors: rejected });
  };
}

/** SQLite's SQLITE_FULL or the OS's ENOSPC, on the error or anywhere down its causes. */
export function isDiskFull(err: unknown): boolean {
  for (let e = err, depth = 0; e !== null && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === 'SQLITE_FULL' || code === 'ENOSPC') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Read the body as text, or undefined once it passes `limit` bytes (checked as it streams). */
async function readLimited(req: Request, limit: number): Promise<string | undefined> {
  const declared = Number(req.headers.get('content-length'));
  if (declared > limit) return undefined;
  // Through the node adapter the body is already in memory: no stream, no second copy.
  const bytes = requestBytes(req);
  if (bytes !== undefined) return bytes.byteLength > limit ? undefined : bytes.toString('utf8');
  if (req.body === null) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
