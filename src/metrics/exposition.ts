import type { Lines } from './header.js';

/** The two text exposition formats Prometheus scrapes. */
export type ExpositionFormat = 'prometheus' | 'openmetrics';
/** What a scrape can get: a text format, or delimited protobuf (native histograms). */
export type ScrapeFormat = ExpositionFormat | 'protobuf';

const PROTOBUF_TYPE = 'application/vnd.google.protobuf';
const METRIC_FAMILY = 'io.prometheus.client.MetricFamily';

export const CONTENT_TYPES: Readonly<Record<ScrapeFormat, string>> = {
  prometheus: 'text/plain; version=0.0.4; charset=utf-8',
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
  protobuf: `${PROTOBUF_TYPE}; proto=${METRIC_FAMILY}; encoding=delimited`,
};

/**
 * Pick the format from an Accept header, honouring q-values as Prometheus sends them
 * (`application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,*\/*;q=0.1`).
 * OpenMetrics is chosen only when asked for with a version we speak (1.0.0, or none); protobuf
 * only as delimited MetricFamily messages, which Prometheus asks for with its native-histograms
 * feature on.
 */
export function negotiate(accept: string | null | undefined): ScrapeFormat {
  if (!accept) return 'prometheus';
  let best: ScrapeFormat = 'prometheus';
  let bestQ = -1;
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.split(';').map((s) => s.trim());
    let q = 1;
    let version: string | undefined;
    let proto: string | undefined;
    let encoding: string | undefined;
    for (const p of params) {
      const eq = p.indexOf('=');
      const key = p.slice(0, eq).trim().toLowerCase();
      const value = p.slice(eq + 1).trim();
      if (key === 'q') q = Number(value);
      else if (key === 'version') version = value;
      else if (key === 'proto') proto = value;
      else if (key === 'encoding') encoding = value;
    }
    if (!(q > 0)) continue;
    const t = type.toLowerCase();
    let format: ScrapeFormat | undefined;
    if (t === 'application/openmetrics-text' && (version === undefined || version === '1.0.0')) {
      format = 'openmetrics';
    } else if (t === PROTOBUF_TYPE && proto === METRIC_FAMILY && encoding === 'delimited') {
      format = 'protobuf';
    } else if (t === 'text/plain' || t === '*/*' || t === 'text/*') format = 'prometheus';
    if (format !== undefined && q > bestQ) {
      best = format;
      bestQ = q;
    }
  }
  return best;
}

/** @internal Render families in order into one writer; OpenMetrics ends with `# EOF`. */
export function renderRegistry(
  families: Iterable<{ renderInto(out: Lines, om: boolean): void }>,
  om: boolean,
  out: Lines,
): void {
  for (const f of families) f.renderInto(out, om);
  if (om) out.add('# EOF\n');
}
