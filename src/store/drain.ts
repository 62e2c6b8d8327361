import { setImmediate as yieldToLoop } from 'node:timers/promises';

/**
 * Repeat a batched statement until a batch comes back short (fewer rows than `size`), with a turn
 * of the event loop between batches, so ingest and reads keep flowing while a backlog drains
 * (zombie cleanup, retention). Returns the rows touched.
 */
export async function drain(size: number, step: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await step();
    total += n;
    if (n < size) return total;
    await yieldToLoop();
  }
}
