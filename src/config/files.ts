import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { ConfigError } from '../errors.js';
import { parseUsers } from './keys.js';

type Toml = typeof import('smol-toml');
let tomlModule: Toml | undefined;
/**
 * smol-toml, loaded (CommonJS, in step, as loadConfig is synchronous) by the first TOML file read
 * or written: a `sidetone serve` without a config file has no use for its 9 modules.
 */
export const toml = (): Toml => (tomlModule ??= createRequire(import.meta.url)('smol-toml') as Toml);

/**
 * Read a config file, JSON or TOML by extension. Parse errors give the line and column but never
 * the parser's excerpt of the text: the line in question may hold a token.
 */
export function readConfigFile(path: string): Record<string, unknown> {
  const ext = extname(path).toLowerCase();
  if (ext !== '.json' && ext !== '.toml') {
    throw new ConfigError(
      'ST_CONFIG_FILE',
      `config file "${path}" has extension "${ext || '(none)'}": expected a .toml or .json file`,
    );
  }
  const text = readText(path, 'config file');
  let data: unknown;
  if (ext === '.json') {
    try {
      data = JSON.parse(text);
    } catch (err) {
      const pos = /position (\d+)/.exec(String((err as Error).message))?.[1];
      const where = pos === undefined ? '' : ` at ${lineCol(text, Number(pos))}`;
      throw new ConfigError(
        'ST_CONFIG_PARSE',
        `config file "${path}" is not valid JSON${where}: fix the syntax`,
      );
    }
  } else {
    const { parse, TomlError } = toml();
    try {
      data = parse(text);
    } catch (err) {
      const where = err instanceof TomlError ? ` at line ${err.line}, column ${err.column}` : '';
      const what =
        err instanceof TomlError
          ? `: ${(err.message.split('\n')[0] ?? '').replace(/^Invalid TOML document: /, '')}`
          : '';
      throw new ConfigError('ST_CONFIG_PARSE', `config file "${path}" is not valid TOML${where}${what}`);
    }
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError('ST_CONFIG_PARSE', `config file "${path}" must hold a table/object of sections`);
  }
  return data as Record<string, unknown>;
}

/** Tokens from a file: one per line; blank lines and `#` comments are skipped. */
export function readTokenFile(path: string, key: string): string[] {
  return readText(path, key)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** Basic users from a file: `username:password` per line (a password may contain `,` here). */
export function readUsersFile(path: string, key: string): ReturnType<typeof parseUsers> {
  return parseUsers(readText(path, key), /\n/);
}

/** A single secret from a file (trailing newline removed). */
export function readSecretFile(path: string, key: string): string {
  return readText(path, key).trim();
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'error';
    throw new ConfigError(
      'ST_CONFIG_FILE',
      `cannot read ${what} "${path}" (${code}): check the path and its permissions`,
    );
  }
}

function lineCol(text: string, pos: number): string {
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  return `line ${line}, column ${pos - before.lastIndexOf('\n')}`;
}
