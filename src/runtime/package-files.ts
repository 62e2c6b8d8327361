import { fileURLToPath } from 'node:url';

// Two levels up from this module is the package's root in each layout it runs from: src/runtime
// (tests), dist/runtime (the library) and dist/bin (the CLI bundle, scripts/bundle.mjs, whose
// chunks are all this module's depth so that a path built from import.meta.url means the same).

/**
 * The package's root directory (where package.json, dist/ and assets/ are).
 * @example existsSync(join(packageRoot(), 'assets', 'console'))
 */
export const packageRoot = (): string => fileURLToPath(new URL('../../', import.meta.url));

/**
 * The file a worker thread runs, given by its path in dist/: always the built JavaScript, also
 * under a TypeScript test runner (the suite builds before it runs) and from the CLI bundle, whose
 * chunks are not where tsc put the caller.
 * @example new Worker(threadEntry('store/sqlite/checkpoint-thread.js'))
 */
export const threadEntry = (distPath: string): string =>
  fileURLToPath(new URL(`../../dist/${distPath}`, import.meta.url));
