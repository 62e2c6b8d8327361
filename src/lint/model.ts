/** What the parsers of every format produce: families of samples, and the issues found on the way. */

/** The exposition formats the linter reads: text 0.0.4, OpenMetrics 1.0, delimited protobuf. */
export type ExpositionFormat = 'text' | 'openmetrics' | 'protobuf';

/** Label name/value pairs as written (values unescaped). */
export type LabelPairs = ReadonlyArray<readonly [name: string, value: string]>;

export interface Exemplar {
  readonly labels: LabelPairs;
  readonly value: number;
  /** Seconds, as OpenMetrics writes it. */
  readonly timestamp?: number;
}

/** A native histogram's buckets (protobuf only), as `io.prometheus.client.Histogram` holds them. */
export interface NativeHistogram {
  readonly schema: number;
  readonly zeroThreshold: number;
  readonly zeroCount: number;
  readonly positiveSpans: ReadonlyArray<{ offset: number; length: number }>;
  readonly positiveDeltas: readonly number[];
  readonly negativeSpans: ReadonlyArray<{ offset: number; length: number }>;
  readonly negativeDeltas: readonly number[];
}

export interface Sample {
  /** Sample name as written (`x_total`, `x_bucket`). */
  readonly name: string;
  readonly labels: LabelPairs;
  readonly value: number;
  /** As written: seconds in OpenMetrics, milliseconds in the text format and protobuf. */
  readonly timestamp?: number;
  readonly exemplar?: Exemplar;
  /** Protobuf: the native buckets of a histogram (`value` is then its count). */
  readonly native?: NativeHistogram;
  /** 1-based line; in protobuf, the 1-based number of the MetricFamily message. */
  readonly line: number;
}

export interface Family {
  readonly name: string;
  type: string;
  help?: string;
  unit?: string;
  /** Where the family starts: a line, or in protobuf the message number. */
  readonly line: number;
  /** Protobuf: the byte offset of the family's message. */
  readonly offset?: number;
  readonly samples: Sample[];
}

/**
 * `format`: the exposition is invalid (the strict parser of its format rejects it). `spec`: it breaks
 * a rule of the format that parsers tolerate (a non-canonical `le`, an undefined escape). `duplicate`:
 * the same series twice; parsers accept it and Prometheus keeps one sample.
 */
export type IssueKind = 'format' | 'spec' | 'duplicate';

export interface Issue {
  readonly kind: IssueKind;
  readonly message: string;
  /** 1-based line (protobuf: message number). */
  readonly line: number;
  /** 1-based column in code points (text formats). */
  readonly column?: number;
  /** Protobuf: the byte offset of the message. */
  readonly offset?: number;
}

export interface Parsed {
  readonly format: ExpositionFormat;
  readonly families: Family[];
  readonly issues: Issue[];
}

/** The 1-based column of UTF-16 index `i` in `line`, counted in code points. */
export function columnOf(line: string, i: number): number {
  let col = i + 1;
  for (let k = 0; k < i; k++) {
    const c = line.charCodeAt(k);
    // A surrogate pair is one code point.
    if (c >= 0xd800 && c <= 0xdbff && k + 1 < i) {
      const d = line.charCodeAt(k + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        col--;
        k++;
      }
    }
  }
  return col;
}
