import { EVENT_TYPES } from '../events/predicates.generated.js';
import { isExactEvent } from '../events/predicates.js';
import type * as Schemas from '../events/schemas.js';
import type { SidetoneEvent } from '../events/types.js';
import { NdjsonLines } from '../http/ndjson-lines.js';
import { errorReply, type JsonReply } from '../http/respond.js';
import type { IngestRejection } from '../logs/audit.js';

// The body of `POST /events` to validated events: which media types it takes, its bytes read
// within the limit, and each item parsed and checked on its own.

export const JSON_TYPES = new Set(['application/json']);
export const NDJSON_TYPES = new Set([
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'application/jsonlines',
]);

/**
 * Why an item of `POST /events` was refused, as `ingest_events_rejected_total` counts it: a fixed
 * set, so a sender's mistakes never make a label. `timestamp`: its `ts` (clock skew, a unit
 * mistake); `unknown_type`: a type outside the catalogue (a newer sender: schema drift);
 * `invalid`: another field; `store_refused`: the store would not keep it.
 */
export const INGEST_REFUSAL_REASONS = [
  'not_json',
  'unknown_type',
  'timestamp',
  'invalid',
  'store_refused',
] as const;
export type IngestRefusalReason = (typeof INGEST_REFUSAL_REASONS)[number];

/** The `type` label of a refused item: its type when the catalogue has it, else `unknown`. */
export const INGEST_REFUSAL_TYPES: readonly string[] = [...EVENT_TYPES, 'unknown'];
const KNOWN_TYPES: ReadonlySet<unknown> = new Set(EVENT_TYPES);

/** Told of each refused item: its type label (bounded) and reason. */
export type OnRefused = (type: string, reason: IngestRefusalReason) => void;

/** The type label of an item: a catalogued type, or `unknown` (never the sender's text). */
export function refusedTypeOf(value: unknown): string {
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  return KNOWN_TYPES.has(type) ? (type as string) : 'unknown';
}

/** The reason for a refusal by the validator's issues: the type first, then the time. */
function reasonOf(issues: ReadonlyArray<{ path: string }>): IngestRefusalReason {
  if (issues.some((i) => i.path === 'type')) return 'unknown_type';
  return issues.some((i) => i.path === 'ts') ? 'timestamp' : 'invalid';
}

/** The media type of a Content-Type header, lower case, without parameters. */
export const mediaType = (header: string | null): string =>
  (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

/** Whether `POST /events` takes a body of this Content-Type (JSON or NDJSON); else it answers 415. */
export const acceptsIngestType = (header: string | null): boolean => {
  const type = mediaType(header);
  return JSON_TYPES.has(type) || NDJSON_TYPES.has(type);
};

/** The event schemas (zod), for the events the generated check does not take as they are. */
let schemas: typeof Schemas | undefined;

/** A body's items: the good events (with their positions) and the refused ones. */
export interface IngestItems {
  good: SidetoneEvent[];
  /** Each good event's position in the request, for a dead letter's answer. */
  goodAt: number[];
  rejected: IngestRejection[];
  /** NDJSON: each item's line number. */
  lineOf: number[];
}

/**
 * The items of a JSON (an event or an array) or NDJSON body, each validated on its own; or the
 * answer that refuses the whole body (not JSON, more than `maxItems`). A text body is NDJSON when
 * `ndjson` says so; one split into lines as it arrived ({@link NdjsonLines}) always is.
 */
export async function readItems(
  body: string | NdjsonLines,
  ndjson: boolean,
  maxItems: number,
  refused: OnRefused = () => {},
): Promise<IngestItems | { error: JsonReply }> {
  // Items as parallel arrays (values and NDJSON line numbers), not an object per item: at 500
  // items a request, fewer small objects is less work for the collector.
  let values: unknown[] = [];
  let lineOf: number[] = [];
  const rejected: IngestRejection[] = [];
  if (ndjson || typeof body !== 'string') {
    // Split as it arrived (the sidecar's own listener), or here from the text of a fetch body.
    const split = typeof body === 'string' ? NdjsonLines.of(body) : body;
    values = split.lines;
    lineOf = split.lineOf;
  } else {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (err) {
      refused('unknown', 'not_json');
      return { error: errorReply('ST_INVALID_JSON', `body is not JSON: ${(err as Error).message}`) };
    }
    if (Array.isArray(parsed)) for (const v of parsed) values.push(v);
    else values.push(parsed);
  }
  if (values.length > maxItems) {
    return {
      error: errorReply(
        'ST_TOO_MANY_ITEMS',
        `${values.length} items exceed the limit of ${maxItems}: split the batch`,
      ),
    };
  }
  const good: SidetoneEvent[] = [];
  /** Each good event's position in the request, for a dead letter's answer. */
  const goodAt: number[] = [];
  const receivedAt = Date.now();
  const parseOptions = { now: () => receivedAt };
  for (let index = 0; index < values.length; index++) {
    const line = ndjson ? lineOf[index] : undefined;
    let value = values[index];
    if (ndjson) {
      try {
        value = JSON.parse(value as string);
      } catch (err) {
        refused('unknown', 'not_json');
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
      goodAt.push(index);
      continue;
    }
    // The 59 zod schemas are built by the first event that needs them, not at start-up (~30 ms
    // of CPU); a sidecar whose apps send exact events never builds them.
    schemas ??= await import('../events/schemas.js');
    const r = schemas.parseEvent(value, parseOptions);
    if (r.ok) {
      good.push(r.event);
      goodAt.push(index);
    } else {
      refused(refusedTypeOf(value), reasonOf(r.issues));
      rejected.push({ index, ...(line !== undefined && { line }), issues: r.issues });
    }
  }
  return { good, goodAt, rejected, lineOf };
}
