/**
 * A thin layer over `node:util` `parseArgs`: typed flag definitions, values checked against their
 * range or choices, and every parse failure turned into a {@link UsageError} (exit 2 with usage).
 */
import { parseArgs } from 'node:util';
import { closest } from '../closest.js';
import { UsageError } from './errors.js';

interface Base {
  short?: string;
  help: string;
}
export type FlagDef =
  | (Base & { type: 'boolean' })
  | (Base & { type: 'string'; arg: string; choices?: readonly string[]; default?: string })
  | (Base & { type: 'int' | 'number'; arg: string; min: number; max: number; default?: number });
export type FlagDefs = Record<string, FlagDef>;

type ValueOf<D extends FlagDef> = D extends { type: 'boolean' }
  ? boolean
  : D extends { type: 'int' | 'number' }
    ? number
    : D extends { choices: readonly (infer C)[] }
      ? C
      : string;

/** Parsed flags: booleans are always set; others are set when given or defaulted. */
export type Flags<F extends FlagDefs> = {
  [K in keyof F]: F[K] extends { type: 'boolean' } | { default: unknown }
    ? ValueOf<F[K]>
    : ValueOf<F[K]> | undefined;
};

export type FlagValues = Record<string, string | number | boolean | undefined>;

export interface Parsed<F extends FlagDefs = FlagDefs> {
  flags: Flags<F>;
  positionals: string[];
  /** `--section.key value` settings (verbs with `configFlags`), by dotted key. */
  config?: Record<string, string | boolean>;
}

/**
 * One verb's module. `usage` is the synopsis line; help text is generated from it and the flags.
 * Its name and one-line summary are in the verb list (commands/index.ts), read without loading it.
 */
export interface Command<F extends FlagDefs = FlagDefs> {
  /** The paragraph of the verb's own help; the verb list's summary when absent. */
  description?: string;
  usage: string;
  flags: F;
  /** Lines shown under "Examples:" in the help. */
  examples?: readonly string[];
  /** Whether positional arguments are accepted (only `config check FILE` takes one). */
  positionals?: boolean;
  /** Whether every configuration key is also a flag (`--server.port 9100`, `--no-metrics.gzip`). */
  configFlags?: boolean;
  /** Resolves to the exit code (0 when nothing is returned). */
  run(args: Parsed<F>): Promise<number | undefined>;
}

export type AnyCommand = Command<FlagDefs>;

const HELP_FLAG = { type: 'boolean', short: 'h', help: 'show this help' } as const;

/** Keep the literal flag types for `run`, then erase them for the registry. */
export function defineCommand<const F extends FlagDefs>(command: Command<F>): AnyCommand {
  return command as unknown as AnyCommand;
}

/** Whether `--help`/`-h` appears before a `--` terminator: help wins over any other mistake. */
export function wantsHelp(argv: readonly string[]): boolean {
  for (const a of argv) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

function checkValue(name: string, def: FlagDef, raw: string): string | number {
  if (def.type === 'string') {
    if (def.choices && !def.choices.includes(raw)) {
      throw new UsageError(`--${name} must be one of ${def.choices.join(', ')}, got ${JSON.stringify(raw)}`);
    }
    if (raw === '') throw new UsageError(`--${name} needs a value: --${name} ${def.arg}`);
    return raw;
  }
  if (def.type === 'boolean') return raw;
  const n = raw.trim() === '' ? Number.NaN : Number(raw);
  const kind = def.type === 'int' ? 'an integer' : 'a number';
  if (!Number.isFinite(n) || (def.type === 'int' && !Number.isInteger(n)) || n < def.min || n > def.max) {
    throw new UsageError(
      `--${name} expects ${kind} from ${def.min} to ${def.max}, got ${JSON.stringify(raw)}`,
    );
  }
  return n;
}

/** Rewrite parseArgs' errors (long, and about "options") into one short line about the flag. */
function usageFrom(err: unknown, defs: FlagDefs): UsageError {
  const code = (err as { code?: string }).code ?? '';
  const message = (err as Error).message ?? String(err);
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = quoted.replace(/=.*$/, '');
    const guess = closest(flag.replace(/^-+/, ''), Object.keys(defs));
    return new UsageError(`unknown flag ${flag}${guess ? ` (did you mean --${guess}?)` : ''}`);
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    return new UsageError(`unexpected argument ${JSON.stringify(quoted)}: this verb takes only flags`);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = quoted.split(' ')[0] ?? quoted;
    if (/does not take an argument/.test(message))
      return new UsageError(`${flag} is a switch and takes no value`);
    const def = defs[flag.replace(/^-+/, '')];
    const arg = def && def.type !== 'boolean' ? ` ${def.arg}` : '';
    // "ambiguous" is parseArgs refusing a value that starts with "-" (e.g. `--days -1`).
    const dash = /ambiguous/.test(message) ? ` (a value starting with "-" goes as ${flag}=VALUE)` : '';
    return new UsageError(`${flag} needs a value: ${flag}${arg}${dash}`);
  }
  return new UsageError(message.split('\n')[0] ?? message);
}

/**
 * Parse `argv` (the words after the verb) against `defs`. Unknown flags, missing or malformed
 * values and stray positionals throw {@link UsageError}.
 */
export function parseFlags(argv: readonly string[], defs: FlagDefs, positionals = false): Parsed {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, def] of Object.entries(defs)) {
    options[name] = {
      type: def.type === 'boolean' ? 'boolean' : 'string',
      ...(def.short === undefined ? {} : { short: def.short }),
    };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: positionals });
  } catch (err) {
    throw usageFrom(err, defs);
  }
  const flags: FlagValues = {};
  for (const [name, def] of Object.entries(defs)) {
    const raw = parsed.values[name];
    if (def.type === 'boolean') flags[name] = raw === true;
    else if (typeof raw === 'string') flags[name] = checkValue(name, def, raw);
    else flags[name] = def.default;
  }
  return { flags: flags as Flags<FlagDefs>, positionals: parsed.positionals };
}

/** The flags every verb accepts in addition to its own. */
export function withHelp(defs: FlagDefs): FlagDefs {
  return { ...defs, help: HELP_FLAG };
}

function flagLabel(name: string, def: FlagDef): string {
  const short = def.short ? `-${def.short}, ` : '    ';
  return `${short}--${name}${def.type === 'boolean' ? '' : ` ${def.arg}`}`;
}

function flagHelp(def: FlagDef): string {
  const notes: string[] = [];
  if (def.type === 'int' || def.type === 'number') notes.push(`${def.min}..${def.max}`);
  if (def.type === 'string' && def.choices) notes.push(def.choices.join('|'));
  if (def.type !== 'boolean' && def.default !== undefined) notes.push(`default ${def.default}`);
  return notes.length > 0 ? `${def.help} (${notes.join(', ')})` : def.help;
}

/** The help text of a verb: synopsis, summary, flags with ranges and defaults, examples. */
export function renderHelp(cmd: AnyCommand, summary: string): string {
  const defs = withHelp(cmd.flags);
  const labels = Object.entries(defs).map(([n, d]) => [flagLabel(n, d), flagHelp(d)] as const);
  const width = Math.max(...labels.map(([l]) => l.length));
  const lines = [`Usage: ${cmd.usage}`, '', cmd.description ?? summary, '', 'Flags:'];
  for (const [label, help] of labels) lines.push(`  ${label.padEnd(width)}  ${help}`);
  if (cmd.examples && cmd.examples.length > 0) {
    lines.push('', 'Examples:', ...cmd.examples.map((e) => `  ${e}`));
  }
  return `${lines.join('\n')}\n`;
}
