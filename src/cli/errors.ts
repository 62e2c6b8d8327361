/**
 * The CLI's exit-code contract lives here: 0 success, 1 an operational error (one line: the cause
 * and the fix), 2 a usage error (bad verb, flag or value; the verb's usage follows).
 */
import { CliError, ConfigError, SidetoneError } from '../errors.js';

export { CliError, UsageError } from '../errors.js';

import { redactSecrets } from '../secrets.js';

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;

/** An error another thread already described (the export's, commands/export.ts): its lines as they were. */
export class RelayedError extends CliError {
  override name = 'RelayedError';
  constructor(
    readonly lines: readonly string[],
    stack?: string,
  ) {
    super(lines.join('; '));
    if (stack !== undefined) this.stack = stack;
  }
}

/** Collapse a message to one line: scripts grep stderr, and a stack of lines hides the fix. */
export function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, '; ').trim();
}

/**
 * The lines printed for an error that reached the top: one, except a configuration with several
 * bad keys, which gets one line per key. Our own errors already carry the fix; for anything else
 * the cause is shown with the one thing the user can do about it.
 */
export function describeError(err: unknown): string[] {
  // A message may quote a configured secret or a URL with credentials (a driver's error does).
  return describe(err).map(redactSecrets);
}

function describe(err: unknown): string[] {
  if (err instanceof RelayedError) return [...err.lines];
  if (err instanceof ConfigError) return err.message.split('\n').map(oneLine);
  if (err instanceof SidetoneError) return [oneLine(err.message)];
  const code = (err as { code?: unknown })?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'EACCES' || code === 'EPERM') {
    return [oneLine(`permission denied (${message}): check the file's permissions or run as its owner`)];
  }
  if (code === 'ENOSPC') return [oneLine(`the disk is full (${message}): free some space and retry`)];
  return [oneLine(`unexpected error: ${message}; rerun with SIDETONE_DEBUG=1 for the stack and report it`)];
}
