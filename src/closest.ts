/**
 * "Did you mean": the closest known name to a mistyped one. A module of its own, with no imports,
 * because the CLI's dispatch and flag parser need it before any verb is loaded (the config keys it
 * also serves live beside the schema, which is heavy to load).
 */

/** The closest known key to a mistyped one, for "did you mean" (swaps and typos, not guesses). */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  // A quarter of the length: `prot` finds `port`, `nope` does not find `host`.
  let bestD = Math.min(3, Math.max(1, Math.floor(name.length / 4))) + 1;
  for (const c of candidates) {
    const d = distance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

/** Optimal string alignment distance: edits plus adjacent swaps. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => (d[i] as number[])[j] as number;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = v;
    }
  }
  return at(a.length, b.length);
}
