import { createHash, timingSafeEqual } from 'node:crypto';
import { ConfigError, DefinitionError } from '../errors.js';

/** One HTTP Basic user. */
export interface BasicUser {
  username: string;
  password: string;
}

/** Who may call a family of routes. Nothing configured means the routes are open. */
export interface Credentials {
  /** Bearer tokens; several at once so a rotation can overlap old and new. */
  tokens?: readonly string[];
  basic?: readonly BasicUser[];
}

/** Outcome of one check; `challenge` goes into `WWW-Authenticate` on a 401. */
export type AuthOutcome =
  | { ok: true }
  | { ok: false; reason: 'missing' | 'empty' | 'invalid'; challenge: string };

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Checks `Authorization` headers against bearer tokens and Basic users. Every comparison is
 * `timingSafeEqual` over SHA-256 digests (equal length whatever was sent), and every configured
 * secret is compared on every request, so timing reveals neither a prefix nor which token matched.
 * Secrets are kept only as digests and never appear in an error or a response.
 *
 * @example
 * const auth = new Authenticator('metrics', { tokens: [process.env.SCRAPE_TOKEN!] });
 * auth.check(req.headers.get('authorization')); // { ok: true } or { ok: false, challenge }
 */
export class Authenticator {
  readonly realm: string;
  private readonly tokens: Buffer[];
  private readonly users: Array<{ user: Buffer; pass: Buffer }>;

  constructor(realm: string, credentials: Credentials = {}) {
    if (!/^[a-z][a-z0-9_-]*$/.test(realm)) {
      throw new DefinitionError('ST_INVALID_REALM', `auth realm "${realm}" must be a lower-case word`);
    }
    this.realm = realm;
    this.tokens = (credentials.tokens ?? []).map((t, i) => {
      if (typeof t !== 'string' || t === '' || /[\s\u0000-\u001f\u007f]/.test(t)) {
        throw new ConfigError(
          'ST_INVALID_CREDENTIALS',
          `${realm} bearer token #${i + 1} is empty or contains whitespace or control characters: use a printable token (e.g. \`openssl rand -hex 32\`)`,
        );
      }
      return digest(t);
    });
    this.users = (credentials.basic ?? []).map((u, i) => {
      if (typeof u?.username !== 'string' || u.username === '' || u.username.includes(':')) {
        throw new ConfigError(
          'ST_INVALID_CREDENTIALS',
          `${realm} Basic user #${i + 1} needs a non-empty username without ":"`,
        );
      }
      if (typeof u.password !== 'string' || u.password === '') {
        throw new ConfigError(
          'ST_INVALID_CREDENTIALS',
          `${realm} Basic user "${u.username}" has an empty password: set one`,
        );
      }
      return { user: digest(u.username), pass: digest(u.password) };
    });
  }

  /** Whether any credential is configured; if not, every request passes. */
  get configured(): boolean {
    return this.tokens.length > 0 || this.users.length > 0;
  }

  /** Check an `Authorization` header value. */
  check(header: string | null | undefined): AuthOutcome {
    if (!this.configured) return { ok: true };
    const value = (header ?? '').trim();
    if (value === '') return this.refuse('missing');
    const space = value.indexOf(' ');
    const scheme = (space < 0 ? value : value.slice(0, space)).toLowerCase();
    const param = space < 0 ? '' : value.slice(space + 1).trim();
    if (param === '') return this.refuse('empty');
    if (scheme === 'bearer' && this.tokens.length > 0) {
      return this.matchToken(param) ? { ok: true } : this.refuse('invalid');
    }
    if (scheme === 'basic' && this.users.length > 0) {
      return this.matchBasic(param) ? { ok: true } : this.refuse('invalid');
    }
    return this.refuse('invalid');
  }

  private matchToken(token: string): boolean {
    const d = digest(token);
    let match = 0;
    for (const t of this.tokens) match |= timingSafeEqual(d, t) ? 1 : 0;
    return match === 1;
  }

  private matchBasic(param: string): boolean {
    const decoded = Buffer.from(param, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    // Still compare on malformed input so it costs what a wrong password costs.
    const user = digest(colon < 0 ? decoded : decoded.slice(0, colon));
    const pass = digest(colon < 0 ? '' : decoded.slice(colon + 1));
    let match = 0;
    for (const u of this.users) {
      match |= (timingSafeEqual(user, u.user) ? 1 : 0) & (timingSafeEqual(pass, u.pass) ? 1 : 0);
    }
    return match === 1 && colon >= 0;
  }

  private refuse(reason: 'missing' | 'empty' | 'invalid'): AuthOutcome {
    const challenges: string[] = [];
    if (this.tokens.length > 0) {
      // RFC 6750: a request that carried a credential gets error="invalid_token".
      challenges.push(`Bearer realm="${this.realm}"${reason === 'missing' ? '' : ', error="invalid_token"'}`);
    }
    if (this.users.length > 0) challenges.push(`Basic realm="${this.realm}", charset="UTF-8"`);
    return { ok: false, reason, challenge: challenges.join(', ') };
  }
}
