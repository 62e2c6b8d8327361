import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { startPostgres } from '../../scripts/pg-temp.mjs';
import { startAlertmanager } from '../helpers/alertmanager.js';
import { CHROMIUM } from '../helpers/chromium.js';
import { startPrometheus } from '../helpers/prometheus.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's shared PostgreSQL cluster (admin URL); test/helpers/postgres.ts gives each file its own database. */
    postgresUrl: string;
    /** The run's Chromium: test/helpers/chromium.ts connects to it. */
    chromiumWs: string;
    /** The run's Prometheus: test/helpers/prometheus.ts `sharedPrometheus` gives each file its own jobs. */
    prometheusUrl: string;
    /** The directory of the shared Prometheus's file_sd target files (`plain/`, `bearer/`). */
    prometheusSd: string;
    /** The run's Alertmanager (host:port): test/helpers/alertmanager.ts `sharedAlertmanager`. */
    alertmanagerAddress: string;
    /** Its webhook receiver: GET answers with every alert received so far. */
    alertmanagerHook: string;
  }
}

/**
 * Servers every e2e file shares, started once per run: one PostgreSQL cluster (initdb and start
 * cost 2-5 s; nine files started their own), each file isolated inside it by a database of its
 * own; one Chromium (six files launched their own), each page in a context of its own; one
 * Prometheus (eleven files started their own), each file's targets in a file_sd file of its own
 * under a job label of its own; one Alertmanager, whose alerts each file tells apart by its own
 * sidecars' labels. Files that stop or hang the server itself (the chaos and fault
 * suites), or test a server's own flags or rule files, still start theirs.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const sd = mkdtempSync(join(tmpdir(), 'sidetone-prom-sd-'));
  const [pg, browser, prom, am] = await Promise.all([
    startPostgres(),
    chromium.launchServer(CHROMIUM),
    startPrometheus([], {}, [], sd),
    startAlertmanager(),
  ]);
  project.provide('postgresUrl', pg.url);
  project.provide('chromiumWs', browser.wsEndpoint());
  project.provide('prometheusUrl', prom.url);
  project.provide('prometheusSd', sd);
  project.provide('alertmanagerAddress', am.address);
  project.provide('alertmanagerHook', am.hook);
  return async () => {
    await am.stop();
    await prom.stop();
    rmSync(sd, { recursive: true, force: true });
    await browser.close();
    await pg.stop();
  };
}
