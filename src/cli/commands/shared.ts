/** What the read verbs share: opening and always closing the source, JSON output, the --json flag. */
import { type Style, styleFor } from '../output.js';
import { type DataSource, openSource, SOURCE_FLAGS } from '../source.js';

export const JSON_FLAG = {
  json: { type: 'boolean', help: 'print JSON (the shape the HTTP API returns) instead of tables' },
} as const;

/** Source flags plus --json: the flags of every table-printing read verb. */
export const READ_FLAGS = { ...SOURCE_FLAGS, ...JSON_FLAG } as const;

/** Run `fn` against the source the flags name, closing it (and the store file) whatever happens. */
export async function withSource<T>(
  flags: Parameters<typeof openSource>[0],
  fn: (source: DataSource) => Promise<T>,
): Promise<T> {
  const source = await openSource(flags);
  try {
    return await fn(source);
  } finally {
    await source.close();
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export const print = (text: string): void => {
  process.stdout.write(text);
};

export const stdoutStyle = (): Style => styleFor(process.stdout);
