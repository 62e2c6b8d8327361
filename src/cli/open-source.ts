/**
 * Which source a read verb uses: `--url` opens the HTTP API (http.ts), otherwise the store file
 * (source.ts). Apart from both so that neither imports the other (the layer test's file cycles).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { healthOptions } from '../analytics/health.js';
import { loadConfig } from '../config/index.js';
import { openSqliteCallStore } from '../store/sqlite/store.js';
import { configEnv } from './env.js';
import { CliError, UsageError } from './errors.js';
import { HttpSource } from './http.js';
import { type DataSource, DbSource, type SourceFlags } from './source.js';

function parseUrl(raw: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new UsageError(
      `--url must be an http(s) URL such as http://127.0.0.1:9464, got ${JSON.stringify(raw)}`,
    );
  }
  return url;
}

function parseToken(raw: string | undefined): string | undefined {
  const token = raw?.trim();
  if (token === undefined || token === '') return undefined;
  // Checked here because node:http's own complaint about a header value does not name the flag.
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new UsageError('--token (or SIDETONE_TOKEN) must be printable characters without spaces');
  }
  return token;
}

/**
 * Open the source the flags ask for. `--url` wins the choice; otherwise the store file is
 * `--db`, else `store.path` of the resolved config (file < env), the same file `serve` writes.
 */
export async function openSource(
  flags: SourceFlags,
  env: NodeJS.ProcessEnv = process.env,
): Promise<DataSource> {
  if (flags.url !== undefined) {
    if (flags.db !== undefined) throw new UsageError('pass either --db FILE or --url URL, not both');
    if (flags['hash-key'] !== undefined)
      throw new UsageError('--hash-key is for --db; a server uses its own key');
    return new HttpSource(parseUrl(flags.url), parseToken(flags.token ?? env.SIDETONE_TOKEN));
  }
  if (flags.token !== undefined) throw new UsageError('--token is for --url; a store file needs no token');
  const config = loadConfig({
    ...(flags.config === undefined ? {} : { file: flags.config }),
    env: configEnv(env),
  });
  const path = flags.db ?? config.store.path;
  // Opening would create an empty store (and its directory): a typo must not look like "no calls".
  if (!existsSync(path)) {
    throw new CliError(
      `no store at ${path}: start \`sidetone serve --db ${path}\` first or pass the right path`,
    );
  }
  if (!statSync(path).isFile())
    throw new CliError(`${path} is a directory: pass the store file inside it to --db`);
  // The key the server hashed with: configured, else the one `serve` keeps beside the file, so a
  // call looked up by its id hashes alike. Without either a random one stands in (the store
  // insists on a key at open, and a fixed placeholder would be a public key).
  const keyFile = `${resolve(path)}.key`;
  const hashKey =
    flags['hash-key'] ??
    config.store.hash_key ??
    (existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : randomBytes(32).toString('hex'));
  const storeRaw = config.store.store_raw_numbers;
  const store = await openSqliteCallStore({
    path,
    privacy: { hashKey, storeRaw, revealCallIds: config.store.reveal_call_ids },
  });
  return new DbSource(path, store, healthOptions(config), storeRaw);
}
