/** Variables the CLI reads itself; the config loader would report them as unknown `SIDETONE_*` keys. */
export const CLI_ENV = ['SIDETONE_TOKEN', 'SIDETONE_DEBUG'] as const;

/** The environment as the config loader should see it: without the CLI's own variables. */
export function configEnv(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { ...env };
  for (const name of CLI_ENV) delete out[name];
  return out;
}
