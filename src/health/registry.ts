import { DefinitionError, showValue } from '../errors.js';
import { sanitizeDetail } from './sanitize.js';

/** What a probe says about one check. `unknown` (timed out, threw, never reported, stale) is not ready. */
export type CheckStatus = 'pass' | 'fail' | 'unknown';

/** What a check function returns: a boolean, or a status with a short human detail. */
export type CheckResult = boolean | { status: CheckStatus | boolean; detail?: string };

/** A pull check, run on each probe (concurrent probes share one run). */
export interface CheckDefinition {
  /** `[a-z][a-z0-9_]*`, at most 63 characters: it becomes a metric label value and a JSON key. */
  name: string;
  /** Whether readiness depends on it. Default true. */
  critical?: boolean;
  /** Past this the check is `unknown`. Default 500 ms, below the registry's 1 s collect timeout. */
  timeoutMs?: number;
  check: () => CheckResult | Promise<CheckResult>;
  /** Released by `HealthRegistry.close()` (timers, histograms a built-in check holds). */
  close?: () => void;
}

/** A push check: the app calls `report()` when the state changes (modem events, say). */
export interface PushCheckDefinition {
  name: string;
  critical?: boolean;
  /** A report older than this turns `unknown`, so a dead reporter cannot keep a stale `pass`. */
  staleAfterMs?: number;
}

/** One check as a probe shows it. `age_seconds` is the age of the result (null: never reported). */
export interface CheckState {
  status: CheckStatus;
  detail: string;
  age_seconds: number | null;
  critical: boolean;
}

/** A whole readiness answer. */
export interface HealthReport {
  ready: boolean;
  checks: Record<string, CheckState>;
}

const NAME = /^[a-z][a-z0-9_]{0,62}$/;
const DEFAULT_TIMEOUT_MS = 500;

interface Entry {
  name: string;
  critical: boolean;
  kind: 'pull' | 'push';
  timeoutMs: number;
  staleAfterMs: number;
  check?: () => CheckResult | Promise<CheckResult>;
  close?: () => void;
  status: CheckStatus;
  detail: string;
  /** `performance.now()` of the last result; undefined until the first one. */
  at: number | undefined;
  /** Start of a call that has not settled yet: a hung check is not called again on top of it. */
  pendingSince: number | undefined;
}

/**
 * Named health checks, pulled (a function run on each probe, with a timeout) or pushed (state the
 * app reports as events arrive). Ready only when every critical check passes; anything that threw,
 * timed out, went stale or never reported is `unknown`, which is not ready. Details are sanitised
 * (no phone numbers, SIP URIs, tokens...) and cut short before anyone sees them.
 *
 * @example
 * const health = new HealthRegistry();
 * health.register({ name: 'modem', staleAfterMs: 120_000 });  // push: unknown until reported
 * health.register({ name: 'call_store', check: () => store.ping() });
 * modem.on('registered', () => health.report('modem', 'pass', 'registered on home network'));
 * const { ready, checks } = await health.run();
 */
export class HealthRegistry {
  private refresher: NodeJS.Timeout | undefined;
  /** The background refresh period (0: none, or closed). */
  private refreshMs = 0;
  /** The results were read (`snapshot`, `fresh`) since the background refresh last ran the checks. */
  private read = false;
  private readonly entries = new Map<string, Entry>();
  private running: Promise<HealthReport> | undefined;

  /** Add a pull check (with `check`) or declare a push check (without). Names are unique. */
  register(def: CheckDefinition | PushCheckDefinition): void {
    assertCheckName(def.name);
    if (this.entries.has(def.name)) {
      throw new DefinitionError(
        'ST_DUPLICATE_CHECK',
        `health check "${def.name}" is already registered: use another name or unregister it first`,
      );
    }
    const pull = 'check' in def && typeof def.check === 'function';
    const timeoutMs = pull ? ((def as CheckDefinition).timeoutMs ?? DEFAULT_TIMEOUT_MS) : 0;
    const staleAfterMs = pull ? 0 : ((def as PushCheckDefinition).staleAfterMs ?? 0);
    for (const [key, v] of [
      ['timeoutMs', timeoutMs],
      ['staleAfterMs', staleAfterMs],
    ] as const) {
      if (!Number.isFinite(v) || v < 0 || (key === 'timeoutMs' && pull && v === 0)) {
        throw new DefinitionError(
          'ST_INVALID_OPTION',
          `${key} of health check "${def.name}" must be a positive number of milliseconds, got ${showValue(v)}`,
        );
      }
    }
    const entry: Entry = {
      name: def.name,
      critical: def.critical ?? true,
      kind: pull ? 'pull' : 'push',
      timeoutMs,
      staleAfterMs,
      status: 'unknown',
      detail: 'never reported',
      at: undefined,
      pendingSince: undefined,
    };
    if (pull) entry.check = (def as CheckDefinition).check;
    const close = (def as CheckDefinition).close;
    if (typeof close === 'function') entry.close = close;
    this.entries.set(def.name, entry);
  }

  /** Remove a check (its `close` runs). */
  unregister(name: string): boolean {
    const e = this.entries.get(name);
    if (e === undefined) return false;
    e.close?.();
    return this.entries.delete(name);
  }

  /** Names of registered checks, in registration order. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  /**
   * Push a state. An unregistered name is declared on the fly as a critical push check that never
   * goes stale; declare it with `register({ name, staleAfterMs })` first to change either.
   */
  report(name: string, status: CheckStatus | boolean, detail?: string): void {
    let e = this.entries.get(name);
    if (e === undefined) {
      this.register({ name });
      e = this.entries.get(name) as Entry;
    }
    if (e.kind === 'pull') {
      throw new DefinitionError(
        'ST_PULL_CHECK_REPORT',
        `health check "${name}" is a pull check (it has a check function): report() is for push checks`,
      );
    }
    this.settle(e, toResult(status, detail));
  }

  /**
   * Run every pull check (each within its timeout) and answer with every check's state. Never
   * rejects. Concurrent callers share one run, so a flood of probes costs one set of checks.
   */
  run(): Promise<HealthReport> {
    this.running ??= this.runAll().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /**
   * The last known states without running anything (push checks still age and go stale). A
   * background refresh that parked (nobody read a period's results) resumes; `fresh()` waits for it.
   */
  snapshot(): HealthReport {
    this.read = true;
    if (this.refreshMs > 0 && this.refresher === undefined) void this.refresh();
    return this.states();
  }

  /** The states now, read by no one yet (a run's own answer does not keep the refresh going). */
  private states(): HealthReport {
    const now = performance.now();
    const checks: Record<string, CheckState> = {};
    let ready = true;
    for (const e of this.entries.values()) {
      let status = e.status;
      let detail = e.detail;
      if (e.kind === 'push' && e.at !== undefined && e.staleAfterMs > 0 && now - e.at > e.staleAfterMs) {
        status = 'unknown';
        detail = `stale: no report for ${Math.round((now - e.at) / 1000)} s (limit ${e.staleAfterMs / 1000} s)`;
      }
      const age = e.at === undefined ? null : Math.round((now - e.at) / 100) / 10;
      checks[e.name] = { status, detail, age_seconds: age, critical: e.critical };
      if (e.critical && status !== 'pass') ready = false;
    }
    return { ready, checks };
  }

  /**
   * Run the pull checks now and then every `ms` in the background (an unref'd timer), so readers
   * of `snapshot()` (the health metrics on every scrape) never wait on a check or query a store.
   * A period whose results nobody read parks the timer until the next read (`snapshot`, `fresh`).
   * Idempotent; `close()` stops it. Resolves with the first run's report.
   * @example
   * await health.refreshEvery(10_000);
   */
  refreshEvery(ms: number): Promise<HealthReport> {
    this.refreshMs = ms;
    return this.refresh();
  }

  /**
   * Results no older than the refresh period: after a spell with no reader the background refresh
   * has parked, and this runs the checks now (as the first read after start-up waits for the first
   * run); otherwise the last results, or the run under way.
   */
  fresh(): Promise<HealthReport> {
    this.read = true;
    if (this.refreshMs > 0 && this.refresher === undefined) return this.refresh();
    return this.running ?? Promise.resolve(this.snapshot());
  }

  /** Release what built-in checks hold (timers, histograms) and stop the background refresh. */
  close(): void {
    this.refreshMs = 0;
    this.park();
    for (const e of this.entries.values()) e.close?.();
  }

  /** Run now, and again every refreshMs while someone reads the results. */
  private refresh(): Promise<HealthReport> {
    this.read = false;
    this.refresher ??= setInterval(() => {
      // Nobody read the last period's results: no reason to run the checks (a store probe, a
      // statfs) until someone does. An idle sidecar ran them 360 times an hour (issue 51).
      if (!this.read) return this.park();
      this.read = false;
      void this.run();
    }, this.refreshMs);
    this.refresher.unref();
    return this.run();
  }

  private park(): void {
    clearInterval(this.refresher);
    this.refresher = undefined;
  }

  private async runAll(): Promise<HealthReport> {
    const runs: Promise<void>[] = [];
    for (const e of this.entries.values()) if (e.kind === 'pull') runs.push(this.runOne(e));
    await Promise.all(runs);
    return this.states();
  }

  private async runOne(e: Entry): Promise<void> {
    if (e.pendingSince !== undefined) {
      const s = Math.round((performance.now() - e.pendingSince) / 1000);
      this.settle(e, { status: 'unknown', detail: `previous run has not finished after ${s} s` });
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const check = e.check as () => CheckResult | Promise<CheckResult>;
    e.pendingSince = performance.now();
    const call = Promise.resolve()
      .then(check)
      .finally(() => {
        e.pendingSince = undefined;
      });
    try {
      const result = await Promise.race([
        call,
        new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), e.timeoutMs);
        }),
      ]);
      if (result === 'timeout') {
        // The late outcome is dropped, but must not surface as an unhandled rejection.
        call.catch(() => {});
        this.settle(e, { status: 'unknown', detail: `timed out after ${e.timeoutMs} ms` });
      } else this.settle(e, normalise(result));
    } catch (err) {
      this.settle(e, { status: 'unknown', detail: `check threw: ${sanitizeDetail(err)}` });
    } finally {
      clearTimeout(timer);
    }
  }

  private settle(e: Entry, r: { status: CheckStatus; detail: string }): void {
    e.status = r.status;
    e.detail = sanitizeDetail(r.detail);
    e.at = performance.now();
  }
}

/** Throws unless `name` is a valid check name (`[a-z][a-z0-9_]*`, at most 63 characters). */
export function assertCheckName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new DefinitionError(
      'ST_INVALID_CHECK_NAME',
      `health check name ${showValue(name)} is invalid: use lower-case letters, digits and '_', start with a letter, at most 63 characters (e.g. "modem_registered")`,
    );
  }
}

function toResult(
  status: CheckStatus | boolean,
  detail: string | undefined,
): { status: CheckStatus; detail: string } {
  const s = status === true ? 'pass' : status === false ? 'fail' : status;
  if (s !== 'pass' && s !== 'fail' && s !== 'unknown') {
    return { status: 'unknown', detail: `invalid status ${sanitizeDetail(showValue(status))}` };
  }
  return { status: s, detail: detail ?? '' };
}

function normalise(result: CheckResult): { status: CheckStatus; detail: string } {
  if (typeof result === 'boolean') return toResult(result, undefined);
  if (result !== null && typeof result === 'object') return toResult(result.status, result.detail);
  return { status: 'unknown', detail: 'check returned neither a boolean nor { status }' };
}
