/**
 * `serve` with its store in a directory whose name holds a long run of digits, as Go's t.TempDir()
 * makes them (`/tmp/TestServe3857293847/001`): the disk metrics' `path` label is the operator's
 * configuration, not a phone number, so the sidecar starts and reports that filesystem. The guard
 * still refuses the same text as an enum value of any other label.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DefinitionError } from '../../src/errors.js';
import { Registry } from '../../src/metrics/index.js';
import { startListening } from '../helpers/spawn.js';
import { tempDir } from './helpers.js';

const tmp = tempDir();
let child: ChildProcess | undefined;
afterAll(() => {
  if (child?.exitCode === null) child.kill('SIGKILL');
  tmp.remove();
});

describe('serve under a directory named with digits', () => {
  it('starts, is ready, and labels the disk metrics with the path', async () => {
    const dir = join(tmp.dir, 'TestServeDigits3857293847', '001');
    mkdirSync(dir, { recursive: true });
    const cli = await startListening([
      'serve',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--db',
      join(dir, 'st.db'),
    ]);
    child = cli.child;
    const url = cli.url;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(new RegExp(`^system_disk_free_bytes\\{path="${dir}"\\} \\d+`, 'm'));
  }, 30_000);

  it('the guard still refuses that text as an enum value of a label not marked as configured', () => {
    const r = new Registry();
    const value = '/tmp/TestServeDigits3857293847/001';
    expect(() =>
      r.gauge({ name: 'disk_bytes', help: 'x', labels: ['path'], enums: { path: [value] } }),
    ).toThrow(DefinitionError);
    expect(() =>
      r.gauge({
        name: 'dir_bytes',
        help: 'x',
        labels: ['path', 'owner'],
        enums: { path: [value], owner: ['+14155550123'] },
        configuredLabels: ['path'],
      }),
    ).toThrow(/label "owner"/);
    expect(() =>
      r.gauge({
        name: 'ok_bytes',
        help: 'x',
        labels: ['path'],
        enums: { path: [value] },
        configuredLabels: ['path'],
      }),
    ).not.toThrow();
  });
});
