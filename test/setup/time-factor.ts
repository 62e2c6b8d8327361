/**
 * One factor for every deadline of the suite: vitest's timeouts and the polling helpers'
 * deadlines. 1 by default; a slow or loaded machine sets `SIDETONE_TEST_TIME_FACTOR=3`. A test
 * never shortens a timer to pass: it waits for a condition, and only its give-up point scales.
 * @example const until = Date.now() + 20_000 * timeFactor();
 */
export function timeFactor(): number {
  const raw = process.env.SIDETONE_TEST_TIME_FACTOR;
  if (raw === undefined || raw === '') return 1;
  const f = Number(raw);
  if (!(f >= 1) || !Number.isFinite(f))
    throw new Error(`SIDETONE_TEST_TIME_FACTOR must be a number >= 1, got ${JSON.stringify(raw)}`);
  return f;
}
