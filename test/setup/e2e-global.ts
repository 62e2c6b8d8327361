import { chromium } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { startPostgres } from '../../scripts/pg-temp.mjs';
import { CHROMIUM } from '../helpers/chromium.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's shared PostgreSQL cluster (admin URL); test/helpers/postgres.ts gives each file its own database. */
    postgresUrl: string;
    /** The run's Chromium: test/helpers/chromium.ts connects to it. */
    chromiumWs: string;
  }
}

/**
 * Servers every e2e file shares, started once per run: one PostgreSQL cluster (initdb and start
 * cost 2-5 s; nine files started their own), each file isolated inside it by a database of its
 * own; one Chromium (six files launched their own), each page in a context of its own. Files that
 * stop or hang the server itself (the chaos and fault suites) still start theirs.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [pg, browser] = await Promise.all([startPostgres(), chromium.launchServer(CHROMIUM)]);
  project.provide('postgresUrl', pg.url);
  project.provide('chromiumWs', browser.wsEndpoint());
  return async () => {
    await browser.close();
    await pg.stop();
  };
}
