import { spawnSync } from 'node:child_process';

/**
 * Run the real `promtool check metrics` on an exposition. Exit 1 is a parse error, 3 a lint
 * problem. promtool reads the text format; for OpenMetrics it still parses every sample line but
 * lints `_created` samples as families without HELP, which the caller may allow.
 */
export function promtoolCheck(text: string): { status: number; output: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (r.error) {
    throw new Error(
      `promtool could not run (${r.error.message}): install Debian's prometheus package (apt-get install prometheus); npm test does this as root`,
    );
  }
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}`.trim() };
}

/** Lint lines that are not about OpenMetrics `_created` samples. */
export function unexpectedLint(output: string): string[] {
  return output.split('\n').filter((l) => l.trim() !== '' && !/_created no help text$/.test(l.trim()));
}
