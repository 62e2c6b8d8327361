import { readFile } from 'node:fs/promises';
import protobuf from 'protobufjs';
import { CliError } from '../errors.js';
import type { ExpositionFormat } from './model.js';
import { MetricFamilyReader } from './protobuf-schema.js';

/** What Prometheus itself sends: OpenMetrics first, the text format as the fallback. */
export const ACCEPT =
  'application/openmetrics-text;version=1.0.0;q=0.9,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
const PROTOBUF = 'application/vnd.google.protobuf';
/** What Prometheus sends with native histograms on: delimited protobuf first. */
export const ACCEPT_PROTOBUF = `${PROTOBUF};proto=io.prometheus.client.MetricFamily;encoding=delimited;q=1,${ACCEPT}`;

export interface Exposition {
  bytes: Uint8Array;
  format: ExpositionFormat;
  /** Where the format was decided from (content type, or the file's shape). */
  formatFrom: string;
}

/** Whether the bytes are delimited MetricFamily messages from end to end, each one named. */
function isProtobuf(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  const reader = protobuf.Reader.create(bytes);
  try {
    while (reader.pos < reader.len) {
      const f = MetricFamilyReader.decodeDelimited(reader) as { name?: string };
      if (!f.name) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * A file's format from its shape: delimited protobuf when it reads as MetricFamily messages,
 * OpenMetrics when its last line is `# EOF`, else the text format.
 */
export function sniffFormat(input: string | Uint8Array): ExpositionFormat {
  if (typeof input !== 'string' && isProtobuf(input)) return 'protobuf';
  const text = typeof input === 'string' ? input : new TextDecoder().decode(input.subarray(-64));
  return /(^|\n)# EOF\n?$/.test(text) ? 'openmetrics' : 'text';
}

/** The format a server answered in, from its Content-Type. */
export function formatOf(contentType: string | null): ExpositionFormat | undefined {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/openmetrics-text') return 'openmetrics';
  if (type === 'text/plain') return 'text';
  if (type === PROTOBUF) return 'protobuf';
  return undefined;
}

/**
 * Read an exposition from a file or an http(s) URL, negotiating the format like a Prometheus
 * scrape does (`format: 'protobuf'` asks for protobuf first, as Prometheus does with native
 * histograms on). Throws an Error naming the fix when it cannot.
 * @example const { bytes, format } = await readExposition('http://127.0.0.1:9464/metrics');
 */
export async function readExposition(
  where: string,
  options: { token?: string; format?: ExpositionFormat } = {},
): Promise<Exposition> {
  if (/^https?:\/\//i.test(where)) {
    const headers: Record<string, string> = {
      accept: options.format === 'protobuf' ? ACCEPT_PROTOBUF : ACCEPT,
    };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    const res = await fetch(where, { headers, signal: AbortSignal.timeout(10_000) });
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (res.status === 401 || res.status === 403)
      throw new CliError(
        `${where} answered ${res.status}: pass a scrape token with --token or SIDETONE_TOKEN`,
      );
    if (!res.ok) throw new CliError(`${where} answered ${res.status}: check the URL and the metrics path`);
    const contentType = res.headers.get('content-type');
    const format = formatOf(contentType) ?? options.format ?? sniffFormat(bytes);
    return { bytes, format, formatFrom: `content type ${contentType ?? '(none)'}` };
  }
  const bytes = new Uint8Array(await readFile(where));
  const format = options.format ?? sniffFormat(bytes);
  return { bytes, format, formatFrom: options.format ? '--format' : 'file shape' };
}
