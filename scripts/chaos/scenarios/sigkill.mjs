// SIGKILL of the sidecar (SQLite store) in each phase, again and again on one store file, with
// clients that resend every batch not acknowledged, with the same ids, after the restart:
// - mid-request: while batches are being posted (killed 100-600 ms into the traffic);
// - mid-commit: the moment the write-ahead log grows (a commit being written);
// - idle: every batch answered, nothing in flight.
// Must hold: every acknowledged call and SMS stored exactly once (none lost, none counted twice in
// the rollups), and the store opens again after every kill.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteCallStore } from '../../../dist/store/sqlite/store.js';
import { check, finish, HASH_KEY, RetryingClients, sleep, startServe } from '../lib.mjs';

const PHASES = ['mid-request', 'mid-commit', 'idle'];

/** The write-ahead log's size and time of change: either moves when a commit is written. */
const walMark = (db) => {
  try {
    const st = statSync(`${db}-wal`);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return '';
  }
};

export default {
  name: 'sigkill',
  async run({ full, log }) {
    const rounds = full ? 10 : 2;
    const dir = mkdtempSync(join(tmpdir(), 'sidetone-chaos-kill-'));
    const db = join(dir, 'calls.db');
    let serve;
    try {
      serve = await startServe(['--db', db]);
      const clients = new RetryingClients({ url: () => serve.url, workers: 4, calls: 100, sms: 20 });
      const kills = { 'mid-request': 0, 'mid-commit': 0, idle: 0 };
      let inFlightAtKill = 0;
      let resent = 0;
      let restartMaxS = 0;
      for (let round = 0; round < rounds; round++) {
        for (const phase of PHASES) {
          clients.start();
          if (phase === 'mid-request') await sleep(100 + Math.random() * 500);
          else if (phase === 'mid-commit') {
            await sleep(200);
            const before = walMark(db);
            for (const t0 = Date.now(); walMark(db) === before && Date.now() - t0 < 5000; ) {
              await new Promise((r) => setImmediate(r));
            }
          } else {
            await sleep(300);
            await clients.drain();
            await sleep(200);
          }
          const pending = clients.inFlight;
          serve.child.kill('SIGKILL');
          await serve.exited;
          if (pending > 0) inFlightAtKill++;
          resent += pending;
          kills[phase]++;
          const t0 = performance.now();
          serve = await startServe(['--db', db]);
          restartMaxS = Math.max(restartMaxS, (performance.now() - t0) / 1000);
          // The clients resend what was not acknowledged to the new process.
          await clients.drain();
          log(`round ${round + 1}/${rounds} ${phase}: ${pending} batches in flight at the kill`);
        }
      }
      // Metrics start again with each process: only the store can tell what was counted twice.
      const figures = await finish(
        serve,
        clients,
        () => openSqliteCallStore({ path: db, privacy: { hashKey: HASH_KEY, storeRaw: false } }),
        { metrics: false },
      );
      return check(
        {
          ...figures,
          kills: rounds * PHASES.length,
          killsWithBatchesInFlight: inFlightAtKill,
          batchesResent: resent,
          restartMaxS,
        },
        { exit: 0 },
      );
    } finally {
      await serve?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
