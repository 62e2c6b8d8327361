// PostgreSQL hangs under steady ingest: the postmaster and every backend stopped with SIGSTOP (a
// host frozen, a storage stall), then resumed with SIGCONT. Before issue 31 every ingest request
// hung for as long as the database did (no timeout). Must hold, with the default timeouts (connect
// 5 s, statement 10 s + 1 s): every request answered within them (503 with Retry-After), `/readyz`
// 503 during the hang and 200 after it, and every acknowledged call and SMS stored exactly once.
import { openPostgresCallStore } from '../../../dist/store/postgres/store.js';
import { startPostgres } from '../../pg-temp.mjs';
import { check, finish, getJson, HASH_KEY, RetryingClients, sleep, startServe, waitReady } from '../lib.mjs';

/** The longest a request may take with the defaults: the statement timeout, its 1 s grace, slack. */
const BOUND_S = 10 + 1 + 2;

export default {
  name: 'pg-hang',
  async run({ full, log }) {
    const hangs = full ? 3 : 1;
    const hangMs = full ? 30_000 : 15_000;
    const pg = await startPostgres();
    let serve;
    let stopped = [];
    const resume = () => {
      for (const pid of stopped) process.kill(pid, 'SIGCONT');
      stopped = [];
    };
    try {
      serve = await startServe(['--store', pg.url]);
      // Clients give up on a request after 60 s: one answered later than BOUND_S is still counted.
      const clients = new RetryingClients({ url: () => serve.url, timeoutMs: 60_000 });
      clients.start();
      let readyz503 = 0;
      let readyzSlowestS = 0;
      for (let i = 0; i < hangs; i++) {
        await sleep(2000);
        stopped = pg.pids();
        for (const pid of stopped) process.kill(pid, 'SIGSTOP');
        const t0 = Date.now();
        await sleep(Math.min(hangMs / 2, 6000));
        const r0 = performance.now();
        const r = await getJson(serve.url, '/readyz', 10_000);
        readyzSlowestS = Math.max(readyzSlowestS, (performance.now() - r0) / 1000);
        if (r?.status === 503) readyz503++;
        await sleep(Math.max(0, hangMs - (Date.now() - t0)));
        resume();
        const ms = await waitReady(serve.url, 200);
        log(
          `hang ${i + 1}/${hangs} (${hangMs / 1000} s): readyz during it ${r?.status}, ready ${ms} ms after SIGCONT`,
        );
      }
      const figures = await finish(serve, clients, () =>
        openPostgresCallStore({ url: pg.url, privacy: { hashKey: HASH_KEY, storeRaw: false } }),
      );
      return check(
        { ...figures, hangs, hangS: hangMs / 1000, readyz503DuringHang: readyz503, readyzSlowestS },
        {
          exit: 0,
          noRetryAfter: 0,
          unanswered: 0,
          readyz503DuringHang: hangs,
          slowestAnswerS: (v) => v <= BOUND_S,
          answers503: (n) => n > 0,
        },
      );
    } finally {
      resume();
      await serve?.stop();
      await pg.stop();
    }
  },
};
