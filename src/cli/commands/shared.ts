/** What the read verbs share: opening and always closing the source, JSON output, the period. */
import { loadConfig } from '../../config/index.js';
import { configEnv } from '../env.js';
import { UsageError } from '../errors.js';
import type { HttpSource } from '../http.js';
import { openSource } from '../open-source.js';
import { type Style, styleFor } from '../output.js';
import type { DataSource } from '../source.js';

/** The period the span flags ask for; both at once is a usage error. */
export function spanOf(flags: { days?: number | undefined; hours?: number | undefined }): {
  days?: number | undefined;
  hours?: number | undefined;
} {
  if (flags.days !== undefined && flags.hours !== undefined)
    throw new UsageError('pass --days or --hours, not both');
  return { days: flags.days, hours: flags.hours };
}

/** Run `fn` against the source the flags name, closing it (and the store file) whatever happens. */
export async function withSource<T>(
  flags: Parameters<typeof openSource>[0],
  fn: (source: DataSource) => Promise<T>,
): Promise<T> {
  const source = await openSource(flags);
  try {
    return await fn(source);
  } finally {
    await source.close();
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export const print = (text: string): void => {
  process.stdout.write(text);
};

export const stdoutStyle = (): Style => styleFor(process.stdout);

/**
 * The running server a verb that needs one talks to: `--url`, else the one this host's
 * configuration describes (`server.host`:`server.port`, a wildcard host read as loopback).
 */
export async function openServer(flags: Parameters<typeof openSource>[0]): Promise<HttpSource> {
  if (flags.db !== undefined) {
    throw new UsageError(
      'needs a running server (--url URL), not a store file: the metrics live in its memory',
    );
  }
  let url = flags.url;
  if (url === undefined) {
    const config = loadConfig({
      ...(flags.config === undefined ? {} : { file: flags.config }),
      env: configEnv(process.env),
    });
    const host = ['0.0.0.0', '::', '[::]'].includes(config.server.host) ? '127.0.0.1' : config.server.host;
    url = `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${config.server.port}`;
  }
  return (await openSource({ ...flags, url, db: undefined })) as HttpSource;
}
