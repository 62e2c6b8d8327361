import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { openStore } from '../../src/server/store-from-config.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Open the SQLite store a configuration names; the log lines it wrote, parsed. */
async function opened(env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'sidetone-store-config-'));
  dirs.push(dir);
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  const config = loadConfig({ env });
  const { store } = await openStore(config, join(dir, 'calls.db'), 'store-config-test-key-0123', pino(sink));
  await store.close();
  return lines;
}

describe('openStore and the removed store thread keys (issue 49)', () => {
  it('warns once, naming them, when a configuration still sets them; says nothing otherwise', async () => {
    const given = await opened({ SIDETONE_STORE_WRITER_THREAD: 'true', SIDETONE_STORE_THREADS: 'always' });
    const warned = given.filter((l) => String(l.msg).startsWith('deprecated store keys set'));
    expect(warned).toEqual([
      expect.objectContaining({ level: 40, keys: 'store.threads, store.writer_thread' }),
    ]);
    const plain = await opened({});
    expect(plain.filter((l) => String(l.msg).startsWith('deprecated store keys set'))).toEqual([]);
  });
});
