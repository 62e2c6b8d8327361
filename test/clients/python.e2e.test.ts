/**
 * The Python client, as a user gets it: Debian's python3 makes a venv, `pip install
 * ./clients/python` with no package index, and the client's unittest suite runs from a copy (so
 * it imports the installed package) against real `sidetone serve` processes it starts itself.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/spawn.js';

/** Debian's python3 (scripts/system-deps.sh installs it with python3-venv). */
const PYTHON = '/usr/bin/python3';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sidetone-pyclient-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the Python client', () => {
  it("type-checks under mypy --strict for Python 3.9 (Debian's mypy)", () => {
    const r = spawnSync(
      '/usr/bin/mypy',
      [
        '--strict',
        '--python-version',
        '3.9',
        '--cache-dir',
        join(dir, 'mypy'),
        'sidetone',
        'tests',
        '_build',
      ],
      { cwd: join(ROOT, 'clients/python'), encoding: 'utf8' },
    );
    expect(r.error, '/usr/bin/mypy missing: install mypy (scripts/system-deps.sh)').toBeUndefined();
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Success: no issues found in \d+ source files/m);
  });

  it('installs with pip from the tree, no index, and passes its suite against a real sidecar', () => {
    expect(existsSync(PYTHON), `${PYTHON} missing: run scripts/system-deps.sh as root`).toBe(true);
    const venv = join(dir, 'venv');
    execFileSync(PYTHON, ['-m', 'venv', venv]);
    const pip = spawnSync(
      join(venv, 'bin/pip'),
      [
        'install',
        '--no-index',
        '--no-cache-dir',
        '--disable-pip-version-check',
        join(ROOT, 'clients/python'),
      ],
      { encoding: 'utf8' },
    );
    expect(pip.status, pip.stdout + pip.stderr).toBe(0);
    cpSync(join(ROOT, 'clients/python/tests'), join(dir, 'tests'), { recursive: true });
    const python = join(venv, 'bin/python');
    const where = execFileSync(
      python,
      ['-c', 'import sidetone, os; print(os.path.dirname(sidetone.__file__))'],
      {
        cwd: dir,
        encoding: 'utf8',
      },
    ).trim();
    expect(where.startsWith(join(venv, 'lib'))).toBe(true);
    expect(existsSync(join(where, 'py.typed'))).toBe(true);
    const run = spawnSync(
      python,
      ['-W', 'error::ResourceWarning', '-m', 'unittest', 'discover', '-v', '-s', 'tests', '-t', '.'],
      {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, SIDETONE_CLI: CLI, SIDETONE_NODE: process.execPath, SIDETONE_REPO: ROOT },
        timeout: 240_000,
      },
    );
    const out = run.stdout + run.stderr;
    expect(run.status, out).toBe(0);
    const ran = Number(/^Ran (\d+) tests? in/m.exec(out)?.[1]);
    expect(ran).toBe(12);
    expect(out).toMatch(/^OK$/m);
  }, 300_000);
});
