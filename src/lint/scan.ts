/** Character classes both text formats share (OpenMetrics 1.0 ABNF; the text format's are the same). */

// metricname-initial-char = ALPHA / "_" / ":"; label-name-initial-char = ALPHA / "_"; then DIGIT too.
const METRIC = new Uint8Array(128);
const LABEL = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const alpha = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  const digit = c >= 48 && c <= 57;
  // Bit 1: may start a name; bit 2: may continue one.
  const label = (alpha ? 1 : 0) | (alpha || digit ? 2 : 0);
  LABEL[c] = label;
  METRIC[c] = label | (c === 58 ? 3 : 0);
}

/** The end of the metric name starting at `i` (`i` itself when there is none). */
export function metricNameEnd(s: string, i: number): number {
  if (i >= s.length || ((METRIC[s.charCodeAt(i)] ?? 0) & 1) === 0) return i;
  let j = i + 1;
  while (j < s.length && ((METRIC[s.charCodeAt(j)] ?? 0) & 2) !== 0) j++;
  return j;
}

/** The end of the label name starting at `i` (`i` itself when there is none). */
export function labelNameEnd(s: string, i: number): number {
  if (i >= s.length || ((LABEL[s.charCodeAt(i)] ?? 0) & 1) === 0) return i;
  let j = i + 1;
  while (j < s.length && ((LABEL[s.charCodeAt(j)] ?? 0) & 2) !== 0) j++;
  return j;
}

/** Whether the whole string is a metric name. */
export function isMetricName(s: string): boolean {
  return s !== '' && metricNameEnd(s, 0) === s.length;
}

/** Whether the whole string is a label name. */
export function isLabelName(s: string): boolean {
  return s !== '' && labelNameEnd(s, 0) === s.length;
}

/** A character for a message: printable as is, control characters by code. */
export function shown(c: string | undefined): string {
  if (c === undefined) return 'the end of the line';
  const code = c.charCodeAt(0);
  if (code < 0x20 || code === 0x7f) return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return JSON.stringify(c);
}

/** The index of label `name` in a sample line (outside quotes, blanks allowed around it), or -1. */
export function labelIndex(line: string, name: string): number {
  let inQuotes = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inQuotes) {
      if (c === '\\') i++;
      else if (c === '"') inQuotes = false;
    } else if (c === '"') inQuotes = true;
    else if (c === '{' || c === ',') {
      let k = i + 1;
      while (line[k] === ' ' || line[k] === '\t') k++;
      if (!line.startsWith(name, k)) continue;
      let e = k + name.length;
      while (line[e] === ' ' || line[e] === '\t') e++;
      if (line[e] === '=') return k;
    } else if (c === '}') return -1;
  }
  return -1;
}

/** "a counter", "an info": a word with its indefinite article, for messages. */
export const withArticle = (word: string): string => `${/^[aeiou]/.test(word) ? 'an' : 'a'} ${word}`;
