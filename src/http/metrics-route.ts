import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import { DefinitionError } from '../errors.js';
import { sanitizeDetail } from '../health/sanitize.js';
import { CONTENT_TYPES, negotiate, type Registry, type ScrapeFormat } from '../metrics/index.js';
import { renderDuration } from '../metrics/render-time.js';
import { type BytesReply, errorReply, type JsonReply, toErrorReply } from './respond.js';
import type { Handler } from './router.js';

const gzipAsync = promisify(gzipCb);
// Level 1: metrics text is repetitive enough that it still shrinks ~17x, at half the CPU of the
// default level, which matters more on a Raspberry Pi than 10% more bytes on a LAN.
const gzip = (b: Buffer) => gzipAsync(b, { level: 1 });

export interface MetricsRouteOptions {
  /** Requests served at once (sharing renders); the next one gets 503 with `Retry-After`. Default 4. */
  maxConcurrentScrapes?: number;
  /** Compress when the scraper accepts gzip (Prometheus does). Default true. */
  gzip?: boolean;
}

/** One render shared by every scrape of the same format that arrives while it runs. */
interface Flight {
  body: Promise<Buffer>;
  gzipped?: Promise<Buffer>;
}

/**
 * The `/metrics` handler: format from `Accept`, gzip from `Accept-Encoding`, one render shared by
 * concurrent scrapes, a cap on concurrent scrapes, and self-metrics
 * (`sidetone_scrape_duration_seconds{format}`, `sidetone_scrape_errors_total{reason}`). A failing
 * or slow collect callback leaves its families stale and is counted in
 * `sidetone_collect_errors_total`; only a failed render answers 500.
 *
 * @example
 * router.add('GET', '/metrics', metricsRoute(registry, { maxConcurrentScrapes: 4 }), 'scrape');
 */
export function metricsRoute(registry: Registry, options: MetricsRouteOptions = {}): Handler {
  return metricsRouteOf(metricsAnswer(registry, options));
}

/** The route over a {@link metricsAnswer}. */
export function metricsRouteOf(answer: MetricsAnswer): Handler {
  return (req) => answer(req.headers.get('accept'), req.headers.get('accept-encoding'));
}

/** A scrape's answer: the exposition's bytes and headers, or an error (overloaded, a failed render). */
export type MetricsAnswer = (
  accept: string | null,
  acceptEncoding: string | null,
) => Promise<BytesReply | JsonReply>;

/**
 * `GET /metrics` from the request's `Accept` and `Accept-Encoding`, as a reply: node:http writes
 * its bytes as they are (no web Request or Response per scrape, whose code is ~12 MiB of RSS to
 * load; issue 39).
 */
export function metricsAnswer(registry: Registry, options: MetricsRouteOptions = {}): MetricsAnswer {
  const max = options.maxConcurrentScrapes ?? 4;
  if (!Number.isInteger(max) || max < 1) {
    throw new DefinitionError(
      'ST_INVALID_OPTION',
      `maxConcurrentScrapes must be a positive integer, got ${String(max)}: Prometheus needs 1 per server`,
    );
  }
  const useGzip = options.gzip ?? true;
  const duration = renderDuration(registry);
  const errors = registry.counter({
    name: `${registry.prefix}_scrape_errors_total`,
    help: 'Metrics scrapes answered with an error, by reason',
    labels: ['reason'],
    enums: { reason: ['render_failed', 'overloaded'] },
  });
  const flights = new Map<ScrapeFormat, Flight>();
  let active = 0;

  const flight = (format: ScrapeFormat): Flight => {
    let f = flights.get(format);
    if (f === undefined) {
      // Collect callbacks first, then render straight to bytes (no whole-exposition string).
      // Protobuf is written from a snapshot by a module loaded on the first protobuf scrape.
      const body = registry
        .collect()
        .then(async () =>
          format === 'protobuf'
            ? Buffer.from((await import('../metrics/protobuf.js')).encodeProtobuf(registry.snapshot()))
            : registry.renderBytes(format),
        );
      f = { body };
      flights.set(format, f);
      // The next scrape after this render settles must see fresh values, so the flight ends here.
      const done = () => {
        if (flights.get(format) === f) flights.delete(format);
      };
      body.then(done, done);
    }
    return f;
  };

  return async (accept, acceptEncoding) => {
    if (active >= max) {
      errors.labels({ reason: 'overloaded' }).inc();
      return errorReply('ST_SCRAPE_OVERLOADED', `more than ${max} scrapes at once: retry shortly`, {
        'retry-after': '1',
      });
    }
    active++;
    const start = performance.now();
    const format = negotiate(accept);
    try {
      const f = flight(format);
      let bytes = await f.body;
      const headers: Record<string, string> = {
        'content-type': CONTENT_TYPES[format],
        'cache-control': 'no-store',
        vary: 'Accept, Accept-Encoding',
      };
      if (useGzip && acceptsGzip(acceptEncoding)) {
        f.gzipped ??= gzip(bytes);
        bytes = await f.gzipped;
        headers['content-encoding'] = 'gzip';
      }
      duration.labels({ format }).observe((performance.now() - start) / 1000);
      return { status: 200, headers, bytes };
    } catch (err) {
      // Collect failures never get here (they leave families stale); what does is a render bug.
      errors.labels({ reason: 'render_failed' }).inc();
      // No logger here: the scraper's answer carries the detail, cleaned of anything data-like.
      return toErrorReply(err, {
        fallback: 'ST_RENDER_FAILED',
        message: sanitizeDetail(err instanceof Error ? err.message : 'render failed'),
      });
    } finally {
      active--;
    }
  };
}

/** `gzip` (or `x-gzip`, or `*`) listed with a non-zero q-value. */
export function acceptsGzip(header: string | null): boolean {
  if (!header) return false;
  for (const part of header.split(',')) {
    const [coding = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (coding !== 'gzip' && coding !== 'x-gzip' && coding !== '*') continue;
    const q = params.find((p) => p.startsWith('q='));
    if (q === undefined || Number(q.slice(2)) > 0) return true;
  }
  return false;
}
