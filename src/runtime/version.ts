import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './package-files.js';

let cached: string | undefined;

/**
 * sidetone's own version, from its package.json. `0.0.0-unknown` when the file cannot be read (a
 * copy bundled into another program, say).
 * @example
 * registry.info({ name: 'sidetone_build', help: 'Build', values: { version: sidetoneVersion() } });
 */
export function sidetoneVersion(): string {
  if (cached !== undefined) return cached;
  try {
    const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
      name?: unknown;
      version?: unknown;
    };
    cached = pkg.name === 'sidetone' && typeof pkg.version === 'string' ? pkg.version : '0.0.0-unknown';
  } catch {
    cached = '0.0.0-unknown';
  }
  return cached;
}
