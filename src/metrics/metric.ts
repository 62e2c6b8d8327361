import { DefinitionError, LabelPolicyError, showValue } from '../errors.js';
import { assertNoPii, type GuardOptions, type GuardSink, guardLabelValue, OTHER } from '../guard/policy.js';
import { escapeLabelValue } from './format.js';
import { Lines } from './header.js';
import { assertLabelNames, assertMetricName } from './names.js';
import type { NativeHistogramOptions } from './native-histogram.js';
import type { FamilySnapshot, SeriesSnapshot } from './snapshot.js';

/** A series' values in a snapshot: everything but its labels. */
export type SeriesValues = Omit<SeriesSnapshot, 'labels'>;

/** Label values keyed by the declared label names; a missing or extra key is a compile error. */
export type Labels<L extends string> = [L] extends [never]
  ? Readonly<Record<string, never>>
  : { readonly [K in L]: string | number };

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
  /**
   * Labels whose enum values are the operator's own configuration, not data about calls or people
   * (a filesystem path they chose, which may well hold a long run of digits). Their values are not
   * scanned for PII at definition; they stay a closed enum. Every other label is scanned.
   * @example
   * registry.gauge({ name: 'disk_free_bytes', help: 'Free space', labels: ['path'], enums: { path: [dir] }, configuredLabels: ['path'] });
   */
  configuredLabels?: readonly L[];
  /** Remove series not updated for this long (checked at scrape or `registry.sweep()`). */
  ttlSeconds?: number;
  /** Override the registry's per-metric series cap. */
  maxSeries?: number;
}

/** Why a sample was dropped; a bounded label of `sidetone_samples_dropped_total`. */
export type DropReason = 'nan' | 'negative' | 'infinite' | 'not_a_number' | 'invalid_exemplar';

/** Why an observation a histogram or summary refused (off the hot path: only for a refused one). */
export function observationDropReason(v: unknown): DropReason {
  if (typeof v !== 'number') return 'not_a_number';
  if (Number.isNaN(v)) return 'nan';
  return Number.isFinite(v) ? 'negative' : 'infinite';
}

/** What a metric needs from its registry. */
export interface MetricContext extends GuardSink {
  readonly guard: Required<GuardOptions>;
  dropped(metric: string, reason: DropReason): void;
  /** Self-metrics bypass the guard (their label values are metric names, bounded by definitions). */
  readonly internal: boolean;
  /** The registry's default for histograms that leave `native` unset. */
  readonly nativeHistograms?: boolean | NativeHistogramOptions;
  /** Write OpenMetrics `_created` samples (the registry's `createdTimestamps`). */
  readonly createdTimestamps?: boolean;
}

/** What a series needs from its metric: the name and where to count a dropped sample. */
export interface SeriesOwner {
  readonly name: string;
  drop(v: unknown): void;
  /** An exemplar whose labels cannot be exposed (the sample itself was kept). */
  dropExemplar(): void;
}

/** State every series carries; type-specific values live on the subclasses. */
export abstract class Series {
  /**
   * Creation time as ms since module load: a small integer stays unboxed (a Smi), where an epoch
   * timestamp would cost a heap number per series.
   */
  private readonly bornAt: number;
  /**
   * 0 after every update; the TTL sweep stamps it with the time (ms since module load) it first
   * found the series idle. One store on the hot path, no clock read.
   */
  idle = 0;
  constructor(now: number) {
    this.bornAt = now - EPOCH;
  }
  /** Epoch ms of creation, for OpenMetrics `_created`. */
  get created(): number {
    return EPOCH + this.bornAt;
  }
}

const EPOCH = Date.now();

/** Drops a detached entry once its series is collected (unless the key was reused since). */
const FREED = new FinalizationRegistry<{ map: Map<string, WeakRef<object>>; key: string }>(({ map, key }) => {
  if (map.get(key)?.deref() === undefined) map.delete(key);
});

type Node<S> = Map<unknown, Node<S> | S>;

type Find = (root: Map<unknown, unknown>, values: object) => unknown;

/**
 * The series lookup for one list of label names, made once per metric: a function reading
 * `values.route` by name gets an inline cache per label, where `values[names[i]]` is a keyed read
 * V8 handles far slower (about a third of a lookup). Label names are validated identifiers
 * (`[a-zA-Z_][a-zA-Z0-9_]*`), safe in source text. Where code generation is disallowed (a CSP, some
 * edge runtimes) the generic loop does the same walk.
 */
function compileFind(names: readonly string[]): Find {
  if (names.length > 0 && names.length <= 8) {
    let body = 'let n = root;\n';
    for (let i = 0; i < names.length - 1; i++) {
      body += `n = n.get(v.${names[i]});\nif (n === undefined) return undefined;\n`;
    }
    body += `return n.get(v.${names[names.length - 1]});`;
    try {
      return new Function('root', 'v', body) as Find;
    } catch {
      // code generation not allowed here: the loop below
    }
  }
  return (root, values) => {
    let node: unknown = root;
    for (const name of names) {
      node = (node as Map<unknown, unknown>).get((values as Record<string, unknown>)[name]);
      if (node === undefined) return undefined;
    }
    return node;
  };
}

/**
 * The label index: nested maps, one level per declared label, keyed by the value given. A lookup
 * is n `Map.get` calls with no string building, sorting or hashing of the whole set. The index is
 * also the only store: series hold no label text, which is rebuilt level by level at render, so a
 * series costs its values and one map entry. Canonical keys are strings; numbers are aliases of
 * their string form, skipped when walking.
 */
export abstract class Metric<L extends string, S extends Series> {
  abstract readonly type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'info';
  readonly name: string;
  readonly help: string;
  readonly unit: string | undefined;
  readonly labelNames: readonly L[];
  readonly ttlMs: number;
  protected readonly ctx: MetricContext;
  private readonly allowed: (ReadonlySet<string> | undefined)[];
  private readonly maxSeries: number;
  private readonly root: Node<S> = new Map();
  private readonly find: Find;
  private noLabels: S | undefined;
  private count = 0;
  /**
   * Series the TTL sweep took out of the index, by canonical path, held weakly: a handle the app
   * still holds brings its series back on its next write (no increment lost, no restart on
   * rebinding); a series nobody holds is garbage collected and its entry dropped.
   */
  private detached: Map<string, WeakRef<S>> | undefined;

  constructor(type: string, options: MetricOptions<L>, ctx: MetricContext) {
    assertMetricName(options.name);
    const labelNames = options.labels ?? [];
    assertLabelNames(options.name, type, labelNames);
    // Blank HELP (only whitespace) is as empty as no HELP: promtool lint refuses both.
    if (typeof options.help !== 'string' || options.help.trim().length === 0) {
      throw new DefinitionError(
        'ST_MISSING_HELP',
        `metric "${options.name}" needs a non-blank help string (got ${showValue(options.help)}): say what it counts and in which unit`,
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
    this.find = compileFind(labelNames);
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
    const configured = new Set<string>(options.configuredLabels ?? []);
    for (const n of configured) {
      if (!Object.hasOwn(enums, n)) {
        throw new DefinitionError(
          'ST_ENUM_UNKNOWN_LABEL',
          `metric "${options.name}" marks label "${n}" as configured, but declares no enum of its values: list them in enums`,
        );
      }
    }
    this.allowed = labelNames.map((n) => {
      // Own keys only: a label named `constructor` must not read Object.prototype's.
      const values = Object.hasOwn(enums, n) ? enums[n] : undefined;
      if (values === undefined) return undefined;
      for (const v of values) {
        if (typeof v !== 'string') {
          throw new DefinitionError(
            'ST_INVALID_ENUM',
            `enum of label "${n}" on metric "${options.name}" has ${showValue(v)}: values must be strings`,
          );
        }
        if (!ctx.internal && !configured.has(n)) assertNoPii(`enum value of label "${n}"`, options.name, v);
      }
      // `other` is always allowed: it is where misses and the overflow series go.
      return new Set([...values, OTHER]);
    });
  }

  /** Subclasses call this last in their constructor, once `newSeries` can run. */
  protected init(): void {
    if (this.labelNames.length === 0) {
      this.noLabels = this.newSeries(Date.now());
      this.count = 1;
    }
  }

  protected abstract newSeries(now: number): S;

  /** Append this family (HELP, TYPE, samples) to a render. */
  abstract renderInto(out: Lines, om: boolean): void;

  /** @internal Count an exemplar that could not be kept (see `makeExemplar`). */
  dropExemplar(): void {
    this.ctx.dropped(this.name, 'invalid_exemplar');
  }

  /** A series' values for a snapshot; `undefined` leaves the series out (an unknown gauge). */
  protected abstract sample(series: S, now: number): SeriesValues | undefined;

  /**
   * This family, format-neutral: what every writer (text, OpenMetrics, remote-write, OTLP) reads.
   * @example
   * const family = calls.snapshot();
   */
  snapshot(now = Date.now()): FamilySnapshot {
    const series: SeriesSnapshot[] = [];
    const names = this.labelNames;
    this.forEachLabelValues((s, values) => {
      const v = this.sample(s, now);
      if (v === undefined) return;
      const labels = values.map((value, i) => [names[i] as string, value] as const);
      series.push({ labels, ...v });
    });
    const family: FamilySnapshot = { name: this.name, type: this.type, help: this.help, series };
    if (this.unit !== undefined) family.unit = this.unit;
    return family;
  }

  /** Visit every series with its label values in declared order (the array is reused: copy it). */
  protected forEachLabelValues(fn: (series: S, values: readonly string[]) => void): void {
    if (this.noLabels !== undefined) {
      fn(this.noLabels, []);
      return;
    }
    const last = this.labelNames.length - 1;
    if (last < 0) return;
    const values: string[] = new Array(last + 1);
    const visit = (node: Node<S>, depth: number): void => {
      // forEach, not for-of: the iterator would allocate an entry array per series.
      node.forEach((v, k) => {
        if (typeof k !== 'string') return;
        values[depth] = k;
        if (depth === last) fn(v as S, values);
        else visit(v as Node<S>, depth + 1);
      });
    };
    visit(this.root, 0);
  }

  /** This family alone, as exposition text. */
  render(om: boolean): string {
    const out = new Lines();
    this.renderInto(out, om);
    return out.text();
  }

  /** The series with no labels (metrics declared without labels). */
  protected get single(): S {
    return this.noLabels ?? this.labels({} as Labels<L>);
  }

  /** How many series are exposed. */
  get size(): number {
    return this.count;
  }

  /**
   * Bind a series. Keep the handle: updates through it do no lookup at all.
   * @example
   * const ok = invites.labels({ direction: 'inbound', class: '2xx' });
   * ok.inc();
   */
  labels(values: Labels<L>): S {
    if (this.noLabels !== undefined) return this.noLabels;
    return (this.find(this.root, values) as S | undefined) ?? this.miss(values);
  }

  /**
   * Visit every series with its rendered label text (`a="x",b="y"`, or '' without labels).
   * Label text is built per level, so series sharing a prefix share its string.
   */
  forEachSeries(fn: (series: S, labelText: string) => void): void {
    if (this.noLabels !== undefined) fn(this.noLabels, '');
    else if (this.labelNames.length > 0) this.walk(this.root, 0, '', fn);
  }

  private walk(
    node: Node<S>,
    depth: number,
    prefix: string,
    fn: (series: S, labelText: string) => void,
  ): void {
    const last = depth === this.labelNames.length - 1;
    const name = this.labelNames[depth] as string;
    const before = depth === 0 ? `${name}="` : `${prefix},${name}="`;
    // forEach, not for-of: the iterator would allocate an entry array per series.
    node.forEach((v, k) => {
      if (typeof k !== 'string') return;
      const text = `${before}${escapeLabelValue(k)}"`;
      if (last) fn(v as S, text);
      else this.walk(v as Node<S>, depth + 1, text, fn);
    });
  }

  /** Remove one series; a handle bound to it keeps working but is no longer exposed. */
  remove(values: Labels<L>): boolean {
    if (this.noLabels !== undefined) return false;
    const raw = values as Record<string, unknown>;
    const path = this.labelNames.map((n) => {
      const v = raw[n];
      return typeof v === 'number' ? String(v) : typeof v === 'string' ? v : '';
    });
    const before = this.count;
    this.prune(this.root, 0, () => true, path);
    return this.count < before;
  }

  /**
   * Remove every series. A metric without labels keeps its one series (handles stay bound to it),
   * reset to its initial state, so `clear()` means the same for every type.
   */
  clear(): void {
    this.root.clear();
    this.detached = undefined;
    if (this.noLabels === undefined) this.count = 0;
    else this.reset(this.noLabels);
  }

  /** Put a series back to the state `newSeries` gives it (used by `clear()`). */
  protected abstract reset(series: S): void;

  /**
   * Expire series idle for longer than `ttlSeconds`; returns how many were removed. A series
   * written through its handle since it was swept is put back first.
   */
  sweep(now: number): number {
    if (this.ttlMs === 0 || this.noLabels !== undefined) return 0;
    this.reattachWritten();
    const at = now - EPOCH;
    const expired: [string[], S][] = [];
    this.forEachLabelValues((s, values) => {
      if (s.idle === 0) s.idle = Math.max(1, at);
      else if (at - s.idle > this.ttlMs) expired.push([values.slice(), s]);
    });
    if (expired.length === 0) return 0;
    const before = this.count;
    const gone = new Set(expired.map(([, s]) => s));
    this.prune(this.root, 0, (s) => gone.has(s));
    this.detached ??= new Map();
    for (const [path, s] of expired) {
      const key = path.join('\0');
      this.detached.set(key, new WeakRef(s));
      FREED.register(s, { map: this.detached, key });
    }
    return before - this.count;
  }

  /** Swept series written since (a write sets `idle` to 0) go back into the index. */
  private reattachWritten(): void {
    if (this.detached === undefined) return;
    for (const [key, ref] of this.detached) {
      const s = ref.deref();
      if (s === undefined) this.detached.delete(key);
      else if (s.idle === 0) {
        this.detached.delete(key);
        this.insert(key.split('\0'), false, s);
      }
    }
  }

  /**
   * Delete the leaves `drop` selects (with their number aliases) and the maps left empty. With a
   * `path`, only that branch is visited.
   */
  private prune(node: Node<S>, depth: number, drop: (s: S) => boolean, path?: string[]): void {
    const last = depth === this.labelNames.length - 1;
    const dead = new Set<unknown>();
    for (const [k, v] of node) {
      if (typeof k !== 'string' || (path !== undefined && k !== path[depth])) continue;
      if (last) {
        if (drop(v as S)) dead.add(v);
      } else {
        this.prune(v as Node<S>, depth + 1, drop, path);
        if ((v as Node<S>).size === 0) dead.add(v);
      }
    }
    if (dead.size === 0) return;
    for (const [k, v] of node) {
      if (!dead.has(v)) continue;
      node.delete(k);
      if (last && typeof k === 'string') this.count--;
    }
  }

  /** Cold path: first sight of a value tuple. Guards run here, once per new series. */
  private miss(values: Labels<L>): S {
    const raw = values as Record<string, unknown>;
    if (!this.ctx.internal) this.checkUnknownKeys(raw);
    const canonical = this.canonical(raw);
    const swept = this.detached?.get(canonical.join('\0'))?.deref();
    if (swept !== undefined) this.detached?.delete(canonical.join('\0'));
    // A series coming back is not new: it was counted against the cap when first created.
    const leaf = this.insert(canonical, swept === undefined, swept) ?? this.overflow();
    this.alias(raw, canonical, leaf);
    return leaf;
  }

  /**
   * Find or create the series at a canonical path (`existing`: put that series there, e.g. one
   * coming back from a sweep); undefined when creating would pass the cap.
   */
  private insert(canonical: string[], capped: boolean, existing?: S): S | undefined {
    let node = this.root;
    const last = canonical.length - 1;
    for (let i = 0; i < last; i++) {
      let next = node.get(canonical[i]) as Node<S> | undefined;
      if (next === undefined) {
        if (capped && this.count >= this.maxSeries) return undefined;
        next = new Map();
        node.set(canonical[i], next);
      }
      node = next;
    }
    let leaf = node.get(canonical[last]) as S | undefined;
    if (leaf === undefined) {
      if (capped && this.count >= this.maxSeries) return undefined;
      leaf = existing ?? this.newSeries(Date.now());
      node.set(canonical[last], leaf);
      this.count++;
    }
    return leaf;
  }

  /**
   * Let numbers reach the series of their string form directly next time. Only numbers: aliasing
   * a redacted or refused value would keep PII in memory and let bad values grow the index.
   */
  private alias(raw: Record<string, unknown>, canonical: string[], leaf: S): void {
    let node = this.root;
    const names = this.labelNames;
    const last = names.length - 1;
    for (let i = 0; i <= last; i++) {
      const v = raw[names[i] as string];
      if (v !== canonical[i] && (typeof v !== 'number' || String(v) !== canonical[i])) return;
      const target = i === last ? leaf : node.get(canonical[i]);
      if (target === undefined) return;
      if (v !== canonical[i] && !node.has(v)) node.set(v, target);
      if (i < last) node = target as Node<S>;
    }
  }

  /**
   * Past the cap, new combinations share the series whose labels are all `other` (which may
   * already exist from enum misses: one series, never two with the same labels).
   */
  private overflow(): S {
    if (this.ctx.guard.strict && !this.ctx.internal) {
      throw new LabelPolicyError(
        'ST_SERIES_CAP',
        `metric "${this.name}" reached its cap of ${this.maxSeries} series: a label is probably unbounded (an id or a number); use an enum or raise maxSeries`,
      );
    }
    this.ctx.overflow(this.name);
    return this.insert(
      this.labelNames.map(() => OTHER),
      false,
    ) as S;
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

  private canonical(raw: Record<string, unknown>): string[] {
    return this.labelNames.map((name, i) => {
      const v = raw[name];
      if (this.ctx.internal) return String(v ?? '');
      return guardLabelValue(this.name, name, this.allowed[i], v, this.ctx.guard, this.ctx);
    });
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
