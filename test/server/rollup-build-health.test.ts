/**
 * Readiness while a store builds the rollups it opened without (issue 51): ready (reads answer
 * from the records with the same numbers, ingest is untouched), with the non-critical
 * `store_rollups` check saying how far the build is, which the console's badge shows.
 */
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { EventBus } from '../../src/events/bus.js';
import { LoopSampler } from '../../src/health/loop-sampler.js';
import type { SidecarHealthParts } from '../../src/server/sidecar-health.js';
import { ROLLUPS_CHECK, sidecarHealth } from '../../src/server/sidecar-health.js';
import type { StoreSink } from '../../src/sinks/store-sink.js';

const health = (
  progress: { built: number; total: number } | undefined,
  ids?: { done: number; total: number; failed?: string },
) => {
  const sink = { state: () => ({ pending: 0, oldestMs: 0, error: undefined }) } as unknown as StoreSink;
  const store = {
    rollupBuild: () => progress,
    idRewrite: () => ids,
    writeStallMs: () => 0,
  } as unknown as SidecarHealthParts['store'];
  return sidecarHealth({
    config: configSchema().parse({}),
    demo: false,
    bus: new EventBus(),
    dbPath: tmpdir(),
    store,
    sink,
    probe: async () => {},
    modem: undefined,
    modemSource: () => undefined,
    loop: new LoopSampler(),
  }).health;
};

describe('readiness while the rollups are built in the background', () => {
  it('is ready, and its store_rollups check says how far the build is, then that it is done', async () => {
    const building = health({ built: 1200, total: 5000 });
    const r = await building.run();
    expect(r.checks[ROLLUPS_CHECK]).toMatchObject({
      status: 'pass',
      critical: false,
      detail: 'rollups building: 1,200 of 5,000 10-minute slots (24 %); reads take the rest from the records',
    });
    expect(r.checks.call_store?.status).toBe('pass');
    expect(r.ready).toBe(true);
    const done = health(undefined);
    const built = await done.run();
    expect(built.checks[ROLLUPS_CHECK]).toMatchObject({ status: 'pass', detail: 'rollups built' });
    for (const h of [building, done]) for (const n of h.names()) h.unregister(n);
  });

  it('is ready while the raw ids of an older store are hashed, and says how far that is once the rollups are built', async () => {
    const h = health(undefined, { done: 250_000, total: 1_000_000, failed: 'SQLITE_FULL' });
    const r = await h.run();
    expect(r.ready).toBe(true);
    expect(r.checks[ROLLUPS_CHECK]).toMatchObject({
      status: 'pass',
      detail:
        'ids hashing: 250,000 of 1,000,000 rows (25 %); reads show them hashed; the last slice failed (SQLITE_FULL), tried again',
    });
    // While both are left, the rollups go first and the detail is theirs.
    const both = health({ built: 1200, total: 5000 }, { done: 0, total: 10 });
    expect((await both.run()).checks[ROLLUPS_CHECK]?.detail).toMatch(/^rollups building: 1,200 of 5,000/);
    for (const x of [h, both]) for (const n of x.names()) x.unregister(n);
  });
});
