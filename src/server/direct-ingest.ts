/**
 * `POST /events` on the sidecar's own listener, answered on node:http without a web `Request` or
 * `Response` per POST. At a Pi's rate (20 calls a second, one POST an event) the fetch bridge was
 * ~15 % of the main thread (issue 39: building the Request and its body stream, routing, the
 * Response and its byte stream). The same handler answers through the fetch route (library and
 * framework mounts, and every request this path leaves to it), so validation, the store-first
 * acknowledgement and the answers are one code; what this path does not take (another path or
 * method, a refused credential, a media type the route refuses) goes to the app as before, which
 * answers it, counts it and audits it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App } from '../http/app.js';
import { readBody, readChunks, sendResponse, unreadable } from '../http/node-bridge.js';
import type { RequestMetrics } from '../http/request-metrics.js';
import { toErrorResponse, writeJsonReply } from '../http/respond.js';
import type { IngestRequest, ingestHandler } from '../sources/ingest.js';
import { acceptsIngestType, mediaType, NDJSON_TYPES } from '../sources/ingest-items.js';
import { NdjsonLines } from '../sources/ndjson-lines.js';

/** The route this path answers, as the app has it. */
export const INGEST_PATH = '/events';

/**
 * The `direct` hook of `serve()` for `POST /events`: true when it took the request.
 *
 * @example
 * serve(app, { direct: directIngest({ app, ingest: ingestHandler(bus, { sink }), logger }) });
 */
export function directIngest(options: {
  app: App;
  ingest: ReturnType<typeof ingestHandler>;
  requestMetrics?: RequestMetrics;
  logger: { error(obj: object, msg: string): void };
}): (req: IncomingMessage, res: ServerResponse, limit: number) => boolean {
  const { app, ingest, requestMetrics, logger } = options;
  return (req, res, limit) => {
    if (req.method !== 'POST' || req.url !== INGEST_PATH) return false;
    const contentType = req.headers['content-type'];
    if (contentType === undefined || !acceptsIngestType(contentType)) return false;
    if (!app.allows('ingest', req.headers.authorization ?? null)) return false;
    void answer(req, res, limit, contentType);
    return true;
  };

  async function answer(req: IncomingMessage, res: ServerResponse, limit: number, contentType: string) {
    // NDJSON is split into lines as it arrives; JSON (an event or an array) is parsed whole.
    let body: Buffer | undefined;
    let split: NdjsonLines | undefined;
    try {
      if (NDJSON_TYPES.has(mediaType(contentType))) {
        const lines = new NdjsonLines();
        await readChunks(req, limit, (chunk) => lines.push(chunk));
        split = lines.end();
      } else body = await readBody(req, limit);
    } catch (err) {
      // As the fetch bridge: nothing to answer a client that left, a 413 to one over the limit.
      if (!res.destroyed && !req.socket.destroyed) await sendResponse(req, res, unreadable(err));
      return;
    }
    // Counted from here, as the app counts a request once the bridge has read its body.
    const end = requestMetrics?.begin('POST');
    const request: IngestRequest = {
      contentType,
      // node joins a repeated header with ", " as the fetch Headers' get() does.
      header: (name) => {
        const v = req.headers[name];
        return typeof v === 'string' ? v : null;
      },
      text: async (max) => {
        const bytes = body ?? Buffer.alloc(0);
        return bytes.byteLength > max ? undefined : bytes.toString('utf8');
      },
      lines: (max) => (split === undefined || split.bytes > max ? undefined : split),
    };
    try {
      const reply = await ingest(request);
      end?.(INGEST_PATH, reply.status);
      writeJsonReply(res, reply);
    } catch (err) {
      // As the app's fetch: the catalogue decides the status, a 5xx is logged without the request.
      const response = toErrorResponse(err);
      end?.(INGEST_PATH, response.status);
      if (response.status >= 500) {
        logger.error(
          {
            err:
              err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err),
          },
          'sidetone http handler failed',
        );
      }
      await sendResponse(req, res, response);
    }
  }
}
