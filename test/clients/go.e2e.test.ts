/**
 * The Go client with Debian's Go: gofmt-clean, vetted, and `go test ./...` against real
 * `sidetone serve` processes it starts itself (GOPROXY=off: nothing is fetched).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers/spawn.js';

const DIR = fileURLToPath(new URL('../../clients/go/', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const env = { ...process.env, GOFLAGS: '-mod=mod', GOPROXY: 'off', GOTOOLCHAIN: 'local' };
const go = (args: string[], more: Record<string, string> = {}) =>
  spawnSync('go', args, { cwd: DIR, encoding: 'utf8', env: { ...env, ...more }, timeout: 240_000 });

describe('the Go client', () => {
  it('is gofmt-clean and vetted', () => {
    const fmt = spawnSync('gofmt', ['-l', '.'], { cwd: DIR, encoding: 'utf8' });
    expect(fmt.error, 'gofmt missing: install golang-go (scripts/system-deps.sh)').toBeUndefined();
    expect(fmt.stdout).toBe('');
    const vet = go(['vet', './...']);
    expect(vet.status, vet.stdout + vet.stderr).toBe(0);
  });

  it('passes go test against a real sidecar', () => {
    const run = go(['test', '-count=1', '-v', './...'], {
      SIDETONE_CLI: CLI,
      SIDETONE_NODE: process.execPath,
      SIDETONE_REPO: ROOT,
    });
    const out = run.stdout + run.stderr;
    expect(run.status, out).toBe(0);
    expect(out.match(/^--- PASS: /gm)?.length, out).toBe(11);
    expect(out).not.toMatch(/^--- (FAIL|SKIP)/m);
  }, 300_000);
});
