/**
 * The bytes behind a request body, for a route that reads the whole body at once (`POST /events`).
 * The node adapter reads a body into one Buffer (bounded by its limit) before it builds the fetch
 * `Request`, whose body is a stream over those same bytes (see toRequest). Reading them back
 * through that stream costs a reader, a promise per chunk and a concat; taking them from here
 * costs nothing. With the lazy stream, the adapter's and the ingest route's body handling went
 * from ~4 % to ~2 % of the sidecar's main thread in the ingest bench's profile. The Request keeps
 * its ordinary body, so every other handler (and the Express, Fastify and Hono mounts) reads it
 * as before.
 */
const RAW = new WeakMap<Request, Buffer>();

/** Remember the bytes a Request's body was built from (the node adapter's side). */
export function keepRequestBytes(req: Request, bytes: Buffer): void {
  RAW.set(req, bytes);
}

/**
 * The bytes of a Request's body, when the node adapter built it and nobody has read the body
 * yet; undefined otherwise (read the stream then).
 * @example
 * const bytes = requestBytes(req); const text = bytes ? bytes.toString('utf8') : await req.text();
 */
export function requestBytes(req: Request): Buffer | undefined {
  const raw = RAW.get(req);
  return raw !== undefined && !req.bodyUsed && !(req.body?.locked ?? false) ? raw : undefined;
}
