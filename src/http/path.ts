import { DefinitionError, showValue } from '../errors.js';

/** A request path after normalisation, or why it was refused (every refusal is answered 404). */
export type NormalisedPath = { ok: true; path: string } | { ok: false; reason: string };

const ROUTE_PATH = /^\/(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*(?:\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*)?$/;

/**
 * The one path policy every route and every auth decision uses, so auth and routing can never see
 * two different paths. Input is a URL pathname, where the WHATWG parser has already resolved `.`
 * and `..` segments and turned `\` into `/`. Then:
 *
 * - an encoded `/` or `\` (`%2F`, `%5C`) is refused: it would let `/%2Fmetrics` mean two things;
 * - the path is percent-decoded once (`/%6Detrics` is `/metrics`, and needs its auth);
 *   malformed escapes are refused;
 * - after decoding, empty segments (`//metrics`), dot segments, backslashes and control
 *   characters are refused;
 * - nothing else is rewritten: `/metrics/` and `/METRICS` are different paths from `/metrics`
 *   (the router matches exactly; auth families are case-insensitive, see `inFamily`).
 *
 * @example
 * normalisePath('/%6Detrics'); // { ok: true, path: '/metrics' }
 * normalisePath('/%2Fmetrics'); // { ok: false, reason: 'encoded slash' }
 */
export function normalisePath(pathname: string): NormalisedPath {
  if (!pathname.startsWith('/')) return { ok: false, reason: 'not an absolute path' };
  if (/%(?:2f|5c)/i.test(pathname)) return { ok: false, reason: 'encoded slash' };
  let path: string;
  try {
    path = pathname.includes('%') ? decodeURIComponent(pathname) : pathname;
  } catch {
    return { ok: false, reason: 'malformed percent-encoding' };
  }
  if (/[\u0000-\u001f\u007f\\]/.test(path)) return { ok: false, reason: 'control character or backslash' };
  if (path.includes('//')) return { ok: false, reason: 'empty segment' };
  if (/\/\.\.?(?:\/|$)/.test(path)) return { ok: false, reason: 'dot segment' };
  return { ok: true, path };
}

/**
 * Whether `path` is `base` or below it, ignoring case: the auth family of a protected route. A
 * request anywhere in `/metrics/*` (or `/METRICS`) must authenticate before it learns it is a 404.
 *
 * @example
 * inFamily('/METRICS/dashboard', '/metrics'); // true
 * inFamily('/metricsx', '/metrics'); // false
 */
export function inFamily(path: string, base: string): boolean {
  const p = path.toLowerCase();
  const b = base.toLowerCase();
  // The root is no family: protecting an index page must not protect every path.
  if (b === '/') return p === '/';
  return p === b || p.startsWith(`${b}/`);
}

/** Route paths are stored in normal form: `/a/b`, unreserved characters only, no trailing slash. */
export function assertRoutePath(path: unknown): asserts path is string {
  if (typeof path !== 'string' || !ROUTE_PATH.test(path)) {
    throw new DefinitionError(
      'ST_INVALID_ROUTE_PATH',
      `route path ${showValue(path)} is invalid: use "/segment/segment" with letters, digits, "-", "_", "." and "~", no trailing slash, no "." or ".." segments`,
    );
  }
}

/**
 * The path and query of a node request target, which may be origin-form (`/metrics?x`),
 * absolute-form (`http://host/metrics`, sent to proxies) or asterisk-form (`*`, OPTIONS). The
 * result is always safe to append to `http://host` without being read as an authority
 * (`//metrics` stays a path).
 */
export function requestTarget(raw: string | undefined): string {
  if (raw === undefined || raw === '') return '/';
  if (raw.startsWith('/')) return raw;
  try {
    const u = new URL(raw);
    return `${u.pathname}${u.search}`;
  } catch {
    // `*` and garbage: a path no route can match.
    return '/*';
  }
}

/** A path made of these is its own URL pathname: the WHATWG parser changes nothing in it. */
const PLAIN_PATH = /^\/[A-Za-z0-9_~/-]*$/;

/**
 * The pathname of a node request target, as `new URL(\`http://localhost${requestTarget(raw)}\`).pathname`
 * gives it, without building that URL or parsing it when the path is plain (the probe, the scrape
 * and the ingest POST are): the one dispatch read it that way, a string built and parsed again for
 * every request (issue 49).
 *
 * @example
 * targetPathname('/events'); // '/events'
 * targetPathname('/a/./b?x=1'); // '/a/b' (parsed: not plain)
 */
export function targetPathname(raw: string | undefined): string {
  if (raw !== undefined && raw.charCodeAt(0) === 0x2f) {
    const path = beforeQuery(raw, 0);
    if (PLAIN_PATH.test(path)) return path;
  }
  return new URL(`http://localhost${requestTarget(raw)}`).pathname;
}

/**
 * The pathname of an absolute URL, as `new URL(url).pathname` gives it, without parsing the URL
 * when the path is plain.
 *
 * @example
 * urlPathname('http://localhost/metrics?x'); // '/metrics'
 */
export function urlPathname(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start < 0) return new URL(url).pathname;
  const raw = beforeQuery(url, start);
  return PLAIN_PATH.test(raw) ? raw : new URL(url).pathname;
}

/** `s` from `start` up to its query or fragment (the whole string, not a copy, when it has neither). */
function beforeQuery(s: string, start: number): string {
  for (let i = start; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x3f || c === 0x23) return s.slice(start, i);
  }
  return start === 0 ? s : s.slice(start);
}
