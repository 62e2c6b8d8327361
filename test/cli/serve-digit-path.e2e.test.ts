/**
 * `serve` with its store in a directory whose name holds a long run of digits, as Go's t.TempDir()
 * makes them (`/tmp/TestServe3857293847/001`): the disk metrics' `path` label is the operator's
 * configuration, not a phone number, so the sidecar starts and reports that filesystem. The guard
 * still refuses the same text as an enum value of any other label.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DefinitionError } from '../../src/errors.js';
import { Registry } from '../../src/metrics/index.js';
import { BIN, tempDir } from './helpers.js';

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
    child = spawn(
      process.execPath,
      [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--db', join(dir, 'st.db')],
      {
        env: { ...process.env, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      const onData = (d: Buffer) => {
        out += String(d);
        const m = / on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m?.[1]) resolve(m[1]);
      };
      child?.stdout?.on('data', onData);
      child?.stderr?.on('data', onData);
      child?.once('exit', (code) => reject(new Error(`serve exited ${code} at start:\n${out}`)));
    });
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
