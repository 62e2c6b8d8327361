/**
 * Verb names other systems' CLIs use, mapped to sidetone's verbs so their users' scripts and habits
 * keep working (docs/compat/). An alias is the native verb with preset flags; nothing else.
 */
export interface VerbAlias {
  readonly name: string;
  readonly verb: string;
  readonly args: readonly string[];
  /** Whose name it is. */
  readonly system: string;
}

export const VERB_ALIASES: readonly VerbAlias[] = [
  { name: 'prometheus', verb: 'metrics', args: [], system: 'openai-voice-skill' },
  { name: 'export-csv', verb: 'export', args: ['--format', 'csv'], system: 'openai-voice-skill' },
  { name: 'export-json', verb: 'export', args: ['--format', 'json'], system: 'openai-voice-skill' },
];

/** `argv` with a leading alias replaced by its verb and preset flags; unchanged otherwise. */
export function expandAlias(argv: readonly string[]): readonly string[] {
  const alias = VERB_ALIASES.find((a) => a.name === argv[0]);
  return alias === undefined ? argv : [alias.verb, ...alias.args, ...argv.slice(1)];
}
