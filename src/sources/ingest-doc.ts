import { z } from 'zod';
import type { RouteDoc } from '../http/route-doc.js';

const EVENT = { $ref: '#/components/schemas/Event' };

/** The answer to `POST /events`, as `ingestRoute` writes it. */
export const ingestResult = z
  .object({
    accepted: z.int().min(0).meta({ description: 'Items valid and stored (duplicates included)' }),
    duplicates: z
      .int()
      .min(0)
      .meta({ description: 'Items whose `id` was already accepted: kept once, not counted again' }),
    rejected: z.int().min(0).meta({ description: 'Items refused; each is in `errors`' }),
    errors: z
      .array(
        z.object({
          index: z.int().min(0).meta({ description: '0-based position in the batch' }),
          line: z.int().min(1).optional().meta({ description: 'NDJSON line number (1-based)' }),
          issues: z.array(
            z.object({
              path: z.string().meta({ description: 'Dotted field path; empty for the whole item' }),
              message: z.string(),
            }),
          ),
        }),
      )
      .meta({ description: 'Every refused item with its field paths and reasons' }),
  })
  .meta({ description: 'What happened to each item of the batch' });

/** What `/openapi.json` says about `POST /events` (registered by the sidecar). */
export const INGEST_DOC: RouteDoc = {
  tag: 'ingest',
  summary: 'Send events',
  description: [
    'One event, a JSON array of events, or NDJSON (one event per line). Each item is validated on its own: good items are kept even when others are refused, and the answer lists every refused item with its position, field path and reason (a mistyped `type` is answered with the closest known type).',
    '',
    'A 200 means durable: it is sent only once every accepted item is stored. Give every event an `id` (a UUID): an id already accepted is skipped, so a retried batch counts once; the ids of the last 15 minutes (up to 100,000) are kept with the store, as keyed hashes, so a retry after a restart is skipped too. On 503 or 507 nothing of the batch is acknowledged: retry the same batch, with the same ids, after `Retry-After`.',
  ].join('\n'),
  body: {
    description: 'Events: each one is `#/components/schemas/Event`',
    content: {
      'application/json': { oneOf: [EVENT, { type: 'array', items: EVENT }] },
      'application/x-ndjson': {
        type: 'string',
        description: 'One JSON event per line (also application/ndjson, application/jsonl)',
      },
    },
  },
  responses: {
    200: {
      description: 'Stored (some items may be refused: see `errors`)',
      content: { 'application/json': ingestResult },
    },
    400: { description: 'Every item was refused', content: { 'application/json': ingestResult } },
    503: {
      description: 'Nothing of the batch was stored; retry it',
      headers: { 'Retry-After': { description: 'Seconds to wait', schema: z.int().min(0) } },
    },
  },
  errors: [
    'ST_INVALID_JSON',
    'ST_BODY_TOO_LARGE',
    'ST_TOO_MANY_ITEMS',
    'ST_UNSUPPORTED_MEDIA_TYPE',
    'ST_STORE_UNAVAILABLE',
    'ST_STORE_FULL',
  ],
};
