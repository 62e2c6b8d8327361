import type { PriceTable } from '../domain/cost.js';
import { DefinitionError, showValue } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import type { ExemplarLabels } from '../metrics/exemplar.js';
import type {
  Counter,
  CounterSeries,
  Gauge,
  GaugeSeries,
  Histogram,
  HistogramSeries,
  Registry,
} from '../metrics/index.js';
import { type ConfigList, catalogueEntry, type MetricSpec, type PackName } from './catalogue.js';
import { DEAD_AIR_SECONDS } from './outcome/turns.js';
import { Enum, SeriesTable } from './table.js';

/** Options every pack factory takes (`instrument` passes the same object to each). */
export interface PackOptions {
  /** Metric name prefix; default `sidetone` (Callstack users: `callstack`). */
  prefix?: string;
  /** Trunk names allowed as label values; any other trunk is `other`. */
  trunks?: readonly string[];
  /** Operator names (or MCC+MNC) allowed as label values. */
  operators?: readonly string[];
  /** Modem ids allowed as label values; default `['modem0']`. Events without `modem` use the first. */
  modems?: readonly string[];
  /** Queue names allowed as label values. */
  queues?: readonly string[];
  /** Voice-agent names allowed as label values (`voiceai.turn` `agent`). */
  agents?: readonly string[];
  /** LLM model names allowed as label values (`voiceai.turn` `model`). */
  models?: readonly string[];
  /** A voice-agent turn whose caller waited longer than this is dead air. Default 3 s. */
  deadAirSeconds?: number;
  /** The operator's price table (`voiceai.prices`): voice-agent usage is costed. Default none. */
  prices?: PriceTable | null;
  /** Signal and trunk status older than this become absent (unknown). Default 300. */
  staleAfterSeconds?: number;
  /** Modem flapping: `reconnects` within `windowSeconds`. Default 3 in 600 s. */
  flapping?: { reconnects: number; windowSeconds: number };
  /** Tracked calls, dialogs and SMS references kept at most (oldest evicted). Default 100000. */
  maxTracked?: number;
  /** Tracked calls and dialogs older than this are zombies and evicted. Default 14400 (4 h). */
  maxAgeSeconds?: number;
  /** Clock in epoch ms, for events without `ts` and for ages. Default `Date.now`. */
  now?: () => number;
  /**
   * The exemplar of a call (its trace: `{ trace_id, span_id }`), put on the latency histograms
   * (PDD, setup, duration, voice-AI first byte) so a slow bucket links to a trace. Default: none.
   * @example
   * exemplar: (callId) => { const s = traces.spanContext(callId); return s && { trace_id: s.traceId } }
   */
  exemplar?: (callId: string) => ExemplarLabels | undefined;
  /**
   * Told once per list of the first name outside it that became `other` (agents and models of
   * voice-agent turns; each is counted in `voiceai_unconfigured_names_total`). The sidecar logs it
   * with the setting that admits the name. Default: nothing.
   */
  onUnconfiguredName?: (list: ConfigList, name: string) => void;
}

export type ResolvedOptions = Required<Omit<PackOptions, ConfigList>> & Record<ConfigList, readonly string[]>;

/** Health-check answer of a pack (for the health module). `detail` never contains PII. */
export interface Readiness {
  status: 'pass' | 'fail' | 'unknown';
  detail: string;
}

/** What every pack returns besides its typed helpers. */
export interface PackBase {
  readonly name: PackName;
  /** Wire the pack's events on a bus; returns a function that unwires them. */
  subscribe(bus: EventBus): () => void;
}

/** Validate and fill in defaults. Throws `DefinitionError` (`ST_INVALID_OPTION`) on bad values. */
export function resolveOptions(o: PackOptions = {}): ResolvedOptions {
  const positive = (key: string, v: number) => {
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) {
      throw new DefinitionError(
        'ST_INVALID_OPTION',
        `${key} must be a positive number of seconds, got ${showValue(v)}`,
      );
    }
    return v;
  };
  const list = (key: ConfigList, v: readonly string[] | undefined, fallback: readonly string[]) => {
    const names = v ?? fallback;
    if (!Array.isArray(names) || names.some((n) => typeof n !== 'string' || n === '' || n === 'other')) {
      throw new DefinitionError(
        'ST_INVALID_OPTION',
        `${key} must be a list of non-empty names other than "other", got ${showValue(v)}`,
      );
    }
    return [...new Set(names)];
  };
  if (o.modems !== undefined && o.modems.length === 0) {
    throw new DefinitionError(
      'ST_INVALID_OPTION',
      'modems must name at least one modem (default ["modem0"])',
    );
  }
  const flapping = o.flapping ?? { reconnects: 3, windowSeconds: 600 };
  if (!Number.isInteger(flapping.reconnects) || flapping.reconnects < 1) {
    throw new DefinitionError(
      'ST_INVALID_OPTION',
      `flapping.reconnects must be a positive integer, got ${showValue(flapping.reconnects)}`,
    );
  }
  positive('flapping.windowSeconds', flapping.windowSeconds);
  const maxTracked = o.maxTracked ?? 100_000;
  if (!Number.isInteger(maxTracked) || maxTracked < 1) {
    throw new DefinitionError(
      'ST_INVALID_OPTION',
      `maxTracked must be a positive integer, got ${showValue(maxTracked)}`,
    );
  }
  return {
    prefix: o.prefix ?? 'sidetone',
    trunks: list('trunks', o.trunks, []),
    operators: list('operators', o.operators, []),
    modems: list('modems', o.modems, ['modem0']),
    queues: list('queues', o.queues, []),
    agents: list('agents', o.agents, []),
    models: list('models', o.models, []),
    deadAirSeconds: positive('deadAirSeconds', o.deadAirSeconds ?? DEAD_AIR_SECONDS),
    prices: o.prices ?? null,
    staleAfterSeconds: positive('staleAfterSeconds', o.staleAfterSeconds ?? 300),
    flapping,
    maxTracked,
    maxAgeSeconds: positive('maxAgeSeconds', o.maxAgeSeconds ?? 14_400),
    now: o.now ?? Date.now,
    exemplar: o.exemplar ?? noExemplar,
    onUnconfiguredName: o.onUnconfiguredName ?? ignore,
  };
}

const noExemplar = (): undefined => undefined;
const ignore = (): void => {};

/** Counters with at most this many label combinations are bound (and exposed at 0) up front. */
const EAGER_LIMIT = 64;

/**
 * Registers a pack's metrics from the catalogue, so a pack cannot invent a name, a label or an
 * enum value the catalogue (and therefore the docs) does not have.
 */
export class PackMetrics {
  constructor(
    private readonly registry: Registry,
    private readonly options: ResolvedOptions,
    private readonly pack: PackName,
  ) {}

  counter(name: string): SeriesTable<CounterSeries> {
    const { spec, options, dims } = this.prepare(name, 'counter');
    const metric: Counter<string> = this.registry.counter(options);
    return new SeriesTable(
      metric,
      dims,
      dims.reduce((n, d) => n * d.size, 1) <= EAGER_LIMIT && spec.type === 'counter',
    );
  }

  gauge(name: string, collect?: () => void): SeriesTable<GaugeSeries> {
    const { spec, options, dims } = this.prepare(name, 'gauge');
    const metric: Gauge<string> = this.registry.gauge({
      ...options,
      ...(spec.initial === undefined ? {} : { initial: spec.initial }),
      ...(collect === undefined ? {} : { collect }),
    });
    return new SeriesTable(metric, dims, false);
  }

  histogram(name: string): SeriesTable<HistogramSeries> {
    const { spec, options, dims } = this.prepare(name, 'histogram');
    const metric: Histogram<string> = this.registry.histogram({
      ...options,
      ...(spec.buckets === undefined ? {} : { buckets: spec.buckets }),
    });
    return new SeriesTable(metric, dims, false);
  }

  /** The label value list of a configuration list, as an `Enum`; `onOther` told of each value outside it. */
  config(list: ConfigList, onOther?: (value: string) => void): Enum {
    return new Enum(this.options[list], onOther);
  }

  private prepare(name: string, type: MetricSpec['type']) {
    const spec = catalogueEntry(name);
    if (spec === undefined || spec.pack !== this.pack || spec.type !== type) {
      throw new DefinitionError(
        'ST_NOT_IN_CATALOGUE',
        `pack "${this.pack}" asked for ${type} "${name}", which the catalogue does not list for it: add it to src/telephony/catalogue`,
      );
    }
    const labels = Object.keys(spec.labels ?? {});
    const enums: Record<string, readonly string[]> = {};
    const dims = labels.map((label) => {
      const v = spec.labels?.[label] as readonly string[] | ConfigList;
      const values = typeof v === 'string' ? this.options[v] : v;
      enums[label] = values;
      return new Enum(values);
    });
    const options = {
      name: `${this.options.prefix}_${spec.name}`,
      help: spec.help,
      labels,
      enums,
      ...(spec.unit === undefined ? {} : { unit: spec.unit }),
    };
    return { spec, options, dims };
  }
}

/** Subscribe several handlers and return one function that removes them all. */
export function wire(offs: Array<() => void>): () => void {
  return () => {
    for (const off of offs.splice(0)) off();
  };
}

/** Event time in epoch ms: the event's `ts` when present, else the pack clock. */
export function eventTime(ts: number | undefined, now: () => number): number {
  return ts ?? now();
}
