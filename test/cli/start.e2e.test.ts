import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../helpers/spawn.js';

/**
 * `npm start` as a new user sees it: package.json's own start command (after its build), with a
 * free port instead of 9464, on a terminal (util-linux `script` gives it one) and on a pipe. Before
 * the URLs it used to print 99,810 per-call log lines (23 MB); now a few lines, the progress bar and
 * the backfill's summary.
 */
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  scripts: { start: string };
};
const START = /^node scripts\/build-if-stale\.mjs && node dist\/bin\/sidetone\.js (.+)$/.exec(
  pkg.scripts.start,
);
const SCRIPT = '/usr/bin/script';
/** Lines before the URLs, at most: log lines of the start, the bar, the summary and the header. */
const MAX_LINES = 8;

describe('npm start: a quiet first minute', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sidetone-start-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Run the start command in `dir` until it prints its URLs; everything it printed until then. */
  async function start(tty: boolean): Promise<string> {
    const args = [...(START?.[1] ?? '').split(' '), '--port', '0'];
    const cwd = mkdtempSync(join(dir, tty ? 'tty-' : 'pipe-'));
    const { child } = spawnCli(args, {}, { cwd, tty });
    let out = '';
    child.stdout?.on('data', (d) => {
      out += String(d);
    });
    child.stderr?.on('data', (d) => {
      out += String(d);
    });
    const exited = new Promise((r) => child.once('exit', r));
    const end = Date.now() + 120_000;
    while (!/stop with Ctrl-C/.test(out) && child.exitCode === null && Date.now() < end)
      await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGTERM');
    await exited;
    expect(out).toContain('stop with Ctrl-C');
    expect(existsSync(join(cwd, 'sidetone-demo.db'))).toBe(true);
    return out.replace(/\r\n/g, '\n');
  }

  /** Lines up to the first URL line; a progress bar redrawn with \r is the one line it ends as. */
  const untilUrls = (out: string) => {
    const lines = out.split('\n');
    return lines.slice(
      0,
      lines.findIndex((l) => /^metrics\s+http:\/\//.test(l)),
    );
  };

  it('package.json starts the demo with a 24 h backfill', () => {
    expect(START?.[1]).toMatch(/^demo .*--backfill 24h/);
  });

  it('builds only when a source is newer than the build (or there is none)', () => {
    const STALE = fileURLToPath(new URL('../../scripts/build-if-stale.mjs', import.meta.url));
    const root = mkdtempSync(join(dir, 'checkout-'));
    // A checkout whose `npm run build` only leaves a mark: what the script decides is under test.
    writeFileSync(
      join(root, 'package.json'),
      JSON.stringify({ scripts: { build: "node -e \"require('fs').appendFileSync('built', 'x')\"" } }),
    );
    mkdirSync(join(root, 'src/server'), { recursive: true });
    mkdirSync(join(root, 'dist/bin'), { recursive: true });
    const at = (path: string, s: number) => utimesSync(join(root, path), s, s);
    const run = () => {
      const r = spawnSync(process.execPath, [STALE, root], { cwd: root, encoding: 'utf8' });
      expect(r.status).toBe(0);
      return {
        out: r.stdout,
        builds: existsSync(join(root, 'built')) ? readFileSync(join(root, 'built'), 'utf8').length : 0,
      };
    };
    writeFileSync(join(root, 'src/server/a.ts'), '');
    // No build yet: it builds.
    expect(run()).toMatchObject({ builds: 1 });
    writeFileSync(join(root, 'dist/bin/sidetone.js'), '');
    for (const p of ['package.json', 'src/server/a.ts', 'src/server', 'src']) at(p, 1_000);
    at('dist/bin/sidetone.js', 2_000);
    expect(run()).toEqual({ out: 'build is up to date\n', builds: 1 });
    // One source edited after the build: it builds, and names why.
    at('src/server/a.ts', 3_000);
    const r = run();
    expect(r.builds).toBe(2);
    expect(r.out).toContain('newer than the build: src');
  });

  it.skipIf(!existsSync(SCRIPT))(
    'on a terminal: a progress bar, the summary, then the URLs, and no per-call line',
    async () => {
      const out = await start(true);
      const lines = untilUrls(out);
      console.log(`npm start on a terminal: ${lines.length} lines before the URLs`);
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.length).toBeLessThanOrEqual(MAX_LINES);
      const bar = lines.find((l) => l.includes('backfilling 24 h of simulated history'));
      expect(bar).toMatch(/100% {2}1,440\/1,440 min/);
      // The bar ends before the sidecar logs again: no log line drawn over (and erased by) it.
      expect(bar).not.toMatch(/INFO|WARN/);
      expect(lines.some((l) => /^\d\d:\d\d:\d\d INFO {2}sidetone listening /.test(l))).toBe(true);
      expect(
        lines.some((l) => /^backfilled 24 h of simulated history in [\d.]+ s: [\d,]+ calls, /.test(l)),
      ).toBe(true);
      expect(out).not.toMatch(/call (started|answered|ended|failed)/);
    },
    180_000,
  );

  it('on a pipe: the summary, then the URLs, and no per-call line', async () => {
    const out = await start(false);
    const lines = untilUrls(out);
    console.log(`npm start on a pipe: ${lines.length} lines before the URLs`);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(MAX_LINES);
    expect(lines.some((l) => l.startsWith('backfilled 24 h of simulated history in '))).toBe(true);
    expect(out).not.toMatch(/call (started|answered|ended|failed)/);
    // Its own listen address is shown, not masked as if it were a caller's data.
    expect(out).toMatch(/"url":"http:\/\/127\.0\.0\.1:\d+","msg":"sidetone http listening"/);
    expect(out).not.toContain('[redacted:url]');
  }, 180_000);
});
