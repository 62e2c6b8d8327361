/**
 * One error hierarchy with stable codes (as undici does): callers branch on `code`, never on the
 * message text. Messages show the bad value and name the fix.
 *
 * @example
 * ```ts
 * try { registry.counter({ name: 'bad-name', help: 'x' }); }
 * catch (e) { if (e instanceof SidetoneError && e.code === 'ST_INVALID_METRIC_NAME') ... }
 * ```
 */
export class SidetoneError extends Error {
  override name = 'SidetoneError';
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** A metric, label or bucket definition that breaks a naming or shape rule. Thrown at definition time. */
export class DefinitionError extends SidetoneError {
  override name = 'DefinitionError';
}

/** A label value or key refused by the guard policy; thrown only in strict mode. */
export class LabelPolicyError extends SidetoneError {
  override name = 'LabelPolicyError';
}

/** Input that failed validation at an edge (HTTP body, config, CLI flag). `path` names the field. */
export class ValidationError extends SidetoneError {
  override name = 'ValidationError';
  readonly issues: ReadonlyArray<{ path: string; message: string }>;
  constructor(code: string, message: string, issues: ReadonlyArray<{ path: string; message: string }> = []) {
    super(code, message);
    this.issues = issues;
  }
}

/** A store (SQLite/PostgreSQL) failure or misuse. */
export class StoreError extends SidetoneError {
  override name = 'StoreError';
}

/** A configuration file, environment variable or flag that cannot be used. */
export class ConfigError extends SidetoneError {
  override name = 'ConfigError';
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
