import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/prometheus.js';
import { timeFactor } from '../setup/time-factor.js';

/**
 * The documented install, as a new user runs it: `npm pack` in the checkout, then `npm i -g` of the
 * file it wrote, here into a temporary prefix. Dependencies come from the npm registry (the only
 * one reachable) and better-sqlite3's native module is built on the spot. The installed `sidetone`
 * must answer --version, run a demo that turns ready, and report health; the systemd unit's
 * ExecStart must find it on PATH.
 */
const root = new URL('../../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
};
const TARBALL = `sidetone-${pkg.version}.tgz`;

/**
 * Run a command to its end; `out` is everything needed to see why it failed: its output, and when
 * it did not exit 0, how it ended (a deadline's SIGTERM makes npm exit 1 saying almost nothing), how
 * long it ran, the machine's load, and the end of npm's own debug log when `logs` holds one (npm
 * keeps 10 logs for every npm run on the machine, so the one its error names was often gone).
 */
function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  cwd = root,
  o: { timeoutMs?: number; logs?: string } = {},
) {
  const started = performance.now();
  const r = spawnSync(cmd, args, {
    cwd,
    env,
    encoding: 'utf8',
    timeout: (o.timeoutMs ?? 15 * 60_000) * timeFactor(),
    maxBuffer: 64 * 1024 * 1024,
  });
  let out = `${r.stdout}${r.stderr}`;
  if (r.status !== 0) {
    const seconds = Math.round((performance.now() - started) / 1000);
    out += `\n[${cmd} ${args.join(' ')}: status ${r.status}, signal ${r.signal}, ${r.error?.message ?? 'no spawn error'}, after ${seconds} s at load ${loadavg()[0]}]`;
    const logs = o.logs !== undefined && existsSync(o.logs) ? readdirSync(o.logs).sort() : [];
    const last = logs.at(-1);
    if (o.logs !== undefined && last !== undefined)
      out += `\n[the end of ${last}]\n${readFileSync(join(o.logs, last), 'utf8').split('\n').slice(-80).join('\n')}`;
  }
  return { status: r.status, out };
}

describe(`npm pack, then npm i -g ./${TARBALL}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sidetone-install-'));
  const prefix = join(dir, 'prefix');
  const bin = join(prefix, 'bin');
  // PATH as a login shell or systemd would have it, with the prefix's bin first.
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, NO_COLOR: '1' };
  let demo: ChildProcess | undefined;
  /** The demo of the test below, which the read verbs then read. */
  let demoUrl: string | undefined;

  beforeAll(
    () => {
      // `npm test` built dist/ already; --ignore-scripts skips `prepare` (the same build) so that
      // dist/ is not rewritten under the tests running beside this one.
      const pack = run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir]);
      expect(pack.status, pack.out).toBe(0);
      expect(existsSync(join(dir, TARBALL))).toBe(true);
      // better-sqlite3's install fetches its prebuilt binary from GitHub, as it does for a user; with
      // no network here it compiled from source instead: 828 s on an idle machine and over 30 min at
      // load 14, past this command's deadline (15 min then), whose SIGTERM made npm exit 1 with nothing
      // said. The binary it would download is the one the checkout's install holds (this Node's ABI,
      // this platform): offered as its local prebuild (prebuild-install's `local_prebuilds`).
      const prebuilds = join(dir, 'prebuilds');
      const sqlite = JSON.parse(
        readFileSync(join(root, 'node_modules/better-sqlite3/package.json'), 'utf8'),
      ) as {
        version: string;
      };
      mkdirSync(prebuilds);
      const tar = run('tar', [
        '-czf',
        join(
          prebuilds,
          `better-sqlite3-v${sqlite.version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`,
        ),
        '-C',
        join(root, 'node_modules/better-sqlite3'),
        'build/Release/better_sqlite3.node',
      ]);
      expect(tar.status, tar.out).toBe(0);
      const logs = join(dir, 'npm-logs');
      const npmI = () =>
        run(
          'npm',
          ['i', '-g', '--prefix', prefix, '--logs-dir', logs, `./${TARBALL}`],
          { ...process.env, npm_config_better_sqlite3_local_prebuilds: prebuilds },
          dir,
          { timeoutMs: 6 * 60_000, logs },
        );
      // A second try after a deadline: npm 11.19.1 once sat idle for over 12 min at "fetch manifest
      // sidetone@file:../../sidetone-0.1.0.tgz", no file or socket open, its event loop empty (issue
      // 48, run 41), where the install takes under a minute; whatever ended the first is printed.
      let install = npmI();
      if (install.status !== 0 && /ETIMEDOUT/.test(install.out)) {
        const first = install.out;
        install = npmI();
        install.out = `${install.out}\n[after a first try that hit its deadline:]\n${first}`;
        console.warn(`npm i hit its deadline once, then ended with status ${install.status}`);
      }
      expect(install.status, install.out).toBe(0);
    },
    20 * 60_000 * timeFactor(),
  );

  afterAll(async () => {
    if (demo !== undefined && demo.exitCode === null) {
      const exited = new Promise((r) => demo?.once('exit', r));
      demo.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('installs a sidetone that answers --version, with its native modules', () => {
    expect(existsSync(join(bin, 'sidetone'))).toBe(true);
    const v = run('sidetone', ['--version'], env, dir);
    expect(v.status, v.out).toBe(0);
    expect(v.out.trim()).toBe(pkg.version);
    const lib = join(prefix, 'lib', 'node_modules', 'sidetone');
    expect(
      existsSync(join(lib, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')),
    ).toBe(true);
  });

  it('depends on @sidetone/metrics and @sidetone/telephony, bundled, and shares their classes', () => {
    const lib = join(prefix, 'lib', 'node_modules', 'sidetone');
    for (const w of ['metrics', 'telephony']) {
      const installed = JSON.parse(
        readFileSync(join(lib, 'node_modules', '@sidetone', w, 'package.json'), 'utf8'),
      ) as { version: string };
      expect(installed.version, w).toBe(pkg.dependencies[`@sidetone/${w}`]);
    }
    // The library's subpaths re-export the workspaces' modules: one Registry class, one pack
    // instrumenter, whichever name an app imports them by (from inside the installed package, as
    // its own code resolves them).
    const same = run(
      'node',
      [
        '--input-type=module',
        '-e',
        `const [a, b, t, u] = await Promise.all(['sidetone/metrics', '@sidetone/metrics', 'sidetone/telephony', '@sidetone/telephony'].map((m) => import(m)));
         console.log(JSON.stringify([a.Registry === b.Registry, t.instrument === u.instrument, typeof a.Registry]));`,
      ],
      env,
      lib,
    );
    expect(same.status, same.out).toBe(0);
    expect(JSON.parse(same.out.trim().split('\n').at(-1) ?? '')).toEqual([true, true, 'function']);
  });

  it("the systemd unit's ExecStart finds the installed command", () => {
    const unit = readFileSync(
      join(prefix, 'lib', 'node_modules', 'sidetone', 'deploy', 'systemd', 'sidetone.service'),
      'utf8',
    );
    expect(unit).toBe(readFileSync(join(root, 'deploy', 'systemd', 'sidetone.service'), 'utf8'));
    const exec = /^ExecStart=(\S+) (\S+) serve --config \S+$/m.exec(unit);
    expect(exec?.slice(1)).toEqual(['/usr/bin/env', 'sidetone']);
    const v = run(exec?.[1] as string, [exec?.[2] as string, '--version'], env, dir);
    expect(v.out.trim()).toBe(pkg.version);
  });

  it('runs `sidetone demo` until ready, and `sidetone health` reads it', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    demoUrl = url;
    demo = spawn('sidetone', ['demo', '--port', String(port), '--db', join(dir, 'demo.db')], {
      cwd: dir,
      env,
    });
    let out = '';
    demo.stdout?.on('data', (d) => {
      out += String(d);
    });
    demo.stderr?.on('data', (d) => {
      out += String(d);
    });
    let ready = 0;
    for (const end = Date.now() + 60_000; ready !== 200 && Date.now() < end; ) {
      ready = await fetch(`${url}/readyz`).then(
        (r) => r.status,
        () => 0,
      );
      if (ready !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(ready, out).toBe(200);
    // Outside the checkout the banner names the installed command, never `npx sidetone` (which
    // would fetch whatever the registry holds under the name).
    expect(out).toContain(`sidetone health --url ${url}`);
    expect(out).not.toContain('npx ');
    const h = run('sidetone', ['health', '--url', url], env, dir);
    expect(h.out).toMatch(/^Readiness\s+ready$/m);
    expect(h.status, h.out).toBe(0);
    // The console's static files ship in the tarball (assets/console).
    for (const path of ['/dashboard', '/dashboard/console.js', '/dashboard/console.css'])
      expect((await fetch(`${url}${path}`)).status, path).toBe(200);
  }, 90_000);

  it(
    'every read verb answers from the installed package, against the demo',
    () => {
      // `call` needs an id the traffic has not given yet, `cluster` a NATS server: the CLI's own tests
      // (test/cli) cover both; here the installed command and what it loads are under test.
      const url = demoUrl as string;
      const failed: string[] = [];
      for (const verb of [
        'dashboard',
        'trunks',
        'sms',
        'modem',
        'failures',
        'export',
        'hourly',
        'daily',
        'metrics',
        'status',
        'test',
      ]) {
        const r = run('sidetone', [verb, '--url', url], env, dir);
        if (r.status !== 0 || r.out.trim() === '')
          failed.push(`${verb}: status ${r.status}\n${r.out.slice(0, 400)}`);
      }
      expect(failed).toEqual([]);
    },
    120_000 * timeFactor(),
  );

  it(
    'runs `sidetone serve` until ready on a store of its own',
    async () => {
      const port = await freePort();
      const serve = spawn('sidetone', ['serve', '--port', String(port), '--db', join(dir, 'serve.db')], {
        cwd: dir,
        env,
      });
      let out = '';
      serve.stdout?.on('data', (d) => {
        out += String(d);
      });
      serve.stderr?.on('data', (d) => {
        out += String(d);
      });
      const exited = new Promise((r) => serve.once('exit', r));
      try {
        let ready = 0;
        for (const end = Date.now() + 60_000 * timeFactor(); ready !== 200 && Date.now() < end; ) {
          ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
            (r) => r.status,
            () => 0,
          );
          if (ready !== 200) await new Promise((r) => setTimeout(r, 250));
        }
        expect(ready, out).toBe(200);
      } finally {
        serve.kill('SIGTERM');
        await exited;
      }
    },
    90_000 * timeFactor(),
  );

  it(
    'ships the clients: `pip install ./clients/python` from the installed package works offline',
    () => {
      const lib = join(prefix, 'lib', 'node_modules', 'sidetone');
      expect(existsSync(join(lib, 'clients', 'go', 'go.mod'))).toBe(true);
      // The README's command, run in the installed package (a Pi installed from the tarball has no
      // checkout), into a folder of its own rather than the machine's site-packages.
      const target = join(dir, 'py');
      const pip = run(
        'python3',
        ['-m', 'pip', 'install', '--no-index', '--target', target, './clients/python'],
        { ...env, PIP_DISABLE_PIP_VERSION_CHECK: '1' },
        lib,
      );
      expect(pip.status, pip.out).toBe(0);
      const imported = run(
        'python3',
        ['-c', 'import sidetone; print(sidetone.__name__)'],
        { ...env, PYTHONPATH: target },
        dir,
      );
      expect(imported.out.trim(), imported.out).toBe('sidetone');
      // pip builds the wheel: 50 s at load 17, past vitest's default 30 s.
    },
    120_000 * timeFactor(),
  );
});

describe('the install the docs give', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const deploy = readFileSync(join(root, 'docs', 'deploy.md'), 'utf8');

  it(`installs ./${TARBALL} from npm pack, says when npm i -g sidetone applies, and never suggests npx outside the checkout`, () => {
    for (const doc of [readme, deploy]) {
      expect(doc).toContain(`npm i -g ./${TARBALL}`);
      expect(doc).toMatch(/`npm i -g sidetone` applies\s+once a release is published/);
      expect(doc).not.toMatch(/npx sidetone/);
      // The only `npm i -g sidetone` is the one that says it waits for a release.
      expect(doc.match(/npm i(nstall)? -g sidetone\b/g)).toHaveLength(1);
    }
    expect(deploy).toContain('ExecStart=/usr/bin/env sidetone serve');
    const block = /`\/etc\/systemd\/system\/sidetone.service`:\n\n```ini\n([\s\S]*?)```/.exec(deploy);
    expect(block?.[1]).toBe(readFileSync(join(root, 'deploy', 'systemd', 'sidetone.service'), 'utf8'));
  });

  it('the README still starts with `npm ci && npm start` and `npm test`', () => {
    const first = /^```sh\n([\s\S]*?)```/m.exec(readme)?.[1]?.split('\n') ?? [];
    expect(first[0]).toMatch(/^npm ci && npm start\s+#/);
    expect(first[1]).toMatch(/^npm test\s+#/);
  });
});
