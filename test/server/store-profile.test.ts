import { describe, expect, it } from 'vitest';
import { machineFacts, storeThreads } from '../../src/server/store-profile.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
/** What Node 20's process.constrainedMemory() gives when it knows no limit. */
const NO_LIMIT = 0;

/** A machine, its limit (`process.constrainedMemory()`), and the profile `store.threads` gets there. */
interface Row {
  mode: 'auto' | 'always' | 'never';
  machine: string;
  cores: number;
  totalMemory: number;
  constrainedMemory: number;
  threads: boolean;
  reason: string;
}

const rows: Row[] = [
  {
    mode: 'auto',
    machine: '2 cores, 24 GiB',
    cores: 2,
    totalMemory: 24 * GiB,
    constrainedMemory: NO_LIMIT,
    threads: false,
    reason: '2 cores, 24576 MiB available (total memory): one thread',
  },
  {
    mode: 'auto',
    machine: 'a Pi 4 under the shipped unit (4 cores, MemoryMax=256M)',
    cores: 4,
    totalMemory: 3.7 * GiB,
    constrainedMemory: 256 * MiB,
    threads: false,
    reason: '4 cores, 256 MiB available (cgroup limit): one thread',
  },
  {
    mode: 'auto',
    machine: 'a Pi Zero 2 W (4 cores, 512 MB: less than 512 MiB)',
    cores: 4,
    totalMemory: 512e6,
    constrainedMemory: NO_LIMIT,
    threads: false,
    reason: '4 cores, 488 MiB available (total memory): one thread',
  },
  {
    mode: 'auto',
    machine: 'a Pi 4 4 GB, no limit',
    cores: 4,
    totalMemory: 4e9,
    constrainedMemory: NO_LIMIT,
    threads: true,
    reason: '4 cores, 3814 MiB available (total memory): threads',
  },
  {
    mode: 'auto',
    machine: 'a Pi 4 4 GB under MemoryMax=512M (the threshold itself)',
    cores: 4,
    totalMemory: 4e9,
    constrainedMemory: 512 * MiB,
    threads: true,
    reason: '4 cores, 512 MiB available (cgroup limit): threads',
  },
  {
    mode: 'auto',
    machine: '8 cores, 16 GiB',
    cores: 8,
    totalMemory: 16 * GiB,
    constrainedMemory: NO_LIMIT,
    threads: true,
    reason: '8 cores, 16384 MiB available (total memory): threads',
  },
  {
    mode: 'auto',
    machine: '8 cores, 16 GiB in an unlimited cgroup (2^64: the total counts)',
    cores: 8,
    totalMemory: 16 * GiB,
    constrainedMemory: 2 ** 64,
    threads: true,
    reason: '8 cores, 16384 MiB available (total memory): threads',
  },
  {
    mode: 'auto',
    machine: '4 cores, 256 MiB under a limit above it (the total counts)',
    cores: 4,
    totalMemory: 256 * MiB,
    constrainedMemory: 2 * GiB,
    threads: false,
    reason: '4 cores, 256 MiB available (total memory): one thread',
  },
  {
    mode: 'always',
    machine: '1 core, 256 MiB',
    cores: 1,
    totalMemory: 256 * MiB,
    constrainedMemory: NO_LIMIT,
    threads: true,
    reason: 'store.threads = always',
  },
  {
    mode: 'never',
    machine: '64 cores, 256 GiB',
    cores: 64,
    totalMemory: 256 * GiB,
    constrainedMemory: NO_LIMIT,
    threads: false,
    reason: 'store.threads = never',
  },
];

// The Pi profile (docs/deploy.md): `auto` runs the store's threads only with more than 2 cores and
// at least 512 MiB the process may use, a cgroup's limit (systemd's MemoryMax) counting first.
describe('storeThreads', () => {
  it.each(rows)('$mode on $machine', ({ mode, cores, totalMemory, constrainedMemory, threads, reason }) => {
    expect(storeThreads(mode, { cores, totalMemory, constrainedMemory })).toEqual({ threads, reason });
  });

  it('reads this machine: its cores, its memory and this process’s limit as Node gives them', () => {
    const facts = machineFacts();
    expect(facts.cores).toBeGreaterThanOrEqual(1);
    expect(facts.totalMemory).toBeGreaterThan(0);
    expect(facts.constrainedMemory).toBe(process.constrainedMemory());
  });
});
