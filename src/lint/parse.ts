/** The two exposition formats the linter reads. */
export type ExpositionFormat = 'text' | 'openmetrics';

export interface Sample {
  /** Sample name as written (`x_total`, `x_bucket`). */
  readonly name: string;
  readonly labels: ReadonlyArray<readonly [string, string]>;
  readonly value: number;
  readonly line: number;
}

export interface Family {
  readonly name: string;
  type: string;
  help?: string;
  unit?: string;
  readonly line: number;
  readonly samples: Sample[];
}

export interface FormatError {
  readonly line: number;
  readonly message: string;
  /** `duplicate`: the same series twice. Parsers accept it and Prometheus drops one sample, so it is not a format error. */
  readonly kind?: 'duplicate';
}

export interface Parsed {
  readonly format: ExpositionFormat;
  readonly families: Family[];
  readonly errors: FormatError[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES: Record<ExpositionFormat, readonly string[]> = {
  text: ['counter', 'gauge', 'histogram', 'summary', 'untyped'],
  openmetrics: ['counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset', 'unknown'],
};
// Sample-name suffixes that belong to a family of the given type.
const SUFFIXES: Record<string, readonly string[]> = {
  counter: ['_total', '_created'],
  histogram: ['_bucket', '_count', '_sum', '_created'],
  gaugehistogram: ['_bucket', '_gcount', '_gsum'],
  summary: ['_count', '_sum', '_created'],
  info: ['_info'],
};

/** A float as both formats write it: decimal, exponent, NaN, +Inf, -Inf. */
function parseValue(s: string): number | undefined {
  if (/^[+-]?Inf$/i.test(s) || /^[+-]?Infinity$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^NaN$/i.test(s)) return Number.NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return undefined;
  return Number(s);
}

/**
 * Parse `{a="x",b="y"}` at the start of `s`; returns the labels and the rest, or an error. The
 * text format's parser skips blanks between tokens (`loose`); OpenMetrics allows none.
 */
function parseLabels(s: string, loose: boolean): { labels: Array<[string, string]>; rest: string } | string {
  const labels: Array<[string, string]> = [];
  let i = 1;
  const blanks = () => {
    while (loose && (s[i] === ' ' || s[i] === '\t')) i++;
  };
  for (;;) {
    blanks();
    if (s[i] === '}') return { labels, rest: s.slice(i + 1) };
    const name = LABEL.exec(s.slice(i))?.[0];
    if (name === undefined) return `invalid label name at column ${i + 1}`;
    i += name.length;
    blanks();
    if (s[i] !== '=') return `expected = after label ${name}`;
    i++;
    blanks();
    if (s[i] !== '"') return `expected a quoted value after ${name}=`;
    i++;
    let value = '';
    for (; i < s.length && s[i] !== '"'; i++) {
      if (s[i] === '\\') {
        const next = s[++i];
        if (next === 'n') value += '\n';
        else if (next === '\\' || next === '"') value += next;
        else return `invalid escape \\${next ?? ''} in the value of label ${name}`;
      } else value += s[i];
    }
    if (s[i] !== '"') return `unterminated value of label ${name}`;
    i++;
    if (labels.some(([n]) => n === name)) return `duplicate label ${name}`;
    labels.push([name, value]);
    blanks();
    if (s[i] === ',') i++;
    else if (s[i] !== '}') return `expected , or } after the value of label ${name}`;
  }
}

/**
 * Parse a Prometheus text (0.0.4) or OpenMetrics 1.0 exposition, keeping going after an error so
 * that every bad line is reported with its number. Exemplars are accepted and ignored.
 * @example parseExposition('# TYPE a counter\na_total 1\n# EOF\n', 'openmetrics').errors // []
 */
export function parseExposition(text: string, format: ExpositionFormat): Parsed {
  const families: Family[] = [];
  const errors: FormatError[] = [];
  const byName = new Map<string, Family>();
  const seen = new Set<string>();
  // `undefined`, not void: `return err(...)` ends a line's handling in one statement.
  const err = (line: number, message: string): undefined => {
    errors.push({ line, message });
    return undefined;
  };
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let eof = false;
  let current: Family | undefined;
  const family = (name: string, line: number): Family => {
    let f = byName.get(name);
    if (f === undefined) {
      f = { name, type: format === 'text' ? 'untyped' : 'unknown', line, samples: [] };
      byName.set(name, f);
      families.push(f);
    } else if (f !== current && format === 'openmetrics') {
      err(
        line,
        `family ${name} continues after another family began (OpenMetrics families must be contiguous)`,
      );
    }
    current = f;
    return f;
  };
  /** The family a sample belongs to: the longest declared family whose suffix rule matches. */
  const owner = (sample: string): string => {
    for (const [type, suffixes] of Object.entries(SUFFIXES)) {
      for (const suffix of suffixes) {
        if (!sample.endsWith(suffix)) continue;
        const base = sample.slice(0, -suffix.length);
        const f = byName.get(base);
        if (f !== undefined && f.type === type) return base;
        if (f !== undefined && format === 'text' && type === 'counter') continue;
      }
    }
    return sample;
  };
  const visit = (line: string, n: number): undefined => {
    // The text format's parser skips leading blanks; OpenMetrics allows none.
    const raw = format === 'text' ? line.replace(/^[ \t]+/, '') : line;
    if (eof) return err(n, 'content after # EOF');
    if (raw === '')
      return format === 'openmetrics' ? err(n, 'empty line (OpenMetrics allows none)') : undefined;
    if (raw.startsWith('#')) {
      if (format === 'openmetrics' && raw === '# EOF') {
        eof = true;
        return;
      }
      const m = /^# (HELP|TYPE|UNIT) ([^ ]+)(?: (.*))?$/.exec(raw);
      if (m === null) {
        if (format === 'openmetrics')
          err(n, 'comment lines other than # HELP, # TYPE, # UNIT and # EOF are not allowed');
        return;
      }
      const [, kw, name = '', rest = ''] = m;
      if (NAME.exec(name)?.[0] !== name) return err(n, `invalid metric name "${name}"`);
      if (kw === 'UNIT' && format === 'text') return err(n, '# UNIT is OpenMetrics only');
      const f = family(name, n);
      if (kw === 'TYPE') {
        if (!TYPES[format].includes(rest)) return err(n, `invalid metric type "${rest}"`);
        if (f.samples.length > 0) return err(n, `# TYPE for ${name} after its samples`);
        if (seen.has(`type:${name}`)) return err(n, `second # TYPE line for ${name}`);
        seen.add(`type:${name}`);
        f.type = rest;
      } else if (kw === 'HELP') {
        if (seen.has(`help:${name}`)) return err(n, `second # HELP line for ${name}`);
        seen.add(`help:${name}`);
        f.help = rest;
      } else {
        if (rest !== '' && !name.endsWith(`_${rest}`))
          err(n, `family ${name} has unit ${rest} but does not end in _${rest}`);
        f.unit = rest;
      }
      return;
    }
    const name = NAME.exec(raw)?.[0];
    if (name === undefined) return err(n, 'expected a metric name, # HELP, # TYPE or a comment');
    const loose = format === 'text';
    let rest = raw.slice(name.length);
    if (loose) rest = rest.replace(/^[ \t]+(?=\{)/, '');
    let labels: Array<[string, string]> = [];
    if (rest.startsWith('{')) {
      const parsed = parseLabels(rest, loose);
      if (typeof parsed === 'string') return err(n, parsed);
      labels = parsed.labels;
      rest = parsed.rest;
      // After the labels the text format needs no blank before the value.
      if (loose && rest !== '' && rest[0] !== ' ' && rest[0] !== '\t') rest = ` ${rest}`;
    }
    const exemplarAt = rest.indexOf(' # ');
    if (exemplarAt >= 0 && format === 'openmetrics') rest = rest.slice(0, exemplarAt);
    // Text: blanks (any number of spaces or tabs) between tokens, none at the end. OpenMetrics: one space.
    const parts = loose ? rest.split(/[ \t]+/) : rest.split(' ');
    if (parts[0] !== '' || parts.length < 2 || parts.length > 3)
      return err(
        n,
        `expected ${loose ? 'blanks' : 'one space'}, a value and an optional timestamp after the name and labels`,
      );
    if (parts.some((p, k) => k > 0 && p === '')) return err(n, 'blank at the end of the line or doubled');
    const value = parseValue(parts[1] as string);
    if (value === undefined) return err(n, `invalid value "${parts[1]}"`);
    if (parts[2] !== undefined && !/^-?\d+$/.test(parts[2]) && format === 'text')
      return err(n, `invalid timestamp "${parts[2]}" (integer milliseconds)`);
    if (parts[2] !== undefined && parseValue(parts[2]) === undefined)
      return err(n, `invalid timestamp "${parts[2]}"`);
    const key = `${name}{${labels
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .sort()
      .join(',')}}`;
    if (seen.has(key)) {
      errors.push({
        line: n,
        message: `duplicate series ${key}: Prometheus keeps one sample and drops the other`,
        kind: 'duplicate',
      });
      return;
    }
    seen.add(key);
    const f = family(owner(name), n);
    f.samples.push({ name, labels, value, line: n });
  };
  for (let i = 0; i < lines.length; i++) visit(lines[i] as string, i + 1);
  if (format === 'openmetrics' && !eof) err(lines.length, 'missing # EOF at the end');
  return { format, families, errors };
}
