import { DefinitionError, LabelPolicyError, showValue } from '../errors.js';
import {
  assertNoPii,
  type GuardOptions,
  type GuardSink,
  guardLabelValue,
  OTHER,
  resolveGuardOptions,
} from '../guard/policy.js';
import { escapeLabelValue } from './format.js';
import { assertLabelNames, assertMetricName } from './names.js';

/** Label values keyed by the declared label names; a missing or extra key is a compile error. */
export type Labels<L extends string> = { readonly [K in L]: string | number };

/** Options every metric type shares. */
export interface MetricOptions<L extends string> {
  /** Prometheus metric name, e.g. `sidetone_sip_responses_total`. */
  name: string;
  /** One line of help; escaped on output. */
  help: string;
  /** OpenMetrics unit; the name must end in `_<unit>`. */
  unit?: string;
  /** Declared label names, in exposition order. */
  labels?: readonly L[];
  /** Allowed values per label: any other value becomes `other` and is counted. */
  enums?: { readonly [K in L]?: readonly string[] };
  /** Remove series not updated for this long (checked at scrape or `registry.sweep()`). */
  ttlSeconds?: number;
  /** Override the registry's per-metric series cap. */
  maxSeries?: number;
}

/** Why a sample was dropped; a bounded label of `sidetone_samples_dropped_total`. */
export type DropReason = 'nan' | 'negative' | 'infinite' | 'not_a_number';

/** What a metric needs from its registry. */
export interface MetricContext extends GuardSink {
  readonly guard: Required<GuardOptions>;
  dropped(metric: string, reason: DropReason): void;
  /** Self-metrics bypass the guard (their label values are metric names, bounded by definitions). */
  readonly internal: boolean;
}

/** What a series needs from its metric: the name and where to count a dropped sample. */
export interface SeriesOwner {
  readonly name: string;
  drop(v: unknown): void;
}

/** State every series carries; type-specific values live on the subclasses. */
export abstract class Series {
  /** Pre-rendered `a="x",b="y"` (no braces), built once at creation. */
  readonly labelText: string;
  /** Epoch ms of creation, for OpenMetrics `_created`. */
  readonly created: number;
  /** Set on every update, cleared by the TTL sweep: one store is cheaper than reading the clock. */
  touched = 1;
  seen: number;
  constructor(labelText: string, now: number) {
    this.labelText = labelText;
    this.created = now;
    this.seen = now;
  }
}

type Node<S> = Map<unknown, Node<S> | S>;

/**
 * The label index: nested maps, one level per declared label, keyed by the raw value given. A
 * lookup is n `Map.get` calls with no string building, sorting or hashing of the whole set.
 */
export abstract class Metric<L extends string, S extends Series> {
  abstract readonly type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'info';
  readonly name: string;
  readonly help: string;
  readonly unit: string | undefined;
  readonly labelNames: readonly L[];
  /** Live series in creation order (a Set keeps order and deletes in O(1)). */
  readonly series = new Set<S>();
  readonly ttlMs: number;
  protected readonly ctx: MetricContext;
  private readonly allowed: (ReadonlySet<string> | undefined)[];
  private readonly maxSeries: number;
  private readonly root: Node<S> = new Map();
  private overflowSeries: S | undefined;
  private noLabels: S | undefined;

  constructor(type: string, options: MetricOptions<L>, ctx: MetricContext) {
    assertMetricName(options.name);
    const labelNames = options.labels ?? [];
    assertLabelNames(options.name, type, labelNames);
    if (typeof options.help !== 'string' || options.help.length === 0) {
      throw new DefinitionError(
        'ST_MISSING_HELP',
        `metric "${options.name}" needs a non-empty help string: say what it counts and in which unit`,
      );
    }
    if (!ctx.internal) {
      assertNoPii('the name', options.name, options.name);
      assertNoPii('the help text', options.name, options.help);
    }
    this.name = options.name;
    this.help = options.help;
    this.unit = options.unit;
    this.labelNames = labelNames;
    this.ctx = ctx;
    this.ttlMs = options.ttlSeconds === undefined ? 0 : positive(options, 'ttlSeconds') * 1000;
    this.maxSeries = options.maxSeries === undefined ? ctx.guard.maxSeries : positive(options, 'maxSeries');
    const enums: Partial<Record<string, readonly string[]>> = options.enums ?? {};
    for (const key of Object.keys(enums)) {
      if (!labelNames.includes(key as L)) {
        throw new DefinitionError(
          'ST_ENUM_UNKNOWN_LABEL',
          `metric "${options.name}" declares allowed values for label "${key}", which is not in its labels: add it to labels`,
        );
      }
    }
    this.allowed = labelNames.map((n) => {
      const values = enums[n];
      if (values === undefined) return undefined;
      for (const v of values) {
        if (typeof v !== 'string') {
          throw new DefinitionError(
            'ST_INVALID_ENUM',
            `enum of label "${n}" on metric "${options.name}" has ${showValue(v)}: values must be strings`,
          );
        }
        if (!ctx.internal) assertNoPii(`enum value of label "${n}"`, options.name, v);
      }
      // `other` is always allowed: it is where misses and the overflow series go.
      return new Set([...values, OTHER]);
    });
  }

  /** Subclasses call this last in their constructor, once `newSeries` can run. */
  protected init(): void {
    if (this.labelNames.length === 0) this.noLabels = this.add([]);
  }

  protected abstract newSeries(labelText: string, now: number): S;

  /** The series with no labels (metrics declared without labels). */
  protected get single(): S {
    return this.noLabels ?? this.labels({} as Labels<L>);
  }

  /**
   * Bind a series. Keep the handle: updates through it do no lookup at all.
   * @example
   * const ok = invites.labels({ direction: 'inbound', class: '2xx' });
   * ok.inc();
   */
  labels(values: Labels<L>): S {
    if (this.noLabels !== undefined) return this.noLabels;
    const names = this.labelNames;
    const last = names.length - 1;
    let node = this.root;
    for (let i = 0; i < last; i++) {
      const next = node.get((values as Record<string, unknown>)[names[i] as string]) as Node<S> | undefined;
      if (next === undefined) return this.miss(values);
      node = next;
    }
    const leaf = node.get((values as Record<string, unknown>)[names[last] as string]) as S | undefined;
    return leaf === undefined ? this.miss(values) : leaf;
  }

  /** Remove one series; a handle bound to it keeps working but is no longer exposed. */
  remove(values: Labels<L>): boolean {
    const canonical = this.canonical(values as Record<string, unknown>, false);
    if (canonical === undefined) return false;
    return this.unlink(canonical);
  }

  /** Remove every series (a metric without labels keeps its one series, reset by the subclass). */
  clear(): void {
    for (const s of this.series) if (s !== this.noLabels) this.series.delete(s);
    this.root.clear();
    this.overflowSeries = undefined;
  }

  /** Expire series idle for longer than `ttlSeconds`. Returns how many were removed. */
  sweep(now: number): number {
    if (this.ttlMs === 0) return 0;
    let removed = 0;
    for (const s of this.series) {
      if (s.touched) {
        s.touched = 0;
        s.seen = now;
      } else if (now - s.seen > this.ttlMs && s !== this.noLabels) {
        this.series.delete(s);
        this.unlinkSeries(s);
        removed++;
      }
    }
    return removed;
  }

  /** Cold path: first sight of a value tuple. Guards run here, once per new series. */
  private miss(values: Labels<L>): S {
    const raw = values as Record<string, unknown>;
    if (!this.ctx.internal) this.checkUnknownKeys(raw);
    const canonical = this.canonical(raw, true) as string[];
    let node = this.root;
    const last = canonical.length - 1;
    for (let i = 0; i < last; i++) {
      let next = node.get(canonical[i]) as Node<S> | undefined;
      if (next === undefined) {
        if (this.series.size >= this.maxSeries) return this.overflow();
        next = new Map();
        node.set(canonical[i], next);
      }
      node = next;
    }
    let leaf = node.get(canonical[last]) as S | undefined;
    if (leaf === undefined) {
      if (this.series.size >= this.maxSeries) return this.overflow();
      leaf = this.add(canonical);
      node.set(canonical[last], leaf);
    }
    this.alias(raw, canonical, leaf);
    return leaf;
  }

  /**
   * Let the raw values reach the series directly next time, but only where raw and canonical are
   * the same value (numbers for their string): aliasing a redacted value would keep PII in memory
   * and let distinct bad values grow the index without bound.
   */
  private alias(raw: Record<string, unknown>, canonical: string[], leaf: S): void {
    let node = this.root;
    const names = this.labelNames;
    const last = names.length - 1;
    for (let i = 0; i <= last; i++) {
      const v = raw[names[i] as string];
      if (v === canonical[i]) {
        if (i < last) node = node.get(v) as Node<S>;
        continue;
      }
      if (typeof v !== 'number' || String(v) !== canonical[i]) return;
      let next = node.get(v);
      if (next === undefined) {
        next = i === last ? leaf : (node.get(canonical[i]) as Node<S>);
        node.set(v, next);
      }
      if (i < last) node = next as Node<S>;
    }
  }

  private overflow(): S {
    if (this.ctx.guard.strict && !this.ctx.internal) {
      throw new LabelPolicyError(
        'ST_SERIES_CAP',
        `metric "${this.name}" reached its cap of ${this.maxSeries} series: a label is probably unbounded (an id or a number); use an enum or raise maxSeries`,
      );
    }
    this.ctx.overflow(this.name);
    if (this.overflowSeries === undefined) {
      this.overflowSeries = this.add(this.labelNames.map(() => OTHER));
    }
    return this.overflowSeries;
  }

  private checkUnknownKeys(raw: Record<string, unknown>): void {
    for (const key in raw) {
      if (this.labelNames.includes(key as L)) continue;
      if (this.ctx.guard.strict) {
        throw new LabelPolicyError(
          'ST_UNKNOWN_LABEL',
          `metric "${this.name}" has no label "${key}" (declared: ${this.labelNames.join(', ') || 'none'}): declare it or stop passing it`,
        );
      }
      this.ctx.unknownLabel(this.name, key);
    }
  }

  private canonical(raw: Record<string, unknown>, report: boolean): string[] | undefined {
    const out: string[] = [];
    for (let i = 0; i < this.labelNames.length; i++) {
      const name = this.labelNames[i] as string;
      const v = raw[name];
      if (this.ctx.internal) {
        out.push(String(v ?? ''));
        continue;
      }
      if (!report) {
        out.push(typeof v === 'number' ? String(v) : typeof v === 'string' ? v : '');
        continue;
      }
      out.push(guardLabelValue(this.name, name, this.allowed[i], v, this.ctx.guard, this.ctx));
    }
    return out;
  }

  private add(values: readonly string[]): S {
    let text = '';
    for (let i = 0; i < values.length; i++) {
      text += `${i === 0 ? '' : ','}${this.labelNames[i]}="${escapeLabelValue(values[i] as string)}"`;
    }
    const s = this.newSeries(text, Date.now());
    this.series.add(s);
    return s;
  }

  private unlink(canonical: string[]): boolean {
    let node = this.root;
    for (let i = 0; i < canonical.length - 1; i++) {
      const next = node.get(canonical[i]) as Node<S> | undefined;
      if (next === undefined) return false;
      node = next;
    }
    const leaf = node.get(canonical[canonical.length - 1]) as S | undefined;
    if (leaf === undefined) return false;
    this.series.delete(leaf);
    this.unlinkSeries(leaf);
    return true;
  }

  /** Drop every index path (canonical and aliases) that leads to `target`, pruning empty maps. */
  private unlinkSeries(target: S): void {
    if (target === this.overflowSeries) this.overflowSeries = undefined;
    const prune = (node: Node<S>, depth: number): void => {
      for (const [k, v] of node) {
        if (depth === this.labelNames.length - 1) {
          if (v === target) node.delete(k);
        } else {
          prune(v as Node<S>, depth + 1);
          if ((v as Node<S>).size === 0) node.delete(k);
        }
      }
    };
    if (this.labelNames.length > 0) prune(this.root, 0);
  }
}

function positive(options: MetricOptions<string>, key: 'ttlSeconds' | 'maxSeries'): number {
  const v = options[key];
  if (typeof v !== 'number' || !(v > 0) || (key === 'maxSeries' && !Number.isInteger(v))) {
    throw new DefinitionError(
      'ST_INVALID_OPTION',
      `${key} of metric "${options.name}" must be a positive ${key === 'maxSeries' ? 'integer' : 'number'}, got ${showValue(v)}`,
    );
  }
  return v;
}
