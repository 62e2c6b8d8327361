/**
 * Whether the SQLite store runs threads of its own (`store.threads`): under `auto`, from the
 * machine's cores and the memory the process may use (the Pi profile, docs/deploy.md).
 */
import { availableParallelism, totalmem } from 'node:os';

/**
 * Up to this many cores the store runs no thread of its own: on 2, a writer thread gave no
 * throughput (issue 39).
 */
const SMALL_MACHINE_CORES = 2;

/**
 * Below this much memory available to the process the store runs no thread of its own. Under
 * sustained maximum ingest the peak RSS was 268-278 MiB with the writer thread and 196-226 MiB
 * without it (docs/deploy.md): the shipped unit's `MemoryMax=256M` fits only the second, and 512
 * MiB leaves the threaded peak nearly twice its measured size, for a machine with more cores
 * (and so more throughput) than the 2 it was measured on. Inside a 256 MiB cgroup Node sizes V8's
 * heap from the limit and the threaded peak fell to 148 MiB against 120 MiB (not killed in 30 s): the
 * profile is that margin. A Pi Zero 2 W (512 MB, less than 512 MiB to the kernel) and any Pi under
 * the shipped unit get one thread.
 */
const THREADS_MIN_MEMORY_BYTES = 512 * 2 ** 20;

/** What the automatic choice reads: as {@link machineFacts} gives them, or a machine's to test. */
export interface MachineFacts {
  /** `os.availableParallelism()`. */
  cores: number;
  /** `os.totalmem()`, bytes. */
  totalMemory: number;
  /**
   * `process.constrainedMemory()`, bytes: the cgroup's limit (systemd's `MemoryMax`). Node 20
   * gives 0 when it knows none, and a figure past the total (2^64) when the cgroup is unlimited.
   */
  constrainedMemory: number;
}

/** The store's thread profile and why, in words for a log line. */
export interface StoreThreads {
  /** Whether `store.writer_thread` and `store.checkpoint_thread` may run. */
  threads: boolean;
  reason: string;
}

/**
 * Whether the store may run its threads: `always` and `never` as they say; `auto` only with more
 * than 2 cores and at least 512 MiB available to the process, which is the cgroup's limit when it
 * is set below the machine's memory, else the machine's memory.
 *
 * @example
 * // A Raspberry Pi 4 under the shipped unit (MemoryMax=256M):
 * storeThreads('auto', { cores: 4, totalMemory: 3.7 * 2 ** 30, constrainedMemory: 256 * 2 ** 20 });
 * // -> { threads: false, reason: '4 cores, 256 MiB available (cgroup limit): one thread' }
 */
export function storeThreads(mode: 'auto' | 'always' | 'never', facts: MachineFacts): StoreThreads {
  if (mode !== 'auto') return { threads: mode === 'always', reason: `store.threads = ${mode}` };
  const limited = facts.constrainedMemory > 0 && facts.constrainedMemory < facts.totalMemory;
  const memory = limited ? facts.constrainedMemory : facts.totalMemory;
  const threads = facts.cores > SMALL_MACHINE_CORES && memory >= THREADS_MIN_MEMORY_BYTES;
  const cores = `${facts.cores} ${facts.cores === 1 ? 'core' : 'cores'}`;
  const mib = Math.floor(memory / 2 ** 20);
  const source = limited ? 'cgroup limit' : 'total memory';
  return {
    threads,
    reason: `${cores}, ${mib} MiB available (${source}): ${threads ? 'threads' : 'one thread'}`,
  };
}

/**
 * This machine's cores and memory, and this process's memory limit, as {@link storeThreads} reads them.
 *
 * @example
 * storeThreads(config.store.threads, machineFacts());
 */
export function machineFacts(): MachineFacts {
  return {
    cores: availableParallelism(),
    totalMemory: totalmem(),
    constrainedMemory: process.constrainedMemory(),
  };
}
