import type { Logger } from 'pino';

/** One refused ingest item (sources/ingest.ts): where it was in the request and what is wrong with it. */
export interface IngestRejection {
  /** 0-based position in the array, or the NDJSON line number (1-based) as `line`. */
  index: number;
  line?: number;
  issues: Array<{ path: string; message: string }>;
}

/**
 * Why a credential was refused: none sent, an empty one, one that matched nothing, or a valid one
 * whose scope does not cover the route (a scrape token on cleanup: 403).
 */
export type RefusalReason = 'missing' | 'empty' | 'invalid' | 'scope';

/** Audit lines: who was refused and why, never what they sent. */
export interface AuditLog {
  /** One line per refused credential: realm, reason, method and path (no header, no query). */
  refusedCredential(info: { realm: string; reason: RefusalReason; method: string; path: string }): void;
  /** One line per rejected ingest item: its position, and each issue's field path and reason. */
  rejectedItems(rejected: readonly IngestRejection[]): void;
}

/**
 * Audit lines on `log` (level `warn`, `audit: true`). Reasons are the validator's messages, which
 * name the expectation, not the value; a JSON parse error is cut to "not JSON" because the
 * parser's message quotes the body. The logger's redaction still applies on top.
 *
 * @example
 * const audit = auditLog(log);
 * ingestRoute(bus, { onReject: (r) => audit.rejectedItems(r) });
 */
export function auditLog(log: Logger): AuditLog {
  return {
    refusedCredential({ realm, reason, method, path }) {
      log.warn(
        { audit: true, kind: 'credential_refused', realm, reason, method, path },
        'credential refused',
      );
    },
    rejectedItems(rejected) {
      for (const r of rejected) {
        const issues = r.issues.map((i) => ({
          path: i.path,
          reason: /^not (valid )?JSON/.test(i.message) ? 'not JSON' : i.message,
        }));
        log.warn(
          {
            audit: true,
            kind: 'ingest_rejected',
            index: r.index,
            ...(r.line !== undefined && { line: r.line }),
            issues,
          },
          'ingest item rejected',
        );
      }
    },
  };
}
