// Timing shared by the store benchmarks: one warm-up call, then `runs` timed calls.

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median and slowest of `runs` calls of `fn`, ms, after one warm-up (statement caches, pages). */
export async function timeIt(fn, runs) {
  await fn();
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return { medianMs: +median(ms).toFixed(1), maxMs: +Math.max(...ms).toFixed(1) };
}
