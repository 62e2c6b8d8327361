import { ConfigError } from '../errors.js';
import { CONFIG_KEYS } from './keys.js';

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
