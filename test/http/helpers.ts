import { connect } from 'node:net';
import type { App } from '../../src/http/index.js';

export const TOKEN = 'scrape-token-0123456789abcdef';
export const TOKEN_B = 'scrape-token-rotated-fedcba9876';
export const INGEST = 'ingest-token-0123456789abcdef';
export const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
export const basic = (user: string, pass: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`,
});

/** A request through `app.fetch`, no socket involved. */
export function call(app: App, path: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  return app.fetch(new Request(`http://sidetone.test${path}`, init));
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  raw: string;
}

/**
 * Send exact bytes over a socket (fetch clients normalise paths, which is what the tests must
 * get past) and read until the server closes. The request should say `Connection: close`.
 */
export function rawRequest(port: number, text: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('latin1');
      resolve(parseRaw(raw));
    });
    socket.write(text);
  });
}

export function parseRaw(raw: string): RawResponse {
  const split = raw.indexOf('\r\n\r\n');
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split + 4);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1] ?? 0), headers, body, raw };
}

/** A GET with `Connection: close` for an exact request target. */
export function rawGet(port: number, target: string, headers: Record<string, string> = {}, method = 'GET') {
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return rawRequest(
    port,
    `${method} ${target} HTTP/1.1\r\nHost: localhost\r\n${extra}Connection: close\r\n\r\n`,
  );
}

/** A promise and its resolver, to hold a collect callback or a handler open. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve: (v: T) => void = () => {};
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** The suite's one polling helper (test/helpers/until.ts), kept importable from here. */
export { until } from '../helpers/until.js';

/** The value of one sample line in an exposition, or undefined. */
export function sample(text: string, series: string): number | undefined {
  for (const l of text.split('\n')) if (l.startsWith(`${series} `)) return Number(l.slice(series.length + 1));
  return undefined;
}
