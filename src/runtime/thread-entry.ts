import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The file a worker thread runs, given as a URL next to the calling module (`new URL('./x.js',
 * import.meta.url)`). Under a TypeScript test runner the caller is the `.ts` source, and a worker
 * cannot load the `.js` beside it: the built file in `dist/` (built before the tests run) is used.
 * @example new Worker(threadEntry(new URL('./sqlite-writer-thread.js', import.meta.url)))
 */
export function threadEntry(url: URL): string {
  const here = fileURLToPath(url);
  return existsSync(here) ? here : here.replace(/([\\/])src([\\/])(?!.*[\\/]src[\\/])/, '$1dist$2');
}
