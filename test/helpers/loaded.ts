import { existsSync, readFileSync } from 'node:fs';

/**
 * Node flags that make a process record every module it loads into `log`, one URL or path a
 * line: each ESM resolution as it happens (a resolve hook), and at exit every CommonJS module in
 * the require cache, which the hook does not see (a package's own require() calls, and packages
 * loaded with createRequire).
 */
export function recordLoads(log: string): string[] {
  const hooks = `import { appendFileSync } from 'node:fs'; export async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(${JSON.stringify(log)}, r.url + '\\n'); return r; }`;
  const setup = [
    "import { register, createRequire } from 'node:module';",
    "import { appendFileSync } from 'node:fs';",
    `register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}));`,
    "const cache = createRequire('/').cache;",
    `process.on('exit', () => appendFileSync(${JSON.stringify(log)}, Object.keys(cache).join('\\n') + '\\n'));`,
  ].join('\n');
  return ['--import', `data:text/javascript,${encodeURIComponent(setup)}`];
}

/** What `recordLoads(log)` wrote so far. */
export const readLoads = (log: string): string[] =>
  existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
