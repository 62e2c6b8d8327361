/** The command line itself: help, unknown verbs, bad flags, the exit-code contract, colour. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS as REGISTRY } from '../../src/cli/commands/index.js';
import { ANSI, run, seedStore, tempDir } from './helpers.js';

const VERBS = [
  'serve',
  'demo',
  'dashboard',
  'trunks',
  'sms',
  'modem',
  'failures',
  'export',
  'call',
  'cluster',
  'hourly',
  'daily',
  'health',
  'status',
  'metrics',
  'cleanup',
  'config',
  'test',
  'rules',
  'dashboards',
  'lint',
];

let tmp: ReturnType<typeof tempDir>;
let db: string;

beforeAll(async () => {
  tmp = tempDir();
  db = join(tmp.dir, 'calls.db');
  await seedStore(db);
});
afterAll(() => tmp.remove());

describe('help', () => {
  it('the registry has exactly the documented verbs', () => {
    expect(REGISTRY.map((c) => c.name)).toEqual(VERBS);
  });

  it.each(VERBS)('%s --help exits 0 with its usage and flags on stdout', async (verb) => {
    const r = await run([verb, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: sidetone ${verb}\\b`));
    expect(r.stdout).toContain('-h, --help');
    expect(r.stderr).toBe('');
  });

  it('--help wins over a bad flag next to it; `help VERB` and -h work too', async () => {
    expect((await run(['export', '--format', 'xml', '--help'])).code).toBe(0);
    const h = await run(['help', 'failures']);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/^Usage: sidetone failures/);
    expect((await run(['hourly', '-h'])).stdout).toMatch(/^Usage: sidetone hourly/);
  });

  it('sidetone --help lists every verb and the exit codes', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const verb of VERBS) expect(r.stdout).toMatch(new RegExp(`^  ${verb}\\s`, 'm'));
    expect(r.stdout).toContain('Exit codes: 0 success, 1 error');
  });

  it('--version prints the package version', async () => {
    const r = await run(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('usage errors exit 2 with usage on stderr', () => {
  it('no verb at all', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: sidetone <verb>');
    expect(r.stdout).toBe('');
  });

  it('an unknown verb, with a suggestion', async () => {
    const r = await run(['dashbord', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^sidetone: unknown verb "dashbord" \(did you mean dashboard\?\)/);
    expect(r.stderr).toContain('Usage: sidetone <verb>');
    expect(r.stdout).toBe('');
  });

  it.each([
    [['dashboard', '--days', 'abc'], '--days expects an integer from 1 to 366, got "abc"'],
    [['export', '--format', 'xml'], '--format must be one of csv, json, got "xml"'],
    [['failures', '--limit', '0'], '--limit expects an integer from 1 to 1000, got "0"'],
    [['hourly', '--hours', '1.5'], '--hours expects an integer'],
    [['daily', '--dayz', '3'], 'unknown flag --dayz (did you mean --days?)'],
    [['dashboard', '--days'], '--days needs a value: --days N'],
    [['health', '--json=yes'], '--json is a switch and takes no value'],
    [['cleanup', 'now'], 'unexpected argument "now"'],
    [['serve', '--port', '70000'], '--port expects an integer from 0 to 65535, got "70000"'],
    [['demo', '--rate', '0'], '--rate expects a number from 0.01 to 1000, got "0"'],
    [['demo', '--seed', '-3'], '--seed needs a value'],
    [['config', 'show', 'x.toml'], 'unknown sub-verb "config show"'],
    [['config', 'check'], 'missing FILE'],
  ])('%j', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    const [first, usage] = r.stderr.split('\n');
    expect(first).toContain(`sidetone ${args[0]}: ${message}`);
    expect(usage).toMatch(new RegExp(`^Usage: sidetone ${args[0]}\\b`));
    expect(r.stdout).toBe('');
  });
});

describe('colour', () => {
  it('piped output has no ANSI escapes', async () => {
    const r = await run(['dashboard', '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(ANSI);
  });

  it('FORCE_COLOR turns colour on for a pipe, and NO_COLOR wins over it', async () => {
    const forced = await run(['failures', '--db', db], { FORCE_COLOR: '1' });
    expect(forced.stdout).toMatch(ANSI);
    const both = await run(['failures', '--db', db], { FORCE_COLOR: '1', NO_COLOR: '1' });
    expect(both.code).toBe(0);
    expect(both.stdout).not.toMatch(ANSI);
    expect(both.stdout.replace(/ +$/gm, '')).toBe(
      forced.stdout.replace(/\x1b\[[0-9;]*m/g, '').replace(/ +$/gm, ''),
    );
  });

  it('--json is never coloured', async () => {
    const r = await run(['hourly', '--db', db, '--json'], { FORCE_COLOR: '1' });
    expect(r.stdout).not.toMatch(ANSI);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
  });
});

describe('other errors exit 1 with one line', () => {
  it('an unknown SIDETONE_ variable is named by the config loader', async () => {
    const r = await run(['dashboard', '--db', db], { SIDETONE_STORE_PAHT: 'x.db' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('SIDETONE_STORE_PAHT');
    expect(r.stderr).toContain('SIDETONE_STORE_PATH');
  });

  it('a short --hash-key is refused with the store message, never echoed', async () => {
    const r = await run(['dashboard', '--db', db, '--hash-key', 'tiny-key']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('at least 16 characters');
    expect(r.stderr).not.toContain('tiny-key');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
