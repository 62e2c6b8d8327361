// The disk under the SQLite store fills (a real small tmpfs; a loop-mounted ext4 file where tmpfs
// cannot be mounted) while many clients post, stays full a while, and is freed. Before issue 31 the
// sink kept up to 100,000 updates of failed writes and then dropped them while their ids stayed
// remembered: the clients' retries were answered 200 "duplicates" and 20,000 of 20,000
// acknowledged calls were never stored. Must hold: 507 (or 503 once the queue of waiting updates is
// full) with Retry-After while the disk is full, never a 200 for what was not stored, and every
// acknowledged call and SMS stored exactly once after space is freed. 32 clients with 1,100
// updates a batch keep more updates waiting than the queue holds (`store.max_pending_updates`, set
// to 20,000 here: the default 100,000 takes 100 such clients, more than this machine parses in
// the server's 30 s request timeout while others run), so the bound is met too.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteCallStore } from '../../../dist/store/sqlite.js';
import { check, HASH_KEY, RetryingClients, readBack, sleep, startServe } from '../lib.mjs';

/** Mount a 64 MiB file system at a new directory: tmpfs, else ext4 on a loop file. */
function mountSmall() {
  const dir = mkdtempSync(join(tmpdir(), 'sidetone-chaos-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', dir], { stdio: 'pipe' });
    return { dir, kind: 'tmpfs', unmount: () => umount(dir) };
  } catch {}
  const image = `${dir}.img`;
  try {
    writeFileSync(image, Buffer.alloc(64 * 2 ** 20));
    execFileSync('mkfs.ext4', ['-q', '-F', image], { stdio: 'pipe' });
    execFileSync('mount', ['-o', 'loop', image, dir], { stdio: 'pipe' });
    return {
      dir,
      kind: 'ext4 loop',
      unmount: () => {
        umount(dir);
        rmSync(image, { force: true });
      },
    };
  } catch (err) {
    rmSync(image, { force: true });
    rmSync(dir, { recursive: true, force: true });
    return {
      skipped: `cannot mount a small file system (${String(err.message).split('\n')[0]}): run as root`,
    };
  }
}

function umount(dir) {
  execFileSync('umount', [dir], { stdio: 'pipe' });
  rmSync(dir, { recursive: true, force: true });
}

/** Write filler files until the disk refuses a 256 KiB one, then a 4 KiB one: returns them. */
function fill(dir) {
  const files = [];
  for (const size of [256 * 1024, 4096]) {
    for (;;) {
      const f = join(dir, `filler-${files.length}`);
      try {
        writeFileSync(f, Buffer.alloc(size));
        files.push(f);
      } catch {
        rmSync(f, { force: true });
        break;
      }
    }
  }
  return files;
}

export default {
  name: 'disk-full',
  async run({ full, log }) {
    const fullMs = full ? 30_000 : 4000;
    const disk = mountSmall();
    if (disk.skipped) return { skipped: disk.skipped };
    let serve;
    try {
      const db = join(disk.dir, 'calls.db');
      serve = await startServe(['--db', db], { SIDETONE_STORE_MAX_PENDING_UPDATES: '20000' });
      const clients = new RetryingClients({ url: () => serve.url, workers: 32, calls: 500, sms: 100 });
      clients.start();
      while (clients.acked.length < 20) await sleep(100);
      const fillers = fill(disk.dir);
      log(`${disk.kind} full (${fillers.length} filler files); holding ${fullMs / 1000} s once writes fail`);
      // Requests of 1,100 events take a while: the hold counts from the first answer the full disk gives.
      for (const t0 = Date.now(); !clients.statuses[507] && Date.now() - t0 < 60_000; ) await sleep(50);
      await sleep(fullMs);
      const during = { ...clients.statuses };
      for (const f of fillers) rmSync(f, { force: true });
      log(`freed; answers while full: ${JSON.stringify(during)}`);
      await sleep(1000);
      await clients.drain();
      const metrics = await (await fetch(`${serve.url}/metrics`)).text();
      const rssPeakMiB = serve.rssPeakMiB();
      const exit = await serve.stop();
      const store = await openSqliteCallStore({ path: db, privacy: { hashKey: HASH_KEY, storeRaw: false } });
      try {
        const figures = await readBack(store, clients, metrics);
        return check(
          {
            ...figures,
            fs: disk.kind,
            fullS: fullMs / 1000,
            exit,
            answers507: clients.statuses[507] ?? 0,
            answers503: clients.statuses[503] ?? 0,
            noRetryAfter: clients.retryAfterMissing,
            unanswered: clients.unanswered,
            unansweredWhy: JSON.stringify(clients.unansweredWhy),
            rssPeakMiB,
          },
          { exit: 0, noRetryAfter: 0, answers507: (n) => n > 0 },
        );
      } finally {
        await store.close();
      }
    } finally {
      await serve?.stop();
      disk.unmount();
    }
  },
};
