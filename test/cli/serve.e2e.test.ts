/**
 * `serve` and `demo` wiring: flags reach the config, the URLs printed are live, read verbs work
 * against them, and SIGTERM stops the process with exit 0. (The server itself is tested in
 * test/server; this is about the CLI around it.)
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Dashboard, ModemHistory } from '../../src/analytics/index.js';
import { backfillHours } from '../../src/cli/commands/serve.js';
import { startCli, startListening, untilBackfilled } from '../helpers/spawn.js';
import { run, tempDir } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
const children: ChildProcess[] = [];

beforeAll(() => {
  tmp = tempDir();
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});
afterAll(() => tmp.remove());

/** Start the binary and wait for the line announcing the base URL (its stdout is `output`). */
async function start(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const cli = await startListening(
    args,
    env,
    (out) => / on (http:\/\/[^\s,]+), store /.exec(out)?.[1],
    45_000,
  );
  children.push(cli.child);
  return { child: cli.child, url: cli.url, output: cli.stdout };
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.on('exit', (code) => resolve(code));
  });

describe('serve', () => {
  it('listens where the flags say, prints live URLs, and exits 0 on SIGTERM', async () => {
    const db = join(tmp.dir, 'serve.db');
    const { child, url, output } = await start(['serve', '--port', '0', '--host', '127.0.0.1', '--db', db]);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (const path of [
      '/metrics',
      '/healthz',
      '/readyz',
      '/events (POST)',
      '/dashboard (web)',
      '/metrics/dashboard',
    ]) {
      expect(output()).toContain(`${url}${path}`);
    }
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const d = await run(['dashboard', '--url', url, '--json']);
    expect(d.code, d.stderr).toBe(0);
    expect((JSON.parse(d.stdout) as Dashboard).totals.calls.value).toBe(0);
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    // The store file is where --db put it, and readable once the server is gone.
    const h = await run(['health', '--db', db, '--json']);
    expect(h.code, h.stderr).toBe(0);
  });

  it('every config key is a flag: --section.key VALUE, --section.key (true), --no-section.key', async () => {
    const { child, url } = await start([
      'serve',
      '--port',
      '0',
      '--db',
      join(tmp.dir, 'flags.db'),
      '--metrics.path',
      '/m',
      '--packs.calls',
      '--no-metrics.gzip',
      '--labels.trunks=trunk-a,trunk-b',
    ]);
    const res = await fetch(`${url}/m`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBeNull();
    const text = await res.text();
    expect(text).toContain('trunk="trunk-b"');
    expect((await fetch(`${url}/metrics`)).status).toBe(404);
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    // A key that does not exist is a usage error naming it, not silently ignored.
    const bad = await run(['serve', '--port', '0', '--metrics.pth', '/m']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown flag --metrics.pth');
  });

  it('demo --backfill 2h writes two hours of history in the background; the banner prints commands that work', async () => {
    const db = join(tmp.dir, 'backfill.db');
    const { child, url, output } = await start(['demo', '--port', '0', '--db', db, '--backfill', '2h']);
    await untilBackfilled({ child, output }, 45_000);
    const hourly = await run(['hourly', '--url', url, '--json', '--hours', '4']);
    const series = (JSON.parse(hourly.stdout) as { series: Array<{ total: number }> }).series;
    // Two hours of calls (about 0.45 a second at rate 1), and nothing in the hour before they start.
    expect(series).toHaveLength(4);
    expect(series[0]?.total).toBe(0);
    expect(series.reduce((n, p) => n + p.total, 0)).toBeGreaterThan(2000);
    // The banner's suggestions, run as printed (without npx: the same bin).
    const tries = [...output().matchAll(/npx sidetone (\S+) --url (\S+)/g)];
    expect(tries.map((m) => m[1])).toEqual(['trunks', 'failures', 'health']);
    for (const m of tries) {
      const r = await run([m[1] as string, '--url', m[2] as string]);
      expect([0, 1], `${m[1]}: ${r.stderr}`).toContain(r.code); // health: 1 while not ready
      expect(r.stdout.length).toBeGreaterThan(0);
    }
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    expect(backfillHours('24h')).toBe(24);
    expect(backfillHours('7d')).toBe(168);
    expect(backfillHours('90m')).toBe(2);
    expect(() => backfillHours('soon')).toThrow(/--backfill expects a duration such as 24h/);
  }, 60_000);

  it('demo --backfill 2h: the modem history carries the simulated times, not the wall clock (issue 47)', async () => {
    const db = join(tmp.dir, 'backfill-modem.db');
    const startedAt = Date.now();
    const { child, url, output } = await start(['demo', '--port', '0', '--db', db, '--backfill', '2h']);
    await untilBackfilled({ child, output }, 45_000);
    const r = await run(['modem', '--url', url, '--json', '--hours', '3']);
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    const view = (JSON.parse(r.stdout) as ModemHistory).modems[0];
    // A look per 10-minute step of the backfill: the two hours are there, from their start.
    expect(view?.samples).toBeGreaterThanOrEqual(12);
    expect(view?.firstAt).toBeLessThanOrEqual(startedAt - 100 * 60_000);
    // Reconnects land where they were simulated (the demo has one every ~20 min), not all in the
    // seconds after the start: was every sample stamped after startedAt, a storm of them at once.
    const reconnects = (view?.timeline ?? []).filter((e) => e.change === 'reconnected');
    expect(reconnects.length).toBeGreaterThan(0);
    const early = reconnects.filter((e) => e.at < startedAt - 30 * 60_000);
    expect(early.length, JSON.stringify(reconnects)).toBeGreaterThan(0);
    for (const e of reconnects) expect(e.count ?? 1).toBeLessThanOrEqual(3);
  }, 60_000);

  it('status names the version behind tokens and with compat_healthz (was "sidetone ?")', async () => {
    const token = 'status-test-token-0123456789';
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as {
      version: string;
    };
    const { child, url } = await start(['serve', '--port', '0', '--db', join(tmp.dir, 'status.db')], {
      SIDETONE_AUTH_SCRAPE_TOKENS: token,
      SIDETONE_HEALTH_PROTECT: 'true',
      SIDETONE_HEALTH_COMPAT_HEALTHZ: 'true',
    });
    const r = await run(['status', '--url', url, '--token', token]);
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toContain(`sidetone ${version} at ${url}`);
  }, 30_000);

  it('a port in use exits 1 naming it', async () => {
    const { child, url } = await start(['serve', '--port', '0', '--db', join(tmp.dir, 'a.db')]);
    const port = new URL(url).port;
    const r = await run(['serve', '--port', port, '--db', join(tmp.dir, 'b.db')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`port ${port} on 127.0.0.1 is in use`);
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  });

  // The tests' own start helper: a sidecar on a port another sidecar holds must not pass for
  // started because the other answers there (two tests handed one free port; the fleet flake).
  it("startCli does not take another sidecar's answer for its own", async () => {
    const { child, url } = await start(['serve', '--port', '0', '--db', join(tmp.dir, 'c.db')]);
    const port = new URL(url).port;
    await expect(startCli(['serve', '--port', port, '--db', join(tmp.dir, 'd.db')], url)).rejects.toThrow(
      new RegExp(`exited 1:[\\s\\S]*port ${port} on 127\\.0\\.0\\.1 is in use`),
    );
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  });
});

describe('demo', () => {
  it('feeds simulated traffic that read verbs then see', async () => {
    const db = join(tmp.dir, 'demo.db');
    const { child, url, output } = await start([
      'demo',
      '--port',
      '0',
      '--db',
      db,
      '--seed',
      '7',
      '--rate',
      '200',
    ]);
    expect(output()).toContain('demo (seed 7, 200 events/s)');
    let calls = 0;
    for (let i = 0; i < 50 && calls === 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const d = await run(['dashboard', '--url', url, '--json', '--hours', '1']);
      calls = (JSON.parse(d.stdout) as Dashboard).totals.calls.value;
    }
    expect(calls).toBeGreaterThan(0);
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  });
});
