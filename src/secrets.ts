/**
 * The one redaction list for secrets: which keys hold one (by name), which parts of a URL are
 * credentials, and the secret values this process was configured with. `config check`, the
 * logger, health details, HTTP error bodies and the CLI's errors all mask through here, so a key
 * added to the configuration is masked everywhere once its name says what it is.
 */

/** What a secret is replaced by: the same eight stars whatever its length. */
export const MASK = '********';

/**
 * Key names whose values are secrets: `password`, `hash_key`, `bearer_token`, `scrape_tokens`,
 * `api_key`, `client_secret`, `authorization`... A `*_file` key names where a secret is, and is
 * shown.
 */
const SECRET_KEY =
  /^(?:[a-z0-9]+[_-])*(?:password|passwd|pwd|secret|token|tokens|key|apikey|authorization|credentials?|cookie)$/i;

/** Query parameters that carry credentials (`?token=`, `access_token`, `api_key`, S3 signatures...). */
const SECRET_PARAM =
  /^(?:[a-z0-9]+[_.-])*(?:password|passwd|pwd|pass|secret|token|key|apikey|signature|sig|auth|authorization|credential|session)$/i;

/**
 * Whether a key (`password`, or a dotted path's last name: `push.bearer_token`,
 * `auth.basic_users.0.password`) holds a secret. Bare `key` is not one: it names things.
 *
 * @example
 * isSecretKey('push.bearer_token'); // true
 * isSecretKey('push.bearer_token_file'); // false (a path)
 */
export function isSecretKey(path: string): boolean {
  const names = path.split('.').filter((s) => !/^\d+$/.test(s));
  return names.some((n) => n.toLowerCase() !== 'key' && SECRET_KEY.test(n));
}

// scheme://user:password@ ; the password may hold anything but the delimiters of the authority.
// Slashes are optional, so a malformed `https:/user:pw@host` (or `sip:user:pw@host`) is masked too.
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/{0,2}[^\s/?#@:]*):([^\s/?#@]+)@/gi;
// `?token=x`, `&password=x`, and libpq's `host=db password=x` (a parameter after a space).
const QUERY = /(^|[?&;\s])([^=&;?#\s"'<>]+)=([^&;#\s"'<>]*)/g;
const AUTH_HEADER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;

/**
 * Credentials inside URLs and headers written in a text: the password of `scheme://user:pass@`,
 * the values of credential query parameters (`?token=`, `&password=`, `api_key`,
 * `access_token`...) and `Bearer`/`Basic` credentials. Everything else, including the user name
 * and host, stays readable.
 *
 * @example
 * redactUrlCredentials('postgres://app:hunter2@db:5432/x?sslmode=require&password=p');
 * // 'postgres://app:********@db:5432/x?sslmode=require&password=********'
 */
export function redactUrlCredentials(text: string): string {
  if (text.indexOf('@') < 0 && text.indexOf('=') < 0 && !/Bearer|Basic/.test(text)) return text;
  return text
    .replace(USERINFO, `$1:${MASK}@`)
    .replace(QUERY, (all, sep: string, name: string) => {
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {}
      return SECRET_PARAM.test(decoded) ? `${sep}${name}=${MASK}` : all;
    })
    .replace(AUTH_HEADER, `$1 ${MASK}`);
}

/** Secret values shorter than this are not searched for in text: "abc" would mask every word with it. */
const MIN_KNOWN = 6;
/** The most values remembered; a process is configured with a handful. */
const MAX_KNOWN = 256;
const known = new Set<string>();
let ordered: string[] = [];

/**
 * Remember secret values (those of a configuration: {@link secretValues}) so that
 * {@link redactSecrets} masks them wherever they appear, even in a driver's error message that
 * quotes them. Process-wide on purpose: a secret must not leak through a path that never saw the
 * configuration.
 *
 * @example
 * rememberSecrets(secretValues(config));
 */
export function rememberSecrets(values: Iterable<string>): void {
  for (const v of values) {
    if (typeof v !== 'string' || v.length < MIN_KNOWN || known.has(v) || known.size >= MAX_KNOWN) continue;
    known.add(v);
    // The encoded forms too: a password shows up percent-encoded inside a URL.
    const encoded = encodeURIComponent(v);
    if (encoded !== v && known.size < MAX_KNOWN) known.add(encoded);
  }
  // Longest first, so a secret that contains another is masked whole.
  ordered = [...known].sort((a, b) => b.length - a.length);
}

/**
 * A text with every secret masked: remembered values, then credentials in URLs and headers.
 *
 * @example
 * redactSecrets('push to https://u:pw@rw.example failed'); // 'push to https://u:********@rw.example failed'
 */
export function redactSecrets(text: string): string {
  let out = text;
  for (const v of ordered) if (out.includes(v)) out = out.split(v).join(MASK);
  return redactUrlCredentials(out);
}

/**
 * A copy of a value (a configuration, a log record, a JSON body) with every secret masked: the
 * values of secret keys (each element of a list, so counts stay visible) and secrets inside every
 * string. Never throws; cycles and depth past 16 are cut.
 *
 * @example
 * maskSecretsIn({ push: { password: 'pw', url: 'https://u:pw@x' } });
 * // { push: { password: '********', url: 'https://u:********@x' } }
 */
export function maskSecretsIn<T>(value: T): T {
  return mask(value, false, 0) as T;
}

function mask(value: unknown, secret: boolean, depth: number): unknown {
  if (typeof value === 'string') return secret ? MASK : redactSecrets(value);
  if (value === null || typeof value !== 'object') return secret && value !== undefined ? MASK : value;
  if (depth > 16) return MASK;
  if (Array.isArray(value)) return value.map((v) => mask(v, secret, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = mask(v, secret || isSecretKey(k), depth + 1);
  return out;
}

/**
 * Every secret value in a configuration-like object: the values of secret keys and the
 * credentials inside its URLs, for {@link rememberSecrets}.
 *
 * @example
 * secretValues({ hep: { password: 'capture-pw' } }); // ['capture-pw']
 */
export function secretValues(value: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown, secret: boolean, depth: number) => {
    if (depth > 16) return;
    if (typeof v === 'string') {
      if (secret) out.push(v);
      else for (const m of v.matchAll(USERINFO)) out.push(decodeSafe(m[2] as string));
      if (!secret && v.includes('=')) {
        for (const m of v.matchAll(QUERY))
          if (SECRET_PARAM.test(decodeSafe(m[2] as string))) out.push(decodeSafe(m[3] as string));
      }
      return;
    }
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) for (const x of v) walk(x, secret, depth + 1);
    else for (const [k, x] of Object.entries(v)) walk(x, secret || isSecretKey(k), depth + 1);
  };
  walk(value, false, 0);
  return out.filter((s) => s !== '');
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
