/**
 * The default `store.stuck_seconds` (10 s) as a new user gets it, on the sink's own clock figure: the
 * PostgreSQL fault test proves the wiring with a hung server and a 2 s threshold (waiting 10.5 s was
 * its whole length, issue 48); this proves the default threshold without waiting for it.
 */
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { storeCheck } from '../../src/server/store-health.js';
import type { StoreSink } from '../../src/sinks/store-sink.js';

const check = (oldestMs: number) => {
  const config = configSchema().parse({});
  const sink = { state: () => ({ pending: 200, oldestMs, error: undefined }) } as unknown as StoreSink;
  return storeCheck({
    name: 'call_store',
    sink,
    probe: async () => {},
    stallMs: 5_000,
    stuckMs: config.store.stuck_seconds * 1000,
  }).check();
};

describe('call_store readiness with the default stuck_seconds', () => {
  it('the default is 10 s: an update waiting 9.9 s passes, one waiting 10 s names the stuck store', async () => {
    expect(configSchema().parse({}).store.stuck_seconds).toBe(10);
    expect(await check(9_900)).toMatchObject({ status: 'pass' });
    expect(await check(10_000)).toEqual({
      status: 'fail',
      detail: 'store behind: oldest of 200 updates waiting for 10.0 s',
    });
  });
});
