/**
 * Contract every CallStore backend must pass. A backend's test file calls
 * `runCallStoreContract(name, factory)`; the factory gives a fresh, empty store.
 */
import { afterEach, describe } from 'vitest';
import { costContract } from './contract-cost.js';
import { eventIdsContract } from './contract-event-ids.js';
import { housekeepingContract } from './contract-housekeeping.js';
import type { ContractContext, ContractFactory, ContractHarness } from './contract-kit.js';
import { mediaTurnsContract } from './contract-media-turns.js';
import { modemContract } from './contract-modem.js';
import { readContract } from './contract-reads.js';
import { rollupBuildContract } from './contract-rollup-build.js';
import { rollupContract } from './contract-rollups.js';
import { writeContract } from './contract-writes.js';

export { type ContractFactory, type ContractHarness, KEY, lifecycle } from './contract-kit.js';

/**
 * Register the CallStore contract suite against a backend.
 *
 * @example
 * ```ts
 * runCallStoreContract('SQLite file', async ({ storeRaw }) => ({ store, reopen, cleanup }));
 * ```
 */
export function runCallStoreContract(name: string, factory: ContractFactory): void {
  describe(`CallStore contract: ${name}`, () => {
    let h: ContractHarness | undefined;
    const ctx: ContractContext = {
      open: async (storeRaw = false, opts = {}) => {
        h = await factory({ storeRaw, ...opts });
        return h.store;
      },
      harness: () => {
        if (!h) throw new Error('no store opened yet');
        return h;
      },
    };
    afterEach(async () => {
      await h?.cleanup();
      h = undefined;
    });
    writeContract(ctx);
    mediaTurnsContract(ctx);
    costContract(ctx);
    readContract(ctx);
    housekeepingContract(ctx);
    rollupContract(ctx);
    rollupBuildContract(ctx);
    modemContract(ctx);
    eventIdsContract(ctx);
  });
}
