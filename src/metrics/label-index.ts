import { LabelPolicyError } from '../errors.js';
import { guardLabelValue, OTHER } from '../guard/policy.js';
import { escapeLabelValue } from './format.js';
import { compileFind, type Find } from './label-find.js';
import type { Labels, MetricContext } from './metric-options.js';
import { EPOCH, type Series } from './series.js';
import { Swept } from './swept.js';

type Node<S> = Map<unknown, Node<S> | S>;

/** How the metric that owns an index makes a series and puts one back to its initial state. */
export interface SeriesKind<S> {
  /** A new series; `labelText` is its labels as exposition text, escaped (see `labelText`). */
  newSeries(now: number, labelText: string): S;
  reset(series: S): void;
}

/**
 * The label index: nested maps, one level per declared label, keyed by the value given. A lookup
 * is n `Map.get` calls with no string building, sorting or hashing of the whole set. The index is
 * also the only store of the values; each series keeps its label text, made once with the series
 * (`Series.text`), so a render walks the leaves and writes what they hold. Canonical keys are
 * strings; numbers are aliases of their string form, skipped when walking. A `Metric` has one (composition: the metric owns the
 * definition and the output, the index only the series and their labels).
 */
export class LabelIndex<L extends string, S extends Series> {
  private readonly name: string;
  private readonly labelNames: readonly L[];
  private readonly ttlMs: number;
  private readonly ctx: MetricContext;
  private readonly kind: SeriesKind<S>;
  private readonly allowed: readonly (ReadonlySet<string> | undefined)[];
  private readonly maxSeries: number;
  private readonly root: Node<S> = new Map();
  /**
   * The compiled lookup (label-find.ts), made at the first lookup: a sidecar defines some 200
   * metrics at start-up, most never looked up by labels until their events come (compiling each at
   * definition was 5 ms of the sidecar's start-up CPU in a profile, issue 51).
   */
  private find: Find = (root, values) => (this.find = compileFind(this.labelNames))(root, values);
  private noLabels: S | undefined;
  private count = 0;
  /** Whether any number alias was ever set (see `alias`); until then a walk needs no key check. */
  private aliased = false;
  /** Series the TTL sweep took out, held weakly until written again (see `Swept`). */
  private swept: Swept<S> | undefined;

  /** `allowed`: each label's enum (with `other`), undefined where any value is guarded instead. */
  constructor(
    name: string,
    labelNames: readonly L[],
    allowed: readonly (ReadonlySet<string> | undefined)[],
    limits: { maxSeries: number; ttlMs: number },
    ctx: MetricContext,
    kind: SeriesKind<S>,
  ) {
    this.name = name;
    this.kind = kind;
    this.labelNames = labelNames;
    this.allowed = allowed;
    this.maxSeries = limits.maxSeries;
    this.ttlMs = limits.ttlMs;
    this.ctx = ctx;
  }

  /**
   * The owner calls this once its `newSeries` can run; it gives the one series of a metric with no
   * labels (undefined with labels).
   */
  init(): S | undefined {
    if (this.labelNames.length === 0) {
      this.noLabels = this.kind.newSeries(Date.now(), '');
      this.count = 1;
    }
    return this.noLabels;
  }

  /** Visit every series with its label values in declared order (the array is reused: copy it). */
  forEachLabelValues(fn: (series: S, values: readonly string[]) => void): void {
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

  /** Visit every exposed series, in exposition order; each holds its text (`Series.text`). */
  forEachSeries(fn: (series: S) => void): void {
    if (this.noLabels !== undefined) fn(this.noLabels);
    else if (this.labelNames.length > 0) this.walk(this.root, 0, fn);
  }

  private walk(node: Node<S>, depth: number, fn: (series: S) => void): void {
    const leaves = depth === this.labelNames.length - 1;
    if (!this.aliased) {
      // No alias anywhere: every entry is exposed, and the values alone say so.
      for (const v of node.values()) {
        if (leaves) fn(v as S);
        else this.walk(v as Node<S>, depth + 1, fn);
      }
      return;
    }
    // forEach, not for-of: the iterator would allocate an entry array per series. Number keys are
    // aliases of a string key's series (see `alias`): skipped, or the series would show twice.
    if (leaves) {
      node.forEach((v, k) => {
        if (typeof k === 'string') fn(v as S);
      });
    } else {
      node.forEach((v, k) => {
        if (typeof k === 'string') this.walk(v as Node<S>, depth + 1, fn);
      });
    }
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
    this.aliased = false;
    this.swept = undefined;
    if (this.noLabels === undefined) this.count = 0;
    else this.kind.reset(this.noLabels);
  }

  /**
   * Expire series idle for longer than `ttlSeconds`; returns how many were removed. A series
   * written through its handle since it was swept is put back first.
   */
  sweep(now: number): number {
    if (this.ttlMs === 0 || this.noLabels !== undefined) return 0;
    this.swept?.takeWritten((path, s) => this.insert(path, false, s));
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
    this.swept ??= new Swept();
    for (const [path, s] of expired) this.swept.add(path, s);
    return before - this.count;
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
    const swept = this.swept?.take(canonical);
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
      // A series coming back from a sweep comes back to its own path: its text still holds.
      leaf = existing ?? this.kind.newSeries(Date.now(), this.labelText(canonical));
      node.set(canonical[last], leaf);
      this.count++;
    }
    return leaf;
  }

  /**
   * `a="x",b="y"` for a canonical path, each value escaped (text 0.0.4 and OpenMetrics escape
   * alike). Joined, not concatenated: one flat string, where `+=` would leave the series holding a
   * rope of every part.
   */
  private labelText(canonical: readonly string[]): string {
    const parts: string[] = [];
    for (let i = 0; i < canonical.length; i++) {
      parts.push(
        i === 0 ? '' : ',',
        this.labelNames[i] as string,
        '="',
        escapeLabelValue(canonical[i] as string),
        '"',
      );
    }
    return parts.join('');
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
      if (v !== canonical[i] && !node.has(v)) {
        node.set(v, target);
        this.aliased = true;
      }
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
