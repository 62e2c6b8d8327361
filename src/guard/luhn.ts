/**
 * Luhn (mod 10) check over the ASCII digits of `s` from `start` (inclusive) to `end` (exclusive).
 * Works on a slice of a larger string so the PII scanner can test a digit run without allocating.
 * Returns false for an empty range or any non-digit in it.
 *
 * @example
 * ```ts
 * luhnValid('490154203237518'); // true: a valid IMEI check digit
 * luhnValid('imei 490154203237518', 5); // true
 * ```
 */
export function luhnValid(s: string, start = 0, end = s.length): boolean {
  if (end <= start) return false;
  let sum = 0;
  let double = false;
  for (let i = end - 1; i >= start; i--) {
    let d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * Shannon entropy in bits per character of `s[start, end)`, counting UTF-16 code units.
 * Used to tell random secrets (about 4 bits/char at 20 chars) from identifiers made of words.
 *
 * @example
 * ```ts
 * shannonEntropy('aaaa'); // 0
 * shannonEntropy('abcd'); // 2
 * ```
 */
export function shannonEntropy(s: string, start = 0, end = s.length): number {
  const n = end - start;
  if (n <= 0) return 0;
  // Secrets are ASCII: count into a reused table, as a Map allocation per call doubled detectPii's cost.
  let i = start;
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128) break;
    ASCII_COUNTS[c] = (ASCII_COUNTS[c] ?? 0) + 1;
  }
  if (i < end) {
    ASCII_COUNTS.fill(0);
    const counts = new Map<number, number>();
    for (let j = start; j < end; j++) counts.set(s.charCodeAt(j), (counts.get(s.charCodeAt(j)) ?? 0) + 1);
    return entropyOf(counts.values(), n);
  }
  let h = 0;
  for (let j = start; j < end; j++) {
    const c = s.charCodeAt(j);
    const k = ASCII_COUNTS[c] ?? 0;
    if (k === 0) continue;
    ASCII_COUNTS[c] = 0;
    const p = k / n;
    h -= p * Math.log2(p);
  }
  return h;
}

const ASCII_COUNTS = new Uint32Array(128);

function entropyOf(counts: Iterable<number>, n: number): number {
  let h = 0;
  for (const k of counts) {
    const p = k / n;
    h -= p * Math.log2(p);
  }
  return h;
}
