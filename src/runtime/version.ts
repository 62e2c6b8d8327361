import { readFileSync } from 'node:fs';

let cached: string | undefined;

/**
 * sidetone's own version, from its package.json (two levels up from both `src/runtime` and
 * `dist/runtime`). `0.0.0-unknown` when the file cannot be read (a bundled copy, say).
 * @example
 * registry.info({ name: 'sidetone_build', help: 'Build', values: { version: sidetoneVersion() } });
 */
export function sidetoneVersion(): string {
  if (cached !== undefined) return cached;
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      name?: unknown;
      version?: unknown;
    };
    cached = pkg.name === 'sidetone' && typeof pkg.version === 'string' ? pkg.version : '0.0.0-unknown';
  } catch {
    cached = '0.0.0-unknown';
  }
  return cached;
}
