import { configSchema, isSecretPath } from './schema.js';

/** How a string from the environment or a flag becomes a value. */
export type KeyKind = 'string' | 'number' | 'boolean' | 'list' | 'users';

/** One settable key: `server.port`, its env variable `SIDETONE_SERVER_PORT` and its kind. */
export interface ConfigKey {
  path: string;
  env: string;
  kind: KeyKind;
}

interface Def {
  type: string;
  innerType?: { _zod: { def: Def } };
  in?: { _zod: { def: Def } };
  shape?: Record<string, { _zod: { def: Def } }>;
  element?: { _zod: { def: Def } };
}

/** Walk through wrappers (default, prefault, optional, transform pipes) to the schema that matters. */
function unwrap(def: Def): Def {
  let d = def;
  for (;;) {
    if (d.innerType !== undefined) d = d.innerType._zod.def;
    else if (d.type === 'pipe' && d.in !== undefined) d = d.in._zod.def;
    else return d;
  }
}

function kindOf(def: Def): KeyKind {
  switch (def.type) {
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array':
      return def.element !== undefined && unwrap(def.element._zod.def).type === 'object' ? 'users' : 'list';
    default:
      return 'string';
  }
}

function walk(def: Def, prefix: string[], out: ConfigKey[]): void {
  const d = unwrap(def);
  if (d.type === 'object' && d.shape !== undefined) {
    for (const [k, v] of Object.entries(d.shape)) walk(v._zod.def, [...prefix, k], out);
    return;
  }
  out.push({ path: prefix.join('.'), env: `SIDETONE_${prefix.join('_').toUpperCase()}`, kind: kindOf(d) });
}

/**
 * Every key of the schema, derived from it so the env mapping can never drift from the schema:
 * `server.port` ↔ `SIDETONE_SERVER_PORT`, `auth.scrape_tokens` ↔ `SIDETONE_AUTH_SCRAPE_TOKENS`.
 * @example
 * CONFIG_KEYS.find((k) => k.env === 'SIDETONE_SERVER_PORT'); // { path: 'server.port', kind: 'number', ... }
 */
export const CONFIG_KEYS: readonly ConfigKey[] = (() => {
  const out: ConfigKey[] = [];
  walk((configSchema as unknown as { _zod: { def: Def } })._zod.def, [], out);
  return out;
})();

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
