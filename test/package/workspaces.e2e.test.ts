/**
 * The workspaces as a user gets them (issue 50): `npm pack` of each, then `npm install --offline`
 * of the tarballs into an empty project, as an app that wants only the registry, or the registry and
 * the telephony packs, would. @sidetone/metrics must come alone (1 package, no dependency, no install
 * script) and render the three formats so that promtool, prometheus_client and sidetone's protobuf
 * reader take them; @sidetone/telephony must bring no native module. Each README's example runs
 * from the installed package, and each package's runtime exports are checked in beside it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintExposition } from '../../src/lint/index.js';
import { MetricFamilyReader } from '../../src/lint/protobuf-schema.js';
import { promtoolCheck, unexpectedLint } from '../helpers/promtool.js';
import { pythonOpenMetrics } from '../helpers/python-openmetrics.js';

const root = new URL('../../', import.meta.url).pathname;
const WORKSPACES = ['metrics', 'telephony'] as const;
type Workspace = (typeof WORKSPACES)[number];
const manifest = (w: Workspace) =>
  JSON.parse(readFileSync(join(root, 'packages', w, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
    exports: Record<string, unknown>;
  };

function run(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    timeout: 5 * 60_000,
    env: { ...process.env, NO_COLOR: '1', npm_config_audit: 'false', npm_config_fund: 'false' },
  });
  return { status: r.status, stdout: r.stdout, out: `${r.stdout}${r.stderr}` };
}

/** Every installed package under `node_modules` (scoped ones included), by its path. */
function installed(project: string): string[] {
  const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, unknown>;
  };
  return Object.keys(lock.packages)
    .filter((k) => k !== '')
    .sort();
}

/** Files under `dir` whose name matches `re`, relative to it. */
function filesMatching(dir: string, re: RegExp): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter(
    (f) => re.test(f.split('/').pop() ?? '') && statSync(join(dir, f)).isFile(),
  );
}

/** The first ```js block of a README. */
const example = (readme: string) => /^```js\n([\s\S]*?)^```/m.exec(readme)?.[1] ?? '';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-workspaces-'));
const tarballs = {} as Record<Workspace, string>;

/** An empty project with the given tarballs installed from disk, the network off. */
function project(name: string, packs: readonly Workspace[]) {
  const p = join(dir, name);
  mkdirSync(p);
  writeFileSync(
    join(p, 'package.json'),
    JSON.stringify({ name, version: '1.0.0', private: true, type: 'module' }, null, 2),
  );
  const install = run('npm', ['install', '--offline', ...packs.map((w) => tarballs[w])], p);
  return { path: p, install };
}

beforeAll(() => {
  for (const w of WORKSPACES) {
    // From outside the checkout (cwd: the temporary folder), so npm reads and writes nothing of
    // the checkout's node_modules; the build is `npm test`'s (no prepare script runs).
    const pack = run('npm', ['pack', join(root, 'packages', w), '--pack-destination', dir, '--json'], dir);
    expect(pack.status, pack.out).toBe(0);
    const [info] = JSON.parse(pack.stdout) as [{ filename: string; files: { path: string }[] }];
    tarballs[w] = join(dir, info.filename);
    // What the tarball holds: the build and the README, nothing of the checkout besides.
    expect(info.files.map((f) => f.path.split('/')[0]).filter((f, i, a) => a.indexOf(f) === i)).toEqual(
      expect.arrayContaining(['README.md', 'dist', 'package.json']),
    );
    expect(
      info.files.filter((f) => !/^(README\.md|package\.json|dist\/.*\.(js|d\.ts))$/.test(f.path)),
    ).toEqual([]);
  }
}, 5 * 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('@sidetone/metrics from its tarball, offline', () => {
  let p: ReturnType<typeof project>;
  beforeAll(() => {
    p = project('try-metrics', ['metrics']);
  }, 5 * 60_000);

  it('installs 1 package with 0 dependencies and no install script', () => {
    expect(p.install.status, p.install.out).toBe(0);
    expect(installed(p.path)).toEqual(['node_modules/@sidetone/metrics']);
    const pkg = JSON.parse(
      readFileSync(join(p.path, 'node_modules/@sidetone/metrics/package.json'), 'utf8'),
    ) as Record<string, unknown>;
    for (const key of ['dependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies'])
      expect(pkg[key], key).toBeUndefined();
    const scripts = (pkg.scripts ?? {}) as Record<string, string>;
    expect(Object.keys(scripts).filter((s) => /^(pre|post)?install$|^prepare$/.test(s))).toEqual([]);
    expect(filesMatching(join(p.path, 'node_modules'), /^binding\.gyp$|\.node$/)).toEqual([]);
  });

  it("runs the README's example: text, OpenMetrics and protobuf that promtool and the strict parsers take", () => {
    const readme = readFileSync(join(p.path, 'node_modules/@sidetone/metrics/README.md'), 'utf8');
    writeFileSync(join(p.path, 'example.mjs'), example(readme));
    const r = run(process.execPath, ['example.mjs'], p.path);
    expect(r.status, r.out).toBe(0);
    expect(r.stdout.trim()).toBe('openmetrics application/openmetrics-text; version=1.0.0; charset=utf-8');

    const text = readFileSync(join(p.path, 'metrics.txt'), 'utf8');
    expect(text).toMatch(/^pbx_invites_total\{direction="inbound",class="4xx"\} 1$/m);
    const checked = promtoolCheck(text);
    expect(checked, text).toEqual({ status: 0, output: '' });

    const om = readFileSync(join(p.path, 'metrics.om.txt'), 'utf8');
    expect(om.endsWith('# EOF\n')).toBe(true);
    // promtool parses OpenMetrics (exit 1 would be a parse error) but lints it as text, where a
    // counter's HELP names `pbx_invites_total`, not the OpenMetrics family `pbx_invites`.
    const omChecked = promtoolCheck(om);
    expect(omChecked.status, om).not.toBe(1);
    expect(
      unexpectedLint(omChecked.output).filter((l) => l !== 'pbx_invites_total no help text'),
      om,
    ).toEqual([]);
    expect(pythonOpenMetrics([om])).toEqual([null]);
    expect(lintExposition(om, 'openmetrics').valid).toBe(true);

    const pb = new Uint8Array(readFileSync(join(p.path, 'metrics.pb')));
    const report = lintExposition(pb, 'protobuf');
    expect(report.findings.filter((f) => f.kind === 'format' || f.kind === 'duplicate')).toEqual([]);
    expect(report.valid).toBe(true);
    const reader = protobuf.Reader.create(pb);
    const families: Record<string, { histogram?: { schema?: number; positiveDelta?: unknown[] } }[]> = {};
    while (reader.pos < reader.len) {
      const f = MetricFamilyReader.toObject(MetricFamilyReader.decodeDelimited(reader), {
        longs: Number,
      }) as {
        name: string;
        metric: { histogram?: { schema?: number; positiveDelta?: unknown[] } }[];
      };
      families[f.name] = f.metric;
    }
    expect(Object.keys(families)).toEqual(
      expect.arrayContaining(['pbx_invites_total', 'pbx_post_dial_delay_seconds']),
    );
    // The native buckets, which only the protobuf format carries.
    expect(families.pbx_post_dial_delay_seconds?.[0]?.histogram).toMatchObject({
      schema: 3,
      positiveDelta: [1],
    });
  });

  it('exports what exports.snapshot.txt lists, through its exports map', async () => {
    await expect(exportsOf(p.path, manifest('metrics'))).toMatchFileSnapshot(
      '../../packages/metrics/exports.snapshot.txt',
    );
  });
});

describe('@sidetone/telephony from its tarball, offline', () => {
  let p: ReturnType<typeof project>;
  beforeAll(() => {
    p = project('try-telephony', ['metrics', 'telephony']);
  }, 5 * 60_000);

  it('installs with @sidetone/metrics and zod only, and no native module', () => {
    expect(p.install.status, p.install.out).toBe(0);
    expect(installed(p.path)).toEqual([
      'node_modules/@sidetone/metrics',
      'node_modules/@sidetone/telephony',
      'node_modules/zod',
    ]);
    expect(filesMatching(join(p.path, 'node_modules'), /^binding\.gyp$|\.node$/)).toEqual([]);
  });

  it("runs the README's example, on one Registry class and one error hierarchy shared with @sidetone/metrics", () => {
    const readme = readFileSync(join(p.path, 'node_modules/@sidetone/telephony/README.md'), 'utf8');
    writeFileSync(join(p.path, 'example.mjs'), example(readme));
    const r = run(process.execPath, ['example.mjs'], p.path);
    expect(r.status, r.out).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([
      'sidetone_sms_delivery_reports_total{outcome="failed"} 1',
      'sidetone_modem_signal_rssi_dbm{modem="modem0"} -77',
    ]);

    // A pack's option error is @sidetone/metrics' SidetoneError: telephony ships no copy of it.
    writeFileSync(
      join(p.path, 'errors.mjs'),
      [
        "import { Registry } from '@sidetone/metrics';",
        "import { SidetoneError } from '@sidetone/metrics/errors';",
        "import { instrument } from '@sidetone/telephony';",
        "import { EventBus } from '@sidetone/telephony/events';",
        'try {',
        '  instrument(new EventBus(), new Registry(), { maxTracked: 0 });',
        '} catch (e) {',
        '  console.log(e instanceof SidetoneError, e.code);',
        '}',
      ].join('\n'),
    );
    const e = run(process.execPath, ['errors.mjs'], p.path);
    expect(e.stdout.trim(), e.out).toBe('true ST_INVALID_OPTION');
  });

  it('type-checks an app against the installed declarations (NodeNext)', () => {
    writeFileSync(
      join(p.path, 'app.ts'),
      [
        "import { Registry } from '@sidetone/metrics';",
        "import { instrument } from '@sidetone/telephony';",
        "import { EventBus, type SidetoneEvent } from '@sidetone/telephony/events';",
        "import { HealthRegistry } from '@sidetone/telephony/health';",
        'const registry = new Registry();',
        'const bus = new EventBus({ registry });',
        'const t = instrument(bus, registry, { packs: { sip: true } });',
        "t.sip?.inviteResult('inbound', 486);",
        "const e: SidetoneEvent = { type: 'modem.signal', csq: { rssi: 18, ber: 99 } };",
        'bus.emit(e);',
        'void new HealthRegistry();',
        // Types that came through @sidetone/metrics/internal/* are real, not `any`:
        '// @ts-expect-error a number is no Registry',
        'instrument(bus, 42);',
        "// @ts-expect-error 'nope' is no event type",
        "bus.emit({ type: 'nope' });",
      ].join('\n'),
    );
    const tsc = run(
      process.execPath,
      [
        join(root, 'node_modules/typescript/bin/tsc'),
        '--noEmit',
        '--strict',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        // zod's declarations are not checked (60-110 s at load 14 with them). An import of ours
        // that resolved to nothing would be `any`, so the probes' expected errors would not come.
        '--skipLibCheck',
        '--types',
        'node',
        '--typeRoots',
        join(root, 'node_modules/@types'),
        'app.ts',
      ],
      p.path,
    );
    expect(tsc.out).toBe('');
    expect(tsc.status).toBe(0);
  }, 180_000);

  it('exports what exports.snapshot.txt lists, through its exports map', async () => {
    await expect(exportsOf(p.path, manifest('telephony'))).toMatchFileSnapshot(
      '../../packages/telephony/exports.snapshot.txt',
    );
  });
});

/** Each public subpath's runtime exports, imported by name from the installed package. */
function exportsOf(project: string, pkg: ReturnType<typeof manifest>): string {
  const subpaths = Object.keys(pkg.exports).filter((s) => !s.includes('*') && !s.endsWith('.json'));
  const script = `
    const out = [];
    for (const sub of ${JSON.stringify(subpaths)}) {
      const names = Object.keys(await import(${JSON.stringify(pkg.name)} + sub.slice(1))).sort();
      out.push(sub + ' (' + names.length + ')', ...names.map((n) => '  ' + n));
    }
    console.log(out.join('\\n'));`;
  const r = run(process.execPath, ['--input-type=module', '-e', script], project);
  expect(r.status, r.out).toBe(0);
  return `${pkg.name}@${pkg.version}\n${r.stdout}`;
}
