import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { EventBus } from '../../src/events/bus.js';
import { Registry } from '../../src/metrics/index.js';
import { startDemo } from '../../src/server/demo.js';
import { sourcePack } from '../../src/telephony/packs/source.js';

describe('the demo while it backfills in the background', () => {
  it('says its source is alive now, not only at the history stamps (SidetoneSourceSilent stays quiet)', async () => {
    const registry = new Registry();
    const bus = new EventBus({ registry });
    sourcePack(registry).subscribe(bus);
    const config = loadConfig({ env: {} });
    const ages: number[] = [];
    let steps = 0;
    const demo = startDemo(
      { ...config.demo, backfill_hours: 1 },
      {
        bus,
        registry,
        labels: { trunks: ['trunk-a'], queues: ['support'] },
        flush: async () => {
          steps++;
        },
        onBackfill: () => {
          const m = /^sidetone_source_heartbeat_age_seconds (\S+)$/m.exec(registry.render());
          ages.push(Number(m?.[1]));
        },
      },
    );
    await demo.live;
    await demo.stop();
    // Six 10-minute steps; after each, the age is seconds, not the ~50 min of the first step's stamps.
    expect(steps).toBe(6);
    expect(ages).toHaveLength(6);
    for (const age of ages) expect(age).toBeLessThan(120);
  });
});
