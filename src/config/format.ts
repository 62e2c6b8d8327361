import { stringify as stringifyToml } from 'smol-toml';
import { ConfigError } from '../errors.js';
import { maskSecretsIn } from '../secrets.js';
import { CONFIG_KEYS } from './keys.js';
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
  return format === 'json' ? `${JSON.stringify(masked, null, 2)}\n` : `${stringifyToml(masked)}\n`;
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

/**
 * Split CLI arguments into config flags and the rest: `--server.port=9100`, `--server.port 9100`,
 * `--packs.sms` (true), `--no-packs.sms` (false). Only keys of the schema are taken; other
 * arguments are returned in `rest` for the CLI's own parsing.
 * @example
 * const { flags, rest } = parseConfigFlags(['serve', '--server.port', '9100']);
 * loadConfig({ flags }); // rest: ['serve']
 */
export function parseConfigFlags(argv: readonly string[]): {
  flags: Record<string, string | boolean>;
  rest: string[];
} {
  const known = new Map(CONFIG_KEYS.map((k) => [k.path, k]));
  const flags: Record<string, string | boolean> = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const m = /^--(no-)?([a-z_][a-z0-9_-]*(?:\.[a-z_][a-z0-9_-]*)+)(?:=(.*))?$/s.exec(arg);
    const path = m?.[2]?.replace(/-/g, '_');
    const key = path === undefined ? undefined : known.get(path);
    if (m === null || key === undefined || path === undefined) {
      rest.push(arg);
      continue;
    }
    if (m[1] !== undefined) {
      if (key.kind !== 'boolean')
        throw new ConfigError('ST_CONFIG_FLAG', `--no-${path}: ${path} is not a true/false key`);
      flags[path] = false;
    } else if (m[3] !== undefined) flags[path] = m[3];
    else if (
      key.kind === 'boolean' &&
      (argv[i + 1] === undefined || (argv[i + 1] as string).startsWith('--'))
    ) {
      flags[path] = true;
    } else {
      const next = argv[i + 1];
      if (next === undefined) throw new ConfigError('ST_CONFIG_FLAG', `--${path} needs a value`);
      flags[path] = next;
      i++;
    }
  }
  return { flags, rest };
}
