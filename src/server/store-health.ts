/**
 * The sidecar's view of its store: the readiness check (`call_store`), the metrics of the store
 * sink's queue, and the log lines of a failing store, written once when writes start failing and
 * once when they recover instead of once per failed write (an outage fails a write per request).
 */

import type { Logger } from 'pino';
import { withPrices } from '../config/prices.js';
import type { SidetoneConfig } from '../config/schema.js';
import type { EventBus } from '../events/bus.js';
import type { CheckDefinition, CheckResult } from '../health/registry.js';
import type { Registry } from '../metrics/index.js';
import { type DeadLetter, type StoreSink, storeSink } from '../sinks/store-sink.js';
import { faultCause } from '../store/faults.js';
import type { CallStore } from '../store/types.js';

export interface StoreCheckOptions {
  name: string;
  sink: StoreSink;
  /** Whether the store takes writes now (SQLite: a file written in its directory; PostgreSQL: a primary answers). */
  probe: () => Promise<void>;
  /** How long the current write has waited for another process's lock, in ms (SQLite). */
  writeStallMs?: () => number;
  /** A write waiting on a lock this long makes the check fail. */
  stallMs: number;
  /** The oldest unwritten update waiting this long makes the check fail (`store.stuck_seconds`). */
  stuckMs: number;
}

/**
 * Ready only while the store takes writes and the sink keeps up: a failing write (the database
 * down, hung past its timeout, the disk full), an update unwritten for `stuckMs`, a write stalled
 * on a lock, or a failing probe is 503 with the cause. Liveness never runs it.
 */
export function storeCheck(o: StoreCheckOptions): CheckDefinition {
  // The probe in flight, shared by the checks that come while it runs: a database that does not
  // answer (stopped) holds it until the statement timeout, and the registry runs no check again
  // until the last one settles, which would hide the sink's state meanwhile.
  let probing: { since: number; result: Promise<unknown> } | undefined;
  return {
    name: o.name,
    critical: true,
    check: async (): Promise<CheckResult> => {
      const s = o.sink.state();
      const waiting = `${s.pending} update${s.pending === 1 ? '' : 's'} waiting`;
      if (s.error !== undefined) {
        return { status: 'fail', detail: `writes failing (${faultCause(s.error)}); ${waiting}` };
      }
      if (s.oldestMs >= o.stuckMs) {
        return { status: 'fail', detail: `store behind: oldest of ${waiting} for ${seconds(s.oldestMs)}` };
      }
      const stalled = o.writeStallMs?.() ?? 0;
      if (stalled >= o.stallMs) {
        return {
          status: 'fail',
          detail: `writes have waited ${seconds(stalled)} for the database lock (another process holds it)`,
        };
      }
      if (probing === undefined) {
        const p = {
          since: performance.now(),
          result: o.probe().then(
            () => undefined,
            (err: unknown) => err ?? 'failed',
          ),
        };
        probing = p;
        p.result.finally(() => {
          if (probing === p) probing = undefined;
        });
      }
      const since = probing.since;
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        probing.result,
        new Promise((r) => {
          timer = setTimeout(r, PROBE_WAIT_MS, UNANSWERED);
        }),
      ]);
      clearTimeout(timer);
      if (outcome === UNANSWERED) {
        return {
          status: 'fail',
          detail: `the store has not answered a probe for ${seconds(performance.now() - since)}`,
        };
      }
      if (outcome !== undefined) return { status: 'fail', detail: `not writable (${faultCause(outcome)})` };
      return { status: 'pass', detail: 'writable' };
    },
  };
}

/** How long a check waits for the probe: below the registry's 500 ms timeout, so it can say why. */
const PROBE_WAIT_MS = 400;
const UNANSWERED = Symbol('unanswered');

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * `<prefix>_store_queue_updates` (updates waiting for the store), `_store_dead_letters_total{kind}`
 * (updates the store refused for good) and `_store_queue_overflow_total` (updates dropped because
 * the queue was full, from sources that cannot be told to retry), `_store_agent_calls_forgotten_total`
 * (voice-agent tallies past their bound), `_store_agent_turns_dropped_total` (turns past a call
 * row's turn list). Returns the dead-letter counter's
 * `inc` for the sink's `onDeadLetter`.
 */
export function storeQueueMetrics(
  registry: Registry,
  prefix: string,
  sink: () => StoreSink | undefined,
): (letter: DeadLetter) => void {
  registry.gauge({
    name: `${prefix}_store_queue_updates`,
    help: 'Updates waiting for the store: queued, in flight, or kept after a failed write',
    collect: (g) => g.set(sink()?.state().pending ?? 0),
  });
  registry.counter({
    name: `${prefix}_store_queue_overflow_total`,
    help: 'Updates dropped because the store queue was full (HEP, modem: sources that cannot retry)',
    collect: (c) => c.set(undefined, sink()?.stats.overflowed ?? 0),
  });
  registry.counter({
    name: `${prefix}_store_agent_calls_forgotten_total`,
    help: 'Calls whose voice-agent turn summary the store sink stopped following (more than 2,000 at once; least recently active first): a later turn restarts it, and the stored summary keeps the larger',
    collect: (c) => c.set(undefined, sink()?.agentCallsForgotten ?? 0),
  });
  registry.counter({
    name: `${prefix}_store_agent_turns_dropped_total`,
    help: "Voice-agent turns not kept in their call row's turn list (past its first 64): the call's turn summary still counts them",
    collect: (c) => c.set(undefined, sink()?.agentTurnsDropped ?? 0),
  });
  const letters = registry.counter({
    name: `${prefix}_store_dead_letters_total`,
    help: 'Updates the store refused for what they hold: dropped, never retried (the log names the field)',
    labels: ['kind'],
    enums: { kind: ['call', 'sms'] },
  });
  const series = { call: letters.labels({ kind: 'call' }), sms: letters.labels({ kind: 'sms' }) };
  return (letter) => series[letter.kind].inc();
}

/**
 * Log a failing store once when writes start failing (with the cause), then at most once a minute
 * while they keep failing, and once when a write succeeds again. The cause is the error's code and
 * the driver's words, never an item's values.
 */
export function storeFailureLog(log: Logger, sink: () => StoreSink | undefined) {
  let failingSince: number | undefined;
  let lastLogged = 0;
  let failed = 0;
  // Looks for the recovery once a second only while writes fail: a healthy sidecar's store never
  // wakes it (an idle sidecar woke for this 3,600 times an hour; issue 51).
  let timer: NodeJS.Timeout | undefined;
  const watch = () => {
    if (failingSince === undefined || sink()?.state().error !== undefined) return;
    log.info(
      { failed_writes: failed, seconds: Math.round((Date.now() - failingSince) / 1000) },
      'call store writes recovered',
    );
    failingSince = undefined;
    clearInterval(timer);
    timer = undefined;
  };
  return {
    onError(err: unknown): void {
      failed++;
      const now = Date.now();
      if (failingSince === undefined) {
        failingSince = now;
        failed = 1;
        timer ??= setInterval(watch, 1000);
        timer.unref();
      } else if (now - lastLogged < 60_000) return;
      lastLogged = now;
      const s = sink()?.state();
      log.error(
        { cause: faultCause(err), pending: s?.pending ?? 0, failed_writes: failed },
        'call store write failed; updates kept and retried',
      );
    },
    onDeadLetter(letter: DeadLetter): void {
      log.error(
        { kind: letter.kind, code: letter.code, field: letter.path },
        'call store refused an update for what it holds; dropped and counted, not retried',
      );
    },
    stop: () => {
      clearInterval(timer);
      timer = undefined;
    },
  };
}

/**
 * The sidecar's store sink with its queue metrics and failure log: every event the bus carries
 * into `store`, bounded by `store.max_pending_updates`.
 */
export function sidecarStoreSink(
  bus: EventBus,
  store: CallStore,
  o: { config: SidetoneConfig; registry: Registry; labels: SidetoneConfig['labels']; log: Logger },
) {
  const { config } = o;
  const failures = storeFailureLog(o.log, () => sink);
  const deadLetterMetric = storeQueueMetrics(o.registry, config.metrics.prefix, () => sink);
  const sink = storeSink(bus, store, {
    trunks: o.labels.trunks,
    modems: o.labels.modems,
    maxPending: config.store.max_pending_updates,
    deadAirSeconds: config.voiceai.dead_air_seconds,
    ...withPrices(config),
    onError: failures.onError,
    onDeadLetter: (letter) => {
      deadLetterMetric(letter);
      failures.onDeadLetter(letter);
    },
  });
  return { sink, failures };
}
