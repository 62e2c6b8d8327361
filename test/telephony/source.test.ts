import { describe, expect, it } from 'vitest';
import { FIXTURES } from './fixtures.js';
import { expectNoPii, expectSeries, sample, setup, T0 } from './helpers.js';

describe('source pack (heartbeats)', () => {
  it('counts heartbeats and exposes the age of the last one at scrape, absent before any', async () => {
    const { emit, registry, clock, telephony } = setup();
    expect(sample(await registry.metrics(), 'sidetone_source_heartbeat_age_seconds')).toBeUndefined();
    emit(FIXTURES.source);
    const text = await registry.metrics();
    expectSeries(text, 'source', [
      'sidetone_source_heartbeats_total 1',
      'sidetone_source_heartbeat_age_seconds 5',
    ]);
    expectNoPii(text);
    clock.now = T0 + 60_000;
    expect(sample(await registry.metrics(), 'sidetone_source_heartbeat_age_seconds')).toBe(65);
    telephony.source.heartbeat();
    expect(sample(await registry.metrics(), 'sidetone_source_heartbeat_age_seconds')).toBe(0);
  });

  it('a late heartbeat with an older ts does not make the age jump back', async () => {
    const { bus, registry } = setup();
    bus.emit({ type: 'heartbeat', ts: T0 - 1000 });
    bus.emit({ type: 'heartbeat', ts: T0 - 9000 });
    expect(sample(await registry.metrics(), 'sidetone_source_heartbeat_age_seconds')).toBe(1);
  });
});
