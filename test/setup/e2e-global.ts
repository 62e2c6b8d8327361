import type { TestProject } from 'vitest/node';
import { startPostgres } from '../../scripts/pg-temp.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's shared PostgreSQL cluster (admin URL); test/helpers/postgres.ts gives each file its own database. */
    postgresUrl: string;
  }
}

/**
 * Servers every e2e file shares, started once per run: one PostgreSQL cluster (initdb and start
 * cost 2-5 s; nine files started their own). Each file is isolated inside it by a database of its
 * own. Files that stop or hang the server itself (the chaos and fault suites) still start theirs.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const pg = await startPostgres();
  project.provide('postgresUrl', pg.url);
  return () => pg.stop();
}
