import { existsSync, readFileSync } from 'node:fs';

/**
 * Node flags that make a process record every module it loads into `log`, one URL or path a
 * line: each ESM resolution as it happens (a resolve hook); each chunk of the CLI bundle and each
 * package a chunk requires as it happens (the bundle's loader publishes them on the diagnostics
 * channel `sidetone:load`, src/cli/launch.ts: they are not in Node's module cache); and at exit
 * every CommonJS module in the require cache, which neither sees (a package's own require() calls,
 * and packages loaded with createRequire).
 */
export function recordLoads(log: string): string[] {
  const hooks = `import { appendFileSync } from 'node:fs'; export async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(${JSON.stringify(log)}, r.url + '\\n'); return r; }`;
  const setup = [
    "import { register, createRequire } from 'node:module';",
    "import { appendFileSync } from 'node:fs';",
    "import { subscribe } from 'node:diagnostics_channel';",
    `subscribe('sidetone:load', ({ file }) => appendFileSync(${JSON.stringify(log)}, file + '\\n'));`,
    `register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}));`,
    "const cache = createRequire('/').cache;",
    `process.on('exit', () => appendFileSync(${JSON.stringify(log)}, Object.keys(cache).join('\\n') + '\\n'));`,
  ].join('\n');
  return ['--import', `data:text/javascript,${encodeURIComponent(setup)}`];
}

/**
 * What `recordLoads(log)` wrote so far. A chunk of the CLI bundle (dist/bin) is followed by the
 * dist/ modules it holds (dist/bin/modules.json, written by scripts/bundle.mjs), so that a test
 * names modules the same way whether the process ran the bundle or tsc's files.
 */
export function readLoads(log: string): string[] {
  const chunks = new Map<string, Record<string, string[]>>();
  const chunksOf = (root: string) => {
    let map = chunks.get(root);
    if (map === undefined) {
      map = JSON.parse(readFileSync(`${root}/dist/bin/modules.json`, 'utf8')) as Record<string, string[]>;
      chunks.set(root, map);
    }
    return map;
  };
  if (!existsSync(log)) return [];
  const urls: string[] = [];
  for (const url of readFileSync(log, 'utf8').split('\n')) {
    if (url === '') continue;
    urls.push(url);
    const chunk = /^(?:file:\/\/)?(\/.*)\/dist\/bin\/([^/]+\.js)$/.exec(url);
    if (chunk === null) continue;
    const [, root, file] = chunk as unknown as [string, string, string];
    const held = chunksOf(root)[file];
    if (held === undefined) throw new Error(`${url}: not in dist/bin/modules.json; run npm run build`);
    for (const module of held) urls.push(`file://${root}/${module}`);
  }
  return urls;
}
