/**
 * Pre-bound series. A pack turns each label value into an index once (an `Enum` lookup) and
 * reaches its series through a flat array: `table.at(i, j).inc()` is an array read and an add,
 * with no string building and no object per call.
 */
import { DefinitionError } from '../errors.js';

/** A closed list of label values plus `other` (always last), with a value -> index lookup. */
export class Enum {
  readonly values: readonly string[];
  /** Index of `other`. */
  readonly other: number;
  private readonly index = new Map<string, number>();

  /**
   * `onOther`: told of each value not in the list (not of an absent one, nor of `other` itself),
   * so a configured list can count and name what it folds into `other`.
   */
  constructor(
    values: readonly string[],
    private readonly onOther?: (value: string) => void,
  ) {
    const list = values.filter((v) => v !== 'other');
    this.values = [...list, 'other'];
    this.other = list.length;
    list.forEach((v, i) => {
      this.index.set(v, i);
    });
  }

  /** Index of `value`, or of `other` when it is not in the list. Allocation-free. */
  of(value: string | undefined): number {
    if (value === undefined) return this.other;
    const i = this.index.get(value);
    if (i !== undefined) return i;
    if (this.onOther !== undefined && value !== 'other') this.onOther(value);
    return this.other;
  }

  /**
   * `value` as every surface shows a configured name (metric label, store column, log line, span
   * attribute): itself when listed, else `other`. Allocation-free.
   * @example new Enum(['carrier-a']).name('Margaret Thatcher mobile'); // 'other'
   */
  name(value: string): string {
    return this.values[this.of(value)] as string;
  }

  get size(): number {
    return this.values.length;
  }
}

interface Bindable<S> {
  readonly labelNames: readonly string[];
  labels(values: Record<string, string>): S;
}

/**
 * The series of one metric, indexed by up to four label positions. Small counter tables are
 * bound eagerly, so their zero series are exposed from the start (a PromQL ratio then exists
 * before the first failure); others bind on first use, then never again.
 */
export class SeriesTable<S> {
  readonly dims: readonly Enum[];
  private readonly handles: (S | undefined)[];
  private readonly s0: number;
  private readonly s1: number;
  private readonly s2: number;

  constructor(
    private readonly metric: Bindable<S>,
    dims: readonly Enum[],
    eager: boolean,
  ) {
    if (dims.length > 4)
      throw new DefinitionError(
        'ST_INVALID_OPTION',
        `a series table supports at most four labels, got ${dims.length}`,
      );
    this.dims = dims;
    const size = (k: number) => dims[k]?.size ?? 1;
    this.s2 = size(3);
    this.s1 = size(2) * this.s2;
    this.s0 = size(1) * this.s1;
    const total = size(0) * this.s0;
    this.handles = new Array<S | undefined>(total).fill(undefined);
    if (eager) for (let i = 0; i < total; i++) this.bind(i);
  }

  /** The series at these label indexes (omitted positions are 0). */
  at(i = 0, j = 0, k = 0, l = 0): S {
    const idx = i * this.s0 + j * this.s1 + k * this.s2 + l;
    return this.handles[idx] ?? this.bind(idx);
  }

  private bind(idx: number): S {
    const labels: Record<string, string> = {};
    const strides = [this.s0, this.s1, this.s2, 1];
    let rest = idx;
    this.dims.forEach((d, k) => {
      const stride = strides[k] as number;
      labels[this.metric.labelNames[k] as string] = d.values[Math.floor(rest / stride)] as string;
      rest %= stride;
    });
    const s = this.metric.labels(labels);
    this.handles[idx] = s;
    return s;
  }
}
