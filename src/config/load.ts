import type { z } from 'zod';
import { closest } from '../closest.js';
import { ConfigError, showValue } from '../errors.js';
import { detectPii } from '../guard/pii.js';
import { MASK, redactSecrets } from '../secrets.js';
import { applyAliases } from './aliases.js';
import { isSecretPath } from './checks.js';
import { fastConfig } from './fast.generated.js';
import { readConfigFile, readSecretFile, readTokenFile, readUsersFile } from './files.js';
import { CONFIG_KEYS, type ConfigKey, parseValue } from './keys.js';
import { configSchema, type SidetoneConfig } from './schema.js';

export interface LoadConfigOptions {
  /** A `.toml` or `.json` file. Default: `SIDETONE_CONFIG` from `env`, else none. */
  file?: string;
  /** Environment (`SIDETONE_SERVER_PORT`...). Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** CLI flags by dotted key (`server.port`, `--auth.scrape-tokens`); strings are parsed like env values. */
  flags?: Readonly<Record<string, unknown>>;
  /** Other `SIDETONE_*` variables that are not config keys (a CLI's own), so they are not refused. */
  allowEnv?: readonly string[];
}

/** One problem with the configuration: the key, and what was wrong, value masked when secret. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/** Every problem at once, so an operator fixes the file in one go. */
export class ConfigValidationError extends ConfigError {
  override name = 'ConfigValidationError';
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[]) {
    super(
      'ST_CONFIG_INVALID',
      `invalid configuration (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${issues
        .map((i) => `  - ${i.path}: ${i.message}`)
        .join('\n')}`,
    );
    this.issues = issues;
  }
}

/** Variables that configure the loader rather than a key. */
const LOADER_ENV = new Set(['SIDETONE_CONFIG']);

/** Keys whose values label every pushed series: refused when they hold personal data, never echoed then. */
const PII_GUARDED = ['push.job', 'push.instance', 'push.external_labels'];

/**
 * Resolve the configuration: schema defaults < file < `SIDETONE_*` environment < flags, then the
 * `*_file` keys (tokens, Basic users, hash key read from files, added to any given inline), then
 * validation. Throws `ConfigValidationError` listing every problem with the key, the value (masked
 * for secrets), where it came from and what is expected; `ConfigError` for unreadable files.
 *
 * @example
 * const config = loadConfig({ file: 'sidetone.toml', env: process.env, flags: { 'server.port': '9100' } });
 * config.server.port; // 9100
 */
export function loadConfig(options: LoadConfigOptions = {}): SidetoneConfig {
  const env = options.env ?? process.env;
  const raw: Record<string, unknown> = {};
  const sources = new Map<string, string>();
  const issues: ConfigIssue[] = [];
  const file = options.file ?? env.SIDETONE_CONFIG;

  if (file !== undefined && file !== '') {
    const data = readConfigFile(file);
    // Other systems' key names (RustPBX's `[metrics] token`...) become the native keys first.
    issues.push(...applyAliases(data));
    merge(raw, data);
    recordLeaves(data, [], sources, `file ${file}`);
  }
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('SIDETONE_') || LOADER_ENV.has(name) || value === undefined) continue;
    if (options.allowEnv?.includes(name)) continue;
    const key = CONFIG_KEYS.find((k) => k.env === name);
    if (key === undefined) {
      const hint = closest(
        name,
        CONFIG_KEYS.map((k) => k.env),
      );
      issues.push({
        path: name,
        message: `unknown environment variable${hint ? `: did you mean ${hint}?` : ''} (keys map as server.port -> SIDETONE_SERVER_PORT)`,
      });
      continue;
    }
    setPath(raw, key.path, parseValue(key.kind, value));
    sources.set(key.path, `env ${name}`);
  }
  for (const [flag, value] of Object.entries(options.flags ?? {})) {
    const path = flag
      .replace(/^--?/, '')
      .split('.')
      .map((s) => s.replace(/-/g, '_'))
      .join('.');
    const key = CONFIG_KEYS.find((k) => k.path === path);
    if (key === undefined) {
      const hint = closest(
        path,
        CONFIG_KEYS.map((k) => k.path),
      );
      issues.push({
        path: `--${flag.replace(/^--?/, '')}`,
        message: `unknown flag${hint ? `: did you mean --${hint}?` : ''}`,
      });
      continue;
    }
    setPath(raw, key.path, typeof value === 'string' ? parseValue(key.kind, value) : value);
    sources.set(key.path, `flag --${path}`);
  }
  readSecretFiles(raw, sources, issues);

  // A configuration the schema surely takes needs no zod (start-up, issue 39); any other goes to
  // zod, whose messages (and verdict) are the contract.
  const fast = issues.length === 0 ? fastConfig(raw) : undefined;
  if (fast !== undefined) return fast;
  const result = configSchema().safeParse(raw);
  if (!result.success) issues.push(...result.error.issues.flatMap((i) => describe(i, raw, sources)));
  if (issues.length > 0) throw new ConfigValidationError(issues);
  return (result as { data: SidetoneConfig }).data;
}

/** `*_file` keys: contents join (tokens, users) or fill in (hash key) the key they name. */
function readSecretFiles(
  raw: Record<string, unknown>,
  sources: Map<string, string>,
  issues: ConfigIssue[],
): void {
  const lists: Array<[string, string, (p: string, k: string) => unknown[]]> = [
    ['auth.scrape_tokens_file', 'auth.scrape_tokens', readTokenFile],
    ['auth.ingest_tokens_file', 'auth.ingest_tokens', readTokenFile],
    ['auth.admin_tokens_file', 'auth.admin_tokens', readTokenFile],
    ['auth.basic_users_file', 'auth.basic_users', readUsersFile],
  ];
  for (const [fileKey, key, read] of lists) {
    const path = getPath(raw, fileKey);
    if (typeof path !== 'string' || path === '') continue;
    const inline = getPath(raw, key);
    setPath(raw, key, [...(Array.isArray(inline) ? inline : []), ...read(path, fileKey)]);
    if (!sources.has(key)) sources.set(key, `file ${path} (${fileKey})`);
  }
  const hashFile = getPath(raw, 'store.hash_key_file');
  if (typeof hashFile === 'string' && hashFile !== '') {
    if (getPath(raw, 'store.hash_key') !== undefined) {
      issues.push({
        path: 'store.hash_key',
        message: 'set both inline and through store.hash_key_file: expected one of them',
      });
      return;
    }
    setPath(raw, 'store.hash_key', readSecretFile(hashFile, 'store.hash_key_file'));
    sources.set('store.hash_key', `file ${hashFile} (store.hash_key_file)`);
  }
}

function describe(
  issue: z.core.$ZodIssue,
  raw: Record<string, unknown>,
  sources: Map<string, string>,
): ConfigIssue[] {
  const segments = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const section = segments.join('.');
    const known = CONFIG_KEYS.filter((k) => k.path.startsWith(section === '' ? '' : `${section}.`)).map(
      (k) => k.path.slice(section === '' ? 0 : section.length + 1).split('.')[0] as string,
    );
    const allowed = [...new Set(known)];
    return issue.keys.map((key) => {
      const path = section === '' ? key : `${section}.${key}`;
      const hint = closest(key, allowed);
      return {
        path,
        message: `unknown key${from(sources, path)}: expected one of ${allowed.join(', ')}${hint ? ` (did you mean "${hint}"?)` : ''}`,
      };
    });
  }
  const path = segments.join('.');
  const value = getPath(raw, path);
  const pii =
    PII_GUARDED.some((p) => path.startsWith(p)) && typeof value === 'string' ? detectPii(value) : undefined;
  const shown = isSecretPath(path)
    ? MASK
    : pii !== undefined
      ? `(a ${pii}, not shown)`
      : redactSecrets(showValue(value));
  const got = value === undefined ? 'missing' : `got ${shown}`;
  return [{ path: display(segments), message: `${got}${from(sources, path)}: ${issue.message}` }];
}

function from(sources: Map<string, string>, path: string): string {
  for (let p = path; p !== ''; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
    const s = sources.get(p);
    if (s !== undefined) return ` (from ${s})`;
  }
  return '';
}

/** `auth.scrape_tokens[0]` rather than `auth.scrape_tokens.0`. */
function display(segments: string[]): string {
  return segments.reduce((acc, s) => (/^\d+$/.test(s) ? `${acc}[${s}]` : acc === '' ? s : `${acc}.${s}`), '');
}

function recordLeaves(v: unknown, path: string[], sources: Map<string, string>, source: string): void {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) recordLeaves(x, [...path, k], sources, source);
  } else sources.set(path.join('.'), source);
}

function merge(into: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(from)) {
    const cur = into[k];
    if (isPlain(v) && isPlain(cur)) merge(cur, v);
    else if (isPlain(v)) {
      const copy: Record<string, unknown> = {};
      merge(copy, v);
      into[k] = copy;
    } else into[k] = v;
  }
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function getPath(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const seg of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const segs = path.split('.');
  let cur = obj;
  for (const seg of segs.slice(0, -1)) {
    if (!isPlain(cur[seg])) cur[seg] = {};
    cur = cur[seg] as Record<string, unknown>;
  }
  cur[segs[segs.length - 1] as string] = value;
}

export type { ConfigKey };
