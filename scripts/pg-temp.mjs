// A throwaway PostgreSQL server in a temporary directory, trusting local connections: what the
// tests and `npm run bench` run the PostgreSQL store against. Debian's PostgreSQL 15
// (scripts/system-deps.sh installs it). The server refuses to run as root, so as root it runs as
// the `postgres` user the Debian package creates.
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

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

/** @returns {Promise<{ url: string, stop(): Promise<void> }>} */
export async function startPostgres() {
  const dir = mkdtempSync(join(tmpdir(), 'sidetone-pg-'));
  const data = join(dir, 'data');
  const root = userInfo().uid === 0;
  const run = (bin, args) => {
    const cmd = join(PG_BIN, bin);
    execFileSync(root ? 'runuser' : cmd, root ? ['-u', 'postgres', '--', cmd, ...args] : args, {
      stdio: 'pipe',
      timeout: 60_000,
    });
  };
  if (root) {
    const id = (flag) => Number(execFileSync('id', [flag, 'postgres']).toString());
    chownSync(dir, id('-u'), id('-g'));
  }
  const port = await freePort();
  // --no-sync only skips initdb's own fsync of the template files; the server fsyncs commits.
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
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
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
