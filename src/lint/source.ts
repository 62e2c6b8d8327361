import { readFile } from 'node:fs/promises';
import type { ExpositionFormat } from './parse.js';

/** What Prometheus itself sends: OpenMetrics first, the text format as the fallback. */
export const ACCEPT =
  'application/openmetrics-text;version=1.0.0;q=0.9,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

export interface Exposition {
  text: string;
  format: ExpositionFormat;
  /** Where the format was decided from (content type, or the file's shape). */
  formatFrom: string;
}

/** A file's format from its shape: OpenMetrics ends in `# EOF`. */
export function sniffFormat(text: string): ExpositionFormat {
  return /(^|\n)# EOF\n?$/.test(text) ? 'openmetrics' : 'text';
}

/** The format a server answered in, from its Content-Type. */
export function formatOf(contentType: string | null): ExpositionFormat | undefined {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/openmetrics-text') return 'openmetrics';
  if (type === 'text/plain') return 'text';
  return undefined;
}

/**
 * Read an exposition from a file or an http(s) URL, negotiating the format like a Prometheus
 * scrape does. Throws an Error naming the fix when it cannot.
 * @example const { text, format } = await readExposition('http://127.0.0.1:9464/metrics');
 */
export async function readExposition(
  where: string,
  options: { token?: string; format?: ExpositionFormat } = {},
): Promise<Exposition> {
  if (/^https?:\/\//i.test(where)) {
    const headers: Record<string, string> = { accept: ACCEPT };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    const res = await fetch(where, { headers, signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    if (res.status === 401 || res.status === 403)
      throw new Error(`${where} answered ${res.status}: pass a scrape token with --token or SIDETONE_TOKEN`);
    if (!res.ok) throw new Error(`${where} answered ${res.status}: check the URL and the metrics path`);
    const negotiated = formatOf(res.headers.get('content-type'));
    const format = options.format ?? negotiated ?? sniffFormat(text);
    return { text, format, formatFrom: `content type ${res.headers.get('content-type') ?? '(none)'}` };
  }
  const text = await readFile(where, 'utf8');
  const format = options.format ?? sniffFormat(text);
  return { text, format, formatFrom: options.format ? '--format' : 'file shape' };
}
