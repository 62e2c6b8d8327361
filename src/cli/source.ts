/**
 * Where read verbs get their data: a store file (`--db`, analytics run in-process) or a running
 * server (`--url`, the HTTP API). Both return the shapes the HTTP API returns, so every verb
 * renders the same way whichever it talks to.
 */

import { type CallView, toCallView } from '../analytics/export.js';
import {
  type Dashboard,
  daily,
  dashboard,
  type ExportFormat,
  exportCalls,
  type FailedCall,
  type FailureGroup,
  failureGroups,
  failures,
  type HealthIndicators,
  type HealthOptions,
  healthIndicators,
  hourly,
  type ModemHistory,
  modemHistory,
  type SeriesPoint,
  type SmsSummary,
  smsSummary,
  type TrunksReport,
  trunkKpis,
} from '../analytics/index.js';
import type { CallStore } from '../store/types.js';
import type { Flags } from './args.js';
import { CliError, UsageError } from './errors.js';
import type { SOURCE_FLAGS } from './flags.js';

export interface CheckState {
  status: string;
  detail: string;
  age_seconds: number | null;
  critical: boolean;
}

/** `GET /readyz`: 200 ready or 503 degraded, with each check. */
export interface Readiness {
  status: 'ready' | 'degraded';
  checks: Record<string, CheckState>;
}

/** `GET /metrics/failures`: the rows, how many (the voice-skill's `count`), and the groups. */
export interface FailuresView {
  failures: FailedCall[];
  count: number;
  groups: FailureGroup[];
}

/** Readiness exists only for a running server; a store file has indicators alone. */
export interface HealthView {
  readiness: Readiness | null;
  indicators: HealthIndicators;
}

export interface ExportStream {
  chunks: AsyncIterable<string>;
  /**
   * How far through the period the export is, 0..1, when the source can tell (a store file: the
   * filing time of the last row read). Counting the rows first would be a second pass over them.
   */
  done?: () => number;
}

export interface CleanupResult {
  closed: number;
  maxActiveSeconds: number;
}

export interface Span {
  days?: number | undefined;
  hours?: number | undefined;
}

export interface DataSource {
  readonly kind: 'db' | 'url';
  /** The file or URL, for messages. */
  readonly where: string;
  dashboard(span: Span): Promise<Dashboard>;
  trunks(span: Span): Promise<TrunksReport>;
  sms(span: Span): Promise<SmsSummary>;
  /** Each modem's stored history over the span: trend, reconnects, timeline. */
  modems(span: Span): Promise<ModemHistory>;
  /**
   * The newest failed calls, and every failure of the span grouped by reason x trunk. `reveal`:
   * raw numbers, from a store file that keeps them (`store.store_raw_numbers`).
   */
  failures(limit: number, span: Span, reveal?: boolean): Promise<FailuresView>;
  hourly(hours: number): Promise<SeriesPoint[]>;
  daily(days: number): Promise<SeriesPoint[]>;
  health(): Promise<HealthView>;
  exportCalls(format: ExportFormat, days: number, reveal?: boolean): Promise<ExportStream>;
  /** One call by the id it was sent with or its `cid:…` reference; undefined when not stored. */
  /** One call by id, with its end-to-end call when other legs of it are stored. */
  call(id: string): Promise<CallView | undefined>;
  /** The raw exposition; only a running server has one. */
  metrics(): Promise<string>;
  /** `maxActiveSeconds` only for store files: a server applies its own configured limit. */
  cleanup(maxActiveSeconds?: number): Promise<CleanupResult>;
  close(): Promise<void>;
}

const HOUR = 3_600_000;
const DAY = 86_400_000;

export const spanMs = (s: Span): number => (s.hours !== undefined ? s.hours * HOUR : (s.days ?? 1) * DAY);

/** Analytics over an open store file; numbers masked unless revealed from a raw-keeping store. */
export class DbSource implements DataSource {
  readonly kind = 'db';

  constructor(
    readonly where: string,
    private readonly store: CallStore,
    /** Call-health thresholds ([alerts], [store]), as the server applies them. */
    private readonly thresholds: HealthOptions & { maxActiveSeconds: number },
    private readonly storeRaw = false,
  ) {}

  /** Revealing needs both the operator's flag and raw storage: say so rather than silently mask. */
  private reveal(asked: boolean | undefined): boolean {
    if (asked && !this.storeRaw) {
      throw new CliError(
        '--reveal shows raw numbers only from a store that keeps them: set store.store_raw_numbers = true in the config (calls recorded before that stay masked)',
      );
    }
    return asked === true;
  }

  async dashboard(span: Span): Promise<Dashboard> {
    const to = Date.now();
    return dashboard(this.store, { from: to - spanMs(span), to });
  }
  trunks(span: Span): Promise<TrunksReport> {
    const to = Date.now();
    return trunkKpis(this.store, { from: to - spanMs(span), to });
  }
  sms(span: Span): Promise<SmsSummary> {
    const to = Date.now();
    return smsSummary(this.store, { from: to - spanMs(span), to });
  }
  modems(span: Span): Promise<ModemHistory> {
    const to = Date.now();
    return modemHistory(this.store, { from: to - spanMs(span), to });
  }
  async failures(limit: number, span: Span, reveal?: boolean): Promise<FailuresView> {
    const to = Date.now();
    const rows = await failures(this.store, { limit, reveal: this.reveal(reveal) });
    return {
      failures: rows,
      count: rows.length,
      groups: await failureGroups(this.store, { from: to - spanMs(span), to }),
    };
  }
  hourly(hours: number): Promise<SeriesPoint[]> {
    return hourly(this.store, { hours });
  }
  daily(days: number): Promise<SeriesPoint[]> {
    return daily(this.store, { days });
  }
  async health(): Promise<HealthView> {
    return {
      readiness: null,
      indicators: await healthIndicators(this.store, this.thresholds),
    };
  }
  async exportCalls(format: ExportFormat, days: number, reveal?: boolean): Promise<ExportStream> {
    const show = this.reveal(reveal);
    const to = Date.now();
    const from = to - days * DAY;
    // Rows come in filing order: the last one read says how far through the period the export is.
    let at = from;
    const store = this.store;
    const tracked = Object.create(store) as CallStore;
    tracked.iterateCalls = async function* (q, opts) {
      for await (const call of store.iterateCalls(q, opts)) {
        at = call.firstAt;
        yield call;
      }
    };
    return {
      chunks: exportCalls(tracked, { from, to, format, reveal: show }),
      done: () => Math.min(1, Math.max(0, (at - from) / (to - from))),
    };
  }
  async call(id: string): Promise<CallView | undefined> {
    const c = await this.store.getCall(id);
    return c === undefined ? undefined : toCallView(c);
  }
  async metrics(): Promise<string> {
    throw new UsageError(
      'metrics needs a running server: the exposition lives in its memory, not in the store; use --url URL',
    );
  }
  async cleanup(maxActiveSeconds?: number): Promise<CleanupResult> {
    const max = maxActiveSeconds ?? this.thresholds.maxActiveSeconds;
    return { closed: await this.store.closeZombies(max, Date.now()), maxActiveSeconds: max };
  }
  close(): Promise<void> {
    return this.store.close();
  }
}

export type SourceFlags = Flags<typeof SOURCE_FLAGS>;
