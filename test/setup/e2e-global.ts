import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { ProvidedContext } from 'vitest';
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
/** The servers and the settings the projects are given for them. */
interface Shared {
  servers: Promise<{ provided: Partial<ProvidedContext>; stop(): Promise<void> }>;
  /** Projects set up and not yet torn down: the last one stops the servers. */
  users: number;
}

/** Where the run's servers live between the projects' setups: vitest's own process. */
const SHARED = Symbol.for('sidetone.test.e2e-global');

async function start(): Promise<Awaited<Shared['servers']>> {
  const sd = mkdtempSync(join(tmpdir(), 'sidetone-prom-sd-'));
  const [pg, browser, prom, am] = await Promise.all([
    startPostgres(),
    chromium.launchServer(CHROMIUM),
    startPrometheus([], {}, [], sd),
    startAlertmanager(),
  ]);
  return {
    provided: {
      postgresUrl: pg.url,
      chromiumWs: browser.wsEndpoint(),
      prometheusUrl: prom.url,
      prometheusSd: sd,
      alertmanagerAddress: am.address,
      alertmanagerHook: am.hook,
    },
    async stop() {
      await am.stop();
      await prom.stop();
      rmSync(sd, { recursive: true, force: true });
      await browser.close();
      await pg.stop();
    },
  };
}

/**
 * One set of servers for every project that names this file (e2e, e2e-timed, e2e-alone), started
 * by the first project's setup and stopped by the last one's teardown. Vitest sets every project
 * up, one after the other, before the first file of the run starts and tears them down after the
 * last, so a set per project cost a second PostgreSQL, Chromium, Prometheus and Alertmanager on the
 * run's serial path, start and stop (issue 48: two one-test files, one per project, 26.7-29.4 s at
 * load 17-25), and kept them idle beside every file.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const g = globalThis as { [SHARED]?: Shared };
  const shared = (g[SHARED] ??= { servers: start(), users: 0 });
  shared.users++;
  const { provided } = await shared.servers;
  for (const [key, value] of Object.entries(provided))
    project.provide(key as keyof typeof provided, value as never);
  return async () => {
    if (--shared.users > 0) return;
    delete g[SHARED];
    await (await shared.servers).stop();
  };
}
