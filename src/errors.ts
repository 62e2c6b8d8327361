import type { CodeOf, ErrorCode } from './error-codes.js';
import { redactSecrets } from './secrets.js';

export { type CodeOf, ERROR_CODES, type ErrorCode, type ErrorKind } from './error-codes.js';

/**
 * One error hierarchy with stable codes (as undici does): callers branch on `code`, never on the
 * message text. Messages show the bad value and name the fix. Every code is in the catalogue
 * (src/error-codes.ts), which also decides its HTTP status; each class takes only its kind's codes.
 *
 * @example
 * ```ts
 * try { registry.counter({ name: 'bad-name', help: 'x' }); }
 * catch (e) { if (e instanceof SidetoneError && e.code === 'ST_INVALID_METRIC_NAME') ... }
 * ```
 */
export class SidetoneError extends Error {
  override name = 'SidetoneError';
  readonly code: ErrorCode;
  /** Protected: throw the class of the code's kind (the catalogue's `kind`), never the base. */
  protected constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    // A message quotes the bad value, and a value may hold a configured secret or a URL with
    // credentials (a store URL): masked here, once, for every error (src/secrets.ts).
    super(redactSecrets(message), options);
    this.code = code;
  }
}

/** A metric, label or bucket definition that breaks a naming or shape rule. Thrown at definition time. */
export class DefinitionError extends SidetoneError {
  override name = 'DefinitionError';
  declare readonly code: CodeOf<'definition'>;
  // biome-ignore lint/complexity/noUselessConstructor: public, and takes only this kind's codes.
  constructor(code: CodeOf<'definition'>, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** A label value or key refused by the guard policy; thrown only in strict mode. */
export class LabelPolicyError extends SidetoneError {
  override name = 'LabelPolicyError';
  declare readonly code: CodeOf<'label_policy'>;
  // biome-ignore lint/complexity/noUselessConstructor: public, and takes only this kind's codes.
  constructor(code: CodeOf<'label_policy'>, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** Input that failed validation at an edge (HTTP body, config, CLI flag). `path` names the field. */
export class ValidationError extends SidetoneError {
  override name = 'ValidationError';
  readonly issues: ReadonlyArray<{ path: string; message: string }>;
  declare readonly code: CodeOf<'validation'>;
  constructor(
    code: CodeOf<'validation'>,
    message: string,
    issues: ReadonlyArray<{ path: string; message: string }> = [],
  ) {
    super(code, message);
    this.issues = issues.map((i) => ({ path: i.path, message: redactSecrets(i.message) }));
  }
}

/** A store (SQLite/PostgreSQL) failure or misuse. */
export class StoreError extends SidetoneError {
  override name = 'StoreError';
  declare readonly code: CodeOf<'store'>;
  // biome-ignore lint/complexity/noUselessConstructor: public, and takes only this kind's codes.
  constructor(code: CodeOf<'store'>, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** A configuration file, environment variable or flag that cannot be used. */
export class ConfigError extends SidetoneError {
  override name = 'ConfigError';
  declare readonly code: CodeOf<'config'>;
  // biome-ignore lint/complexity/noUselessConstructor: public, and takes only this kind's codes.
  constructor(code: CodeOf<'config'>, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** A request the HTTP edge cannot take (a body over the limit, an unknown method): answered, never thrown out of it. */
export class RequestError extends SidetoneError {
  override name = 'RequestError';
  declare readonly code: CodeOf<'request'>;
  // biome-ignore lint/complexity/noUselessConstructor: public, and takes only this kind's codes.
  constructor(code: CodeOf<'request'>, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** A device or peer a source reads (a modem's AT port) did not answer as it must; the source recovers. */
export class SourceError extends SidetoneError {
  override name = 'SourceError';
  declare readonly code: CodeOf<'source'>;
  // biome-ignore lint/complexity/noUselessConstructor: public, and takes only this kind's codes.
  constructor(code: CodeOf<'source'>, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** A broken invariant of sidetone's own (a bug): routes answer 500 and log it. */
export class InternalError extends SidetoneError {
  override name = 'InternalError';
  declare readonly code: CodeOf<'internal'>;
  constructor(message: string, options?: { cause?: unknown; code?: CodeOf<'internal'> }) {
    super(options?.code ?? 'ST_INTERNAL', message, options);
  }
}

/** An operational failure of a command the user can fix; the message already says how. Exit 1. */
export class CliError extends SidetoneError {
  override name = 'CliError';
  declare readonly code: CodeOf<'cli'>;
  constructor(message: string, options?: { cause?: unknown; code?: CodeOf<'cli'> }) {
    super(options?.code ?? 'ST_CLI_FAILED', message, options);
  }
}

/** A bad command line: unknown verb or flag, missing or malformed value. Exit 2 with the usage. */
export class UsageError extends CliError {
  override name = 'UsageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { ...options, code: 'ST_USAGE' });
  }
}

/** Render a value for an error message: quoted, control characters escaped, long values cut. */
export function showValue(value: unknown): string {
  let s: string;
  try {
    s = typeof value === 'string' ? JSON.stringify(value) : String(value);
  } catch {
    s = Object.prototype.toString.call(value);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
