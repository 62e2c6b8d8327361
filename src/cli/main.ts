#!/usr/bin/env node
/**
 * `sidetone`: dispatch a verb, and own the exit-code contract: 0 success, 1 an error (one line:
 * the cause and the fix), 2 a bad verb, flag or value (with the usage). Only the verb asked for is
 * loaded (commands/index.ts).
 */
import { closest } from '../closest.js';
import { sidetoneVersion } from '../runtime/version.js';
import { redactSecrets } from '../secrets.js';
import { type AnyCommand, parseFlags, renderHelp, wantsHelp, withHelp } from './args.js';
import { expandAlias, VERB_ALIASES } from './commands/aliases.js';
import { VERBS } from './commands/index.js';
import { describeError, EXIT_ERROR, EXIT_OK, EXIT_USAGE, UsageError } from './errors.js';

function topUsage(): string {
  const width = Math.max(...VERBS.map((c) => c.name.length));
  const verbs = VERBS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: sidetone <verb> [flags]',
    '',
    'Observability for telephony: run the metrics and analytics sidecar, or read its call analytics.',
    '',
    'Verbs:',
    ...verbs,
    '',
    `Aliases (other systems' verbs): ${VERB_ALIASES.map((a) => `${a.name} = ${[a.verb, ...a.args].join(' ')}`).join('; ')}.`,
    '',
    'Run `sidetone <verb> --help` for its flags. Read verbs take --db FILE (a store file) or --url URL (a',
    'running server; token from --token or SIDETONE_TOKEN) and print tables, or JSON with --json.',
    'Exit codes: 0 success, 1 error (the message says how to fix it), 2 bad verb, flag or value.',
    '',
  ].join('\n');
}

/** The usage line and where the full help is, after a usage error: enough to fix the typo. */
function shortUsage(name: string, cmd: AnyCommand): string {
  return `Usage: ${cmd.usage}\nRun \`sidetone ${name} --help\` for all flags.\n`;
}

async function main(argv: readonly string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined) {
    process.stderr.write(topUsage());
    return EXIT_USAGE;
  }
  if (verb === '--help' || verb === '-h' || verb === 'help') {
    const about = VERBS.find((c) => c.name === rest[0]);
    process.stdout.write(about ? renderHelp((await about.load()).default, about.summary) : topUsage());
    return EXIT_OK;
  }
  if (verb === '--version' || verb === '-V' || verb === 'version') {
    process.stdout.write(`${sidetoneVersion()}\n`);
    return EXIT_OK;
  }
  const entry = VERBS.find((c) => c.name === verb);
  if (entry === undefined) {
    const guess = closest(
      verb,
      VERBS.map((c) => c.name),
    );
    process.stderr.write(
      `sidetone: unknown verb "${verb}"${guess ? ` (did you mean ${guess}?)` : ''}\n\n${topUsage()}`,
    );
    return EXIT_USAGE;
  }
  const cmd = (await entry.load()).default;
  if (wantsHelp(rest)) {
    process.stdout.write(renderHelp(cmd, entry.summary));
    return EXIT_OK;
  }
  try {
    // Config keys as flags (docs/config.md) are taken out first; the verb's own flags are the rest.
    const split =
      cmd.configFlags === true
        ? (await import('../config/flags.js')).parseConfigFlags(rest)
        : { flags: {}, rest };
    const parsed = parseFlags(split.rest, withHelp(cmd.flags), cmd.positionals === true);
    parsed.config = split.flags;
    return (await cmd.run(parsed)) ?? EXIT_OK;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`sidetone ${verb}: ${redactSecrets(err.message)}\n${shortUsage(verb, cmd)}`);
      return EXIT_USAGE;
    }
    for (const line of describeError(err)) process.stderr.write(`sidetone ${verb}: ${line}\n`);
    if (process.env.SIDETONE_DEBUG)
      process.stderr.write(`${redactSecrets((err as Error)?.stack ?? String(err))}\n`);
    return EXIT_ERROR;
  }
}

// A closed pipe (`sidetone export | head`) is the reader saying "enough", not a failure.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(EXIT_OK);
  process.stderr.write(`sidetone: cannot write to stdout (${err.code ?? err.message})\n`);
  process.exit(EXIT_ERROR);
});

main(expandAlias(process.argv.slice(2))).then(
  (code) => {
    // exitCode, not exit(): pending stdout writes to a pipe must flush before the process ends.
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`sidetone: ${describeError(err).join(' ')}\n`);
    process.exitCode = EXIT_ERROR;
  },
);
