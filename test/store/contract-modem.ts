/** Contract: the modem's history (issue 37): samples stored, read back in order, bounded, kept as calls. */
import { expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import type { ModemSample } from '../../src/store/types.js';
import { type ContractContext, T } from './contract-kit.js';

const sample = (at: number, over: Partial<ModemSample> = {}): ModemSample => ({
  modem: 'modem0',
  at,
  connected: true,
  registered: true,
  signalDbm: -71,
  rsrpDbm: -98.5,
  reconnects: 0,
  flapping: false,
  ...over,
});

export function modemContract(ctx: ContractContext): void {
  const open = ctx.open;
  it('modem samples come back oldest first, values and unknowns as written, across a reopen', async () => {
    const store = await open();
    const written = [
      sample(T),
      sample(T + 60_000, { signalDbm: -83, rsrpDbm: null }),
      // A state change between the minute samples: the registration lost, then a reconnect.
      sample(T + 75_000, { registered: false, connected: null, signalDbm: null }),
      sample(T + 90_000, { reconnects: 1, flapping: true }),
      sample(T + 60_000, { modem: 'modem1', registered: null }),
    ];
    expect(await store.appendModemSamples(written)).toBe(5);
    // A retried write changes nothing.
    expect(await store.appendModemSamples(written.slice(0, 2))).toBe(0);
    const h = await ctx.harness().reopen();
    const all = await h.modemHistory({ from: T, to: T + 3_600_000 });
    expect(all).toEqual([...written].sort((a, b) => a.at - b.at || a.modem.localeCompare(b.modem)));
    const one = await h.modemHistory({ from: T, to: T + 3_600_000, modem: 'modem0' });
    expect(one.map((s) => s.at)).toEqual([T, T + 60_000, T + 75_000, T + 90_000]);
    // Half-open range; a limit keeps the newest, still oldest first.
    expect((await h.modemHistory({ from: T, to: T + 75_000, modem: 'modem0' })).length).toBe(2);
    expect(
      (await h.modemHistory({ from: T, to: T + 3_600_000, modem: 'modem0', limit: 2 })).map((s) => s.at),
    ).toEqual([T + 75_000, T + 90_000]);
  });

  it('a bad sample refuses the batch before anything is written', async () => {
    const store = await open();
    for (const bad of [
      sample(T, { modem: '' }),
      sample(T, { signalDbm: 12 }),
      sample(T, { rsrpDbm: Number.NaN }),
      sample(T, { reconnects: -1 }),
      sample(T, { modem: 'x\u0000y' }),
    ])
      await expect(store.appendModemSamples([sample(T + 1000), bad])).rejects.toBeInstanceOf(ValidationError);
    expect(await store.modemHistory({ from: 0, to: T + 10_000_000 })).toEqual([]);
  });

  it('modem samples are kept for the retention days, as calls', async () => {
    const store = await open();
    const now = T + 40 * 86_400_000;
    await store.appendModemSamples([sample(T), sample(now - 86_400_000)]);
    await store.deleteOlderThan(30, { now });
    expect((await store.modemHistory({ from: 0, to: now })).map((s) => s.at)).toEqual([now - 86_400_000]);
  });
}
