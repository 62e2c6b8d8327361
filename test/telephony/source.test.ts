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

  it('a heartbeat stamped ahead of its arrival counts from its arrival, and is counted (issue 47)', async () => {
    const { bus, registry, clock } = setup();
    // One heartbeat an hour ahead (a source whose clock runs fast), then the source goes quiet.
    bus.emit({ type: 'heartbeat', ts: T0 + 3_600_000 });
    clock.now = T0 + 120_000;
    let text = await registry.metrics();
    // Before: 0 for the whole hour, so SidetoneSourceSilent could not fire. Now: 120 s of silence.
    expect(sample(text, 'sidetone_source_heartbeat_age_seconds')).toBe(120);
    expect(sample(text, 'sidetone_source_heartbeats_future_total')).toBe(1);
    // Within the skew allowance (5 s) a stamp is not counted, and still never ahead of arrival.
    bus.emit({ type: 'heartbeat', ts: clock.now + 4000 });
    clock.now += 1000;
    text = await registry.metrics();
    expect(sample(text, 'sidetone_source_heartbeat_age_seconds')).toBe(1);
    expect(sample(text, 'sidetone_source_heartbeats_future_total')).toBe(1);
    expect(sample(text, 'sidetone_source_heartbeats_total')).toBe(2);
  });
});
