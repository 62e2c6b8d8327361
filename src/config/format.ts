import { maskSecretsIn } from '../secrets.js';
import { toml } from './files.js';
import { type LoadConfigOptions, loadConfig } from './load.js';
import type { SidetoneConfig } from './schema.js';

/**
 * A copy with every secret replaced by `********` (the one list, src/secrets.ts): the value
 * of every secret key (tokens keep their count, so an operator can tell one from none; Basic users
 * keep their names) and credentials inside every URL (`store.url`'s password,
 * `push.remote_write_url`'s, `?token=`...), user names and hosts left readable.
 * @example
 * console.log(JSON.stringify(maskSecrets(config)));
 */
export function maskSecrets(config: SidetoneConfig): SidetoneConfig {
  return maskSecretsIn(config);
}

/**
 * The resolved configuration, secrets masked, as TOML (loadable again once secrets are filled
 * back in) or JSON.
 * @example
 * process.stdout.write(formatConfig(config));
 */
export function formatConfig(config: SidetoneConfig, format: 'toml' | 'json' = 'toml'): string {
  const masked = maskSecrets(config);
  return format === 'json' ? `${JSON.stringify(masked, null, 2)}\n` : `${toml().stringify(masked)}\n`;
}

/**
 * What `sidetone config check FILE` prints: the resolved configuration (file < env < flags) with
 * secrets masked, under a comment naming the sources. Throws `ConfigValidationError` (its message
 * lists every problem) or `ConfigError` (unreadable file) for the CLI to print and exit 1.
 * @example
 * try { process.stdout.write(configCheck('sidetone.toml')); }
 * catch (e) { console.error(e.message); process.exitCode = 1; }
 */
export function configCheck(file: string, options: Omit<LoadConfigOptions, 'file'> = {}): string {
  const config = loadConfig({ ...options, file });
  return `# sidetone configuration resolved from ${file}, SIDETONE_* environment and flags; secrets masked\n${formatConfig(config)}`;
}

export { parseConfigFlags } from './flags.js';
