/**
 * Unit files that need a module registry of their own, run isolated in the `unit-isolated`
 * project (vitest.config.ts); every other unit file shares its worker with the files before it.
 * A `vi.mock` replaces a module for the whole worker, and only where nothing imported it before:
 * without isolation publish.test.ts's count of parseSip calls would read 0 whenever an earlier
 * file had loaded partition.ts with the real parser, and its wrapper would stay for the files
 * after. test/guard/test-isolation.test.ts fails on a unit file that mocks a module and is not
 * listed here.
 */
export const ISOLATED: readonly string[] = ['test/sources/cluster/publish.test.ts'];
