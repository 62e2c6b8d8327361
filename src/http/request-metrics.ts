import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Counter, Gauge, Histogram, Registry } from '../metrics/index.js';

/** The route label of a request no route matched: one bucket, whatever the URL was. */
export const UNMATCHED = 'unmatched';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];
const CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx', 'aborted'];
/** Webhook handlers answer in milliseconds; a slow upstream (an LLM, a carrier API) in seconds. */
export const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface RequestMetricsOptions {
  /** Metric name prefix. Default `http_server`. */
  prefix?: string;
  buckets?: readonly number[];
  /** Series cap per metric (route × method × class); past it, series go to `other`. Default 500. */
  maxSeries?: number;
}

type L = 'method' | 'route' | 'status_class';
/** The duration and count series of one method, route and status class. */
type Pair = [ReturnType<Histogram<L>['labels']>, ReturnType<Counter<L>['labels']>];

/**
 * Request duration, count and in-flight requests of the user's own app, labelled by method, route
 * **template** (never the raw URL: `/sms/:id`, not `/sms/4477009`) and status class. Unmatched
 * requests share the route `unmatched`; a request whose client left before the answer is `aborted`.
 * Framework adapters live in `request-metrics-adapters.ts`; this is the core they share.
 *
 * @example
 * const rm = new RequestMetrics(registry);
 * const end = rm.begin('POST');
 * ...
 * end('/sms/inbound', 200);
 */
export class RequestMetrics {
  readonly duration: Histogram<L>;
  readonly requests: Counter<L>;
  readonly inFlight: Gauge<never>;
  /** Series by method, route and status class index ({@link classIndex}). */
  private readonly kept = new Map<string, Map<string, Pair[]>>();
  private keptCount = 0;
  private readonly maxKept: number;

  constructor(registry: Registry, options: RequestMetricsOptions = {}) {
    const prefix = options.prefix ?? 'http_server';
    const maxSeries = options.maxSeries ?? 500;
    this.maxKept = maxSeries;
    const common = {
      labels: ['method', 'route', 'status_class'] as const,
      enums: { method: METHODS, status_class: CLASSES },
      maxSeries,
    };
    this.duration = registry.histogram({
      name: `${prefix}_request_duration_seconds`,
      help: 'HTTP request duration by method, route template and status class',
      unit: 'seconds',
      buckets: options.buckets ?? REQUEST_BUCKETS,
      ...common,
    });
    this.requests = registry.counter({
      name: `${prefix}_requests_total`,
      help: 'HTTP requests by method, route template and status class',
      ...common,
    });
    this.inFlight = registry.gauge({
      name: `${prefix}_requests_in_flight`,
      help: 'HTTP requests being served',
    });
  }

  /**
   * Start timing one request; call the returned function once with the route template (undefined
   * when unmatched) and the status (0 when the client left first). Further calls are ignored.
   */
  begin(method: string | undefined): (route: string | undefined, status: number) => void {
    const start = performance.now();
    this.inFlight.inc();
    let done = false;
    return (route, status) => {
      if (done) return;
      done = true;
      this.inFlight.dec();
      const [duration, requests] = this.seriesOf(method ?? 'GET', route, status);
      duration.observe((performance.now() - start) / 1000);
      requests.inc();
    };
  }

  /**
   * The two series of a method, route and status class, found once and kept: `labels()` built a
   * label object and looked each metric's series up again for every request (~12 µs of the
   * sidecar's main thread a one-event POST on the Pi bench's perf profile, issue 51). As many
   * kept as the metrics hold series (`maxSeries`); past that, looked up each time.
   */
  private seriesOf(method: string, route: string | undefined, status: number): Pair {
    const name = route === undefined || route === '' ? UNMATCHED : route;
    const cls = classIndex(status);
    let routes = this.kept.get(method);
    if (routes === undefined) this.kept.set(method, (routes = new Map()));
    let classes = routes.get(name);
    if (classes === undefined) routes.set(name, (classes = []));
    const known = classes[cls];
    if (known !== undefined) return known;
    const labels = { method: method.toUpperCase(), route: name, status_class: CLASSES[cls] as string };
    const pair: Pair = [this.duration.labels(labels), this.requests.labels(labels)];
    if (this.keptCount < this.maxKept) {
      classes[cls] = pair;
      this.keptCount++;
    }
    return pair;
  }

  /**
   * Wrap a node:http request listener. node:http has no router, so `route` maps a request to its
   * template; {@link routeMatcher} builds one from a list of templates.
   *
   * @example
   * const route = routeMatcher(['/sms/inbound', '/sms/status/:id', '/ussd']);
   * http.createServer(rm.node(handler, { route: (req) => route(req.url ?? '/') }));
   */
  node(
    listener: (req: IncomingMessage, res: ServerResponse) => void,
    options: { route: (req: IncomingMessage) => string | undefined },
  ): (req: IncomingMessage, res: ServerResponse) => void {
    return (req, res) => {
      const end = this.begin(req.method);
      const finish = () =>
        end(
          safeRoute(() => options.route(req)),
          res.writableFinished ? res.statusCode : 0,
        );
      res.once('finish', finish);
      res.once('close', finish);
      listener(req, res);
    };
  }
}

/** `2xx` for 204, `aborted` for 0 (no answer reached the client). */
export function statusClass(status: number): string {
  return CLASSES[classIndex(status)] as string;
}

/** A status's place in CLASSES: 0-4 for 1xx-5xx, 5 for `aborted`. */
function classIndex(status: number): number {
  return status >= 100 && status < 600 ? Math.floor(status / 100) - 1 : 5;
}

/**
 * A matcher from concrete paths to templates, for servers without a router. Segments starting
 * with `:` match one segment, a final `*` matches the rest; the first template that fits wins.
 *
 * @example
 * const route = routeMatcher(['/sms/:id', '/ussd/*']);
 * route('/sms/4477009?x=1'); // '/sms/:id'
 * route('/nope'); // undefined
 */
export function routeMatcher(templates: readonly string[]): (url: string) => string | undefined {
  const compiled = templates.map((t) => ({ template: t, parts: t.split('/').filter((s) => s !== '') }));
  return (url) => {
    const q = url.search(/[?#]/);
    const parts = (q < 0 ? url : url.slice(0, q)).split('/').filter((s) => s !== '');
    for (const { template, parts: want } of compiled) {
      if (matches(want, parts)) return template;
    }
    return undefined;
  };
}

function matches(want: string[], got: string[]): boolean {
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string;
    if (w === '*' && i === want.length - 1) return got.length >= i;
    if (i >= got.length) return false;
    if (!w.startsWith(':') && w !== got[i]) return false;
  }
  return got.length === want.length;
}

/** A route function that throws must not break the request it measures. */
export function safeRoute(fn: () => string | undefined): string | undefined {
  try {
    const r = fn();
    return typeof r === 'string' ? r : undefined;
  } catch {
    return undefined;
  }
}
