import { Authenticator, type Credentials } from './auth.js';
import type { AuthKind } from './router.js';

/** A scope a credential holds and a route needs (`none` needs nothing). */
export type Scope = Exclude<AuthKind, 'none'>;

const SCOPES: readonly Scope[] = ['scrape', 'ingest', 'admin'];

/** The scopes each kind of credential holds: an admin token does everything the others do. */
const GRANTS: Record<Scope, readonly Scope[]> = {
  scrape: ['scrape'],
  ingest: ['ingest'],
  admin: ['scrape', 'ingest', 'admin'],
};

/** The realm a scope's challenge names (`metrics` is the realm scrape configs have always seen). */
const REALM: Record<Scope, string> = { scrape: 'metrics', ingest: 'ingest', admin: 'admin' };

/** What a refused credential was not allowed to do, for the 403's message. */
export const SCOPE_VERB: Record<Scope, string> = {
  scrape: 'read metrics, probes or analytics',
  ingest: 'send events',
  admin: 'change stored data',
};

/** Where an operator grants a scope, for the 403's message. */
export const SCOPE_SETTING: Record<Scope, string> = {
  scrape: 'auth.scrape_tokens, auth.basic_users or auth.admin_tokens',
  ingest: 'auth.ingest_tokens or auth.admin_tokens',
  admin: 'auth.admin_tokens',
};

/** A request let through, or why not: 401 (no valid credential) or 403 (valid, wrong scope). */
export type Verdict =
  | { ok: true }
  | { ok: false; forbidden: boolean; reason: 'missing' | 'empty' | 'invalid'; challenge: string };

/**
 * Authorisation per route family. Each scope has its own credentials; a route's scope is open
 * while nothing that grants it is configured, except `admin`, which is open only while no
 * credential at all is configured: setting a scrape token must not leave cleanup open to anyone.
 * Every configured secret of every scope is compared on every protected request (each with
 * `timingSafeEqual`, see {@link Authenticator}), so timing reveals neither which credential
 * matched nor its scope.
 *
 * @example
 * const gate = new ScopeGate({ scrape: { tokens: [scrape] }, admin: { tokens: [admin] } });
 * gate.check(['admin'], `Bearer ${scrape}`); // { ok: false, forbidden: true, ... } -> 403
 */
export class ScopeGate {
  private readonly auth: Record<Scope, Authenticator>;

  constructor(credentials: Partial<Record<Scope, Credentials>> = {}) {
    this.auth = {
      scrape: new Authenticator(REALM.scrape, credentials.scrape),
      ingest: new Authenticator(REALM.ingest, credentials.ingest),
      admin: new Authenticator(REALM.admin, credentials.admin),
    };
  }

  /** Whether routes of `scope` ask for credentials. */
  guards(scope: Scope): boolean {
    if (scope === 'admin') return SCOPES.some((s) => this.auth[s].configured);
    return this.auth[scope].configured || this.auth.admin.configured;
  }

  /** Let a request with this `Authorization` header through to a route needing any of `needed`. */
  check(needed: readonly AuthKind[], header: string | null | undefined): Verdict {
    const scopes = needed.filter((s): s is Scope => s !== 'none');
    if (scopes.length < needed.length || scopes.some((s) => !this.guards(s))) return { ok: true };
    const held = new Set<Scope>();
    let reason: 'missing' | 'empty' | 'invalid' = 'missing';
    const challenges: string[] = [];
    for (const k of SCOPES) {
      const outcome = this.auth[k].check(header);
      if (!this.auth[k].configured) continue;
      if (outcome.ok) {
        for (const g of GRANTS[k]) held.add(g);
        continue;
      }
      if (outcome.reason !== 'missing') reason = outcome.reason;
      if (scopes.some((s) => GRANTS[k].includes(s))) challenges.push(outcome.challenge);
    }
    if (scopes.some((s) => held.has(s))) return { ok: true };
    const realm = REALM[scopes[0] as Scope];
    if (held.size > 0) {
      // RFC 6750 section 3.1: a valid token without the scope the resource needs.
      return {
        ok: false,
        forbidden: true,
        reason: 'invalid',
        challenge: `Bearer realm="${realm}", error="insufficient_scope"`,
      };
    }
    // An admin route guarded by other scopes' credentials, with no admin token configured yet.
    if (challenges.length === 0) challenges.push(`Bearer realm="${realm}"`);
    return { ok: false, forbidden: false, reason, challenge: challenges.join(', ') };
  }
}
