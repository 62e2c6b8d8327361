import { ConfigError } from '../errors.js';

/**
 * The package a failed import or require names as missing, or undefined when the error is another
 * one (a missing file of sidetone's own, a module that threw while loading). Node says
 * `Cannot find package 'serialport' imported from …` (ESM, ERR_MODULE_NOT_FOUND) or
 * `Cannot find module 'pg'` (require, MODULE_NOT_FOUND); a deep path is cut to its package.
 */
export function missingPackage(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return undefined;
  const named = /Cannot find (?:package|module) '([^']+)'/.exec((err as Error).message)?.[1];
  // A path (./x, /abs/x, file:…) is a file of sidetone's own missing: a broken build, not a package.
  if (named === undefined || /^(\.|\/|[a-z]+:)/i.test(named)) return undefined;
  return /^(@[^/]+\/[^/]+|[^/@][^/]*)/.exec(named)?.[1];
}

/**
 * Load the modules of a feature that only some installs use (issue 50: a modem's serialport, a
 * PostgreSQL store's pg, the OTLP exporters, the Grafana SDK), at the point of use. A package it
 * needs and the install lacks fails with ST_MISSING_PART naming the package to add, not Node's
 * resolution error; anything else is rethrown as it is.
 * @example
 * const { SerialPort } = await optionalPart('the modem source ([modem] path)', () => import('serialport'));
 */
export async function optionalPart<T>(feature: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    const pkg = missingPackage(err);
    if (pkg === undefined) throw err;
    throw new ConfigError(
      'ST_MISSING_PART',
      `${feature} needs the package ${pkg}, which is not installed: add it with \`npm i ${pkg}\``,
      { cause: err },
    );
  }
}
