import { isSecretPath } from './checks.js';
import { CONFIG_KEY_LIST } from './fast.generated.js';

/** How a string from the environment or a flag becomes a value. */
export type KeyKind = 'string' | 'number' | 'boolean' | 'list' | 'users';

/** One settable key: `server.port`, its env variable `SIDETONE_SERVER_PORT` and its kind. */
export interface ConfigKey {
  path: string;
  env: string;
  kind: KeyKind;
}

/**
 * Every key of the schema, derived from it (at build time, by scripts/gen-config.mjs; a test fails
 * when the generated list is stale) so the env mapping can never drift from the schema:
 * `server.port` ↔ `SIDETONE_SERVER_PORT`, `auth.scrape_tokens` ↔ `SIDETONE_AUTH_SCRAPE_TOKENS`.
 * @example
 * CONFIG_KEYS.find((k) => k.env === 'SIDETONE_SERVER_PORT'); // { path: 'server.port', kind: 'number', ... }
 */
export const CONFIG_KEYS: readonly ConfigKey[] = CONFIG_KEY_LIST;

/**
 * The keys whose values are secrets (their names say so, see `isSecretPath`): masked in
 * `config check`, in errors, and never logged.
 * @example SECRET_PATHS.includes('push.password'); // true
 */
export const SECRET_PATHS: readonly string[] = CONFIG_KEYS.filter((k) => isSecretPath(k.path)).map(
  (k) => k.path,
);

/**
 * Parse a string (an env value, a CLI flag) for a key of `kind`. Values that do not parse are
 * returned as given, so schema validation reports them with the key, the source and the expectation.
 */
export function parseValue(kind: KeyKind, raw: string): unknown {
  const s = raw.trim();
  switch (kind) {
    case 'number':
      return s !== '' && Number.isFinite(Number(s)) ? Number(s) : raw;
    case 'boolean': {
      const v = s.toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(v)) return true;
      if (['false', '0', 'no', 'off'].includes(v)) return false;
      return raw;
    }
    case 'list':
      return s === ''
        ? []
        : s
            .split(',')
            .map((x) => x.trim())
            .filter((x) => x !== '');
    case 'users':
      return parseUsers(s);
    default:
      return raw;
  }
}

/** `user:password,user2:password2` (`sep` is a newline for files). A password may contain `:`. */
export function parseUsers(
  text: string,
  sep = /[,\n]/,
): Array<{ username: string; password: string } | string> {
  return text
    .split(sep)
    .map((x) => x.trim())
    .filter((x) => x !== '' && !x.startsWith('#'))
    .map((entry) => {
      const colon = entry.indexOf(':');
      // Left as a string: the schema then reports "expected { username, password }" for it.
      return colon <= 0 ? entry : { username: entry.slice(0, colon), password: entry.slice(colon + 1) };
    });
}
