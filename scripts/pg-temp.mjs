// A throwaway PostgreSQL server in a temporary directory, trusting local connections: what the
// tests and `npm run bench` run the PostgreSQL store against. Debian's PostgreSQL 15
// (scripts/system-deps.sh installs it). The server refuses to run as root, so as root it runs as
// the `postgres` user the Debian package creates.
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const PG_BIN = '/usr/lib/postgresql/15/bin';

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * @returns {Promise<{
 *   url: string,
 *   stop(): Promise<void>,
 *   halt(mode: 'smart' | 'fast' | 'immediate'): Promise<void>,
 *   start(): Promise<void>,
 *   pids(): number[],
 * }>}
 * `halt` stops the server as `pg_ctl stop -m MODE` does and `start` starts it again on the same
 * port and data (the chaos suite's outages); `pids` are the postmaster's and its children's.
 * `pg_ctl` runs as a child process awaited, never synchronously: a start after an immediate stop
 * replays the WAL (seconds on a loaded machine), and a caller frozen that long is a load generator
 * whose clients stop sending, then reuse connections the server has closed as idle meanwhile
 * (stop 57's CI: 1 "unanswered" in pg-stop was its own client, frozen 5 s in `pg_ctl start -w`).
 */
export async function startPostgres() {
  const dir = mkdtempSync(join(tmpdir(), 'sidetone-pg-'));
  const data = join(dir, 'data');
  const root = userInfo().uid === 0;
  const run = async (bin, args) => {
    const cmd = join(PG_BIN, bin);
    await execFileAsync(root ? 'runuser' : cmd, root ? ['-u', 'postgres', '--', cmd, ...args] : args, {
      timeout: 60_000,
    });
  };
  if (root) {
    const id = (flag) => Number(execFileSync('id', [flag, 'postgres']).toString());
    chownSync(dir, id('-u'), id('-g'));
  }
  const port = await freePort();
  // --no-sync only skips initdb's own fsync of the template files; the server fsyncs commits.
  await run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const start = () =>
    run('pg_ctl', [
      '-D',
      data,
      '-o',
      `-p ${port} -k ${dir} -h 127.0.0.1`,
      '-l',
      join(dir, 'log'),
      '-w',
      'start',
    ]);
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    halt(mode) {
      return run('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
    },
    pids() {
      const main = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      const children = execFileSync('pgrep', ['-P', String(main)])
        .toString()
        .trim()
        .split('\n');
      return [main, ...children.filter((p) => p !== '').map(Number)];
    },
    async stop() {
      try {
        // Halted already (the chaos suite): nothing to stop.
        if (existsSync(join(data, 'postmaster.pid')))
          await run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
