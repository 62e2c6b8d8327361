// PostgreSQL stops under steady ingest (`pg_ctl stop -m fast`, then `-m immediate`, alternating),
// stays down a while and starts again; and once the sidecar starts while it is down. Before issue
// 31, 9 of 10 stops killed the sidecar (an unhandled 'error' of the driver) and it could not start
// until the database was back. Must hold: no crash, `/readyz` 503 naming the cause during the
// outage, every ingest answer 503/507 with Retry-After while it lasts, readiness back after the
// restart, and every acknowledged call and SMS stored exactly once.
import { openPostgresCallStore } from '../../../dist/store/postgres/store.js';
import { startPostgres } from '../../pg-temp.mjs';
import { check, finish, getJson, HASH_KEY, RetryingClients, sleep, startServe, waitReady } from '../lib.mjs';

export default {
  name: 'pg-stop',
  async run({ full, log }) {
    const stops = full ? 10 : 2;
    const downMs = full ? 3000 : 1500;
    const pg = await startPostgres();
    let serve;
    try {
      // Start-up with the database down: degraded, not dead.
      await pg.halt('fast');
      serve = await startServe(['--store', pg.url]);
      const down = await getJson(serve.url, '/readyz');
      const startedDegraded = down?.status === 503 ? 1 : 0;
      const causeNamed = /ST_STORE_UNAVAILABLE/.test(JSON.stringify(down?.body)) ? 1 : 0;
      await pg.start();
      const openedMs = await waitReady(serve.url, 200);
      log(`started degraded (readyz ${down?.status}), ready ${openedMs} ms after PostgreSQL came back`);

      const clients = new RetryingClients({ url: () => serve.url });
      clients.start();
      let crashes = 0;
      let readyz503 = 0;
      let recoveryMs = 0;
      for (let i = 0; i < stops; i++) {
        await sleep(1000);
        const mode = i % 2 === 0 ? 'fast' : 'immediate';
        await pg.halt(mode);
        await sleep(downMs / 2);
        const r = await getJson(serve.url, '/readyz');
        if (r?.status === 503) readyz503++;
        await sleep(downMs / 2);
        await pg.start();
        if (serve.child.exitCode !== null || serve.child.signalCode !== null) {
          crashes++;
          break;
        }
        const ms = await waitReady(serve.url, 200);
        recoveryMs = Math.max(recoveryMs, ms);
        log(`stop ${i + 1}/${stops} (${mode}): readyz during it ${r?.status}, ready again after ${ms} ms`);
      }
      const figures = await finish(serve, clients, () =>
        openPostgresCallStore({ url: pg.url, privacy: { hashKey: HASH_KEY, storeRaw: false } }),
      );
      if (figures.exit !== 0) crashes++;
      return check(
        {
          ...figures,
          stops,
          crashes,
          startedDegraded,
          causeNamed,
          readyz503DuringStop: readyz503,
          recoveryMaxS: recoveryMs / 1000,
        },
        {
          crashes: 0,
          startedDegraded: 1,
          causeNamed: 1,
          readyz503DuringStop: stops,
          noRetryAfter: 0,
          unanswered: 0,
        },
      );
    } finally {
      await serve?.stop();
      await pg.stop();
    }
  },
};
