import { randomUUID } from 'node:crypto';
import type { PriceTable } from '../domain/cost.js';
import { type ReportScore, reportScore } from '../domain/outcome/media.js';
import { providerStatus, referenceKey, submissionKey, tpStatusClass } from '../domain/standards/sms.js';
import type { EventBus } from '../events/bus.js';
import type { EventOf, EventType, SidetoneEvent } from '../events/types.js';
import { DEDUPE_WINDOW } from '../store/event-ids.js';
import type { CallStore, CallUpdate, SmsMatch, SmsUpdate, StoredEventIds } from '../store/types.js';
import { callStates } from '../telephony/call-states.js';
import { Enum } from '../telephony/table.js';
import { CallCosts } from './call-costs.js';
import { TurnTallies } from './turn-tallies.js';
import { type DeadLetter, type StoreSinkState, WriteQueue } from './write-queue.js';

export type { DeadLetter, StoreSinkState } from './write-queue.js';

export interface StoreSinkOptions {
  /** Write a queued update within this long when nothing else writes it sooner. Default 50 ms. */
  flushIntervalMs?: number;
  /** Write as soon as this many updates are queued. Default 2000. */
  maxBatch?: number;
  /** Called when a write fails (its updates stay queued, or are dead-lettered if refused). */
  onError?: (err: unknown) => void;
  /** Called with each update the store refused for good: it is dropped and counted, never retried. */
  onDeadLetter?: (letter: DeadLetter) => void;
  /**
   * Configured trunk names (the `trunks` label list). A trunk not in it (any trunk, when none is
   * given) is stored as `other`, as the metric packs label it: a free-form name never reaches the
   * store or its views, and the per-trunk dashboard matches the per-trunk PromQL.
   */
  trunks?: readonly string[];
  /**
   * Configured modem names (the `modems` label list): an SMS's gateway is stored as one of them or
   * `other`, like trunks. A delivery report matches its submission by reference on that gateway,
   * so list every modem that sends.
   */
  modems?: readonly string[];
  /**
   * Updates waiting for the store at most (queued, in flight, or kept after a failed write). Ingest
   * asks {@link StoreSink.retryAfter} first and answers 503 when they would not fit; an update from
   * a source that cannot be asked to retry (HEP, a modem) past it is dropped and counted in
   * `stats.overflowed`. Default 100,000 (about 20 MB).
   */
  maxPending?: number;
  /** A voice-agent turn whose caller waited longer than this is dead air (`voiceai.dead_air_seconds`). Default 3. */
  deadAirSeconds?: number;
  /**
   * The operator's price file (`voiceai.prices`): each call's usage reports are priced into its
   * cost (./call-costs.ts) and its trunk's carrier price is stored when it starts. None: no cost.
   */
  prices?: PriceTable;
  /**
   * The window the store keeps the ids of ingested events for (store/event-ids.ts): the same as
   * ingest's in memory. Default DEDUPE_WINDOW (100,000 ids, 15 minutes) and Date.now.
   */
  dedupe?: { maxIds?: number; maxAgeMs?: number; now?: () => number };
}

/** The store sink: what it has written, and how to wait until everything queued is durable. */
export interface StoreSink {
  /**
   * Write everything queued so far; resolves when it is durable (ingest acknowledges after it).
   * Rejects with the store's error when that write fails: the updates stay queued for the retry.
   */
  flush(): Promise<void>;
  /** Unsubscribe, flush and stop the timer. */
  close(): Promise<void>;
  /**
   * 0 when `n` more updates fit under `maxPending`, else the seconds to wait before trying again
   * (an HTTP `Retry-After`): ingest asks before it emits, so nothing it acknowledges is dropped.
   */
  retryAfter(n: number): number;
  /** Seconds until the sink tries a failing store again, at least 1 (`Retry-After` of a 503). */
  retryAfterFailure(): number;
  /** Updates taken so far: the next one is number `sequence` (dead letters name these numbers). */
  readonly sequence: number;
  /**
   * Queue `event`'s update directly, not from the bus: ingest stores a request's events first and
   * emits them (inside {@link ignoring}) only once they are durable, so that metrics count what was
   * stored, once.
   */
  take(event: SidetoneEvent): void;
  /**
   * Which of `ids` (event ids) the store kept within the dedupe window before this process started
   * (each id is kept in the transaction of its event's update, by `take`): a retry after a restart.
   * Ids this process stored are ingest's window's to know.
   */
  storedIds(ids: readonly string[]): Promise<Set<string>>;
  /**
   * Run `fn` (which emits events already taken) with the sink not listening to the bus. Synchronous:
   * an event a listener emitted meanwhile would be missed too, and none does.
   */
  ignoring(fn: () => void): void;
  /** Drop the updates numbered `from` to `to` (exclusive) not written yet: their request failed. */
  discard(from: number, to: number): void;
  /** The dead letters among updates numbered `from` (inclusive) to `to`, of the last 1,024. */
  deadLetters(from: number, to: number): DeadLetter[];
  state(): StoreSinkState;
  readonly stats: { written: number; deadLettered: number; overflowed: number };
  /** Calls whose voice-agent tally was forgotten to stay within its bound (./turn-tallies.ts). */
  readonly agentCallsForgotten: number;
  /** Turns not kept in their call row's turn list, past its TURN_LIST_MAX (their summary counts them). */
  readonly agentTurnsDropped: number;
}

type Handlers = { [T in EventType]?: (e: EventOf<T>) => void };

/**
 * Feed the call store from the bus: call lifecycle, media reports, transcripts and the voice agent's
 * turns (./turn-tallies.ts) become one record per call; SMS events one record per message. Updates
 * are queued and written in one transaction per batch, because a transaction per event would cap
 * ingest at the disk's fsync rate.
 *
 * Nothing queued is dropped while the store fails: a failed write keeps its updates, in order, for
 * the next (the timer's, with backoff while the store keeps failing), up to `maxPending`. An update
 * the store refuses for what it holds fails every retry too: it is dead-lettered and counted, and
 * the rest of its batch written (write-queue.ts). Ingest takes a request's events directly (`take`),
 * waits for them to be durable, and only then emits them to the bus (`ignoring` the sink): a request
 * that failed is dropped (`discard`), never counted, and stored by its retry.
 *
 * @example
 * const sink = storeSink(bus, store);
 * bus.emit({ type: 'call.started', callId: 'c1', direction: 'inbound', channel: 'sip' });
 * await sink.flush(); // the call is now durable
 */
export function storeSink(bus: EventBus, store: CallStore, options: StoreSinkOptions = {}): StoreSink {
  const window = {
    maxIds: options.dedupe?.maxIds ?? DEDUPE_WINDOW.maxIds,
    maxAgeMs: options.dedupe?.maxAgeMs ?? DEDUPE_WINDOW.maxAgeMs,
    now: options.dedupe?.now ?? Date.now,
  };
  const queue = new WriteQueue(store, {
    maxBatch: options.maxBatch ?? 2000,
    maxPending: options.maxPending ?? 100_000,
    intervalMs: options.flushIntervalMs ?? 50,
    onError: options.onError,
    onDeadLetter: options.onDeadLetter,
    eventIds: window,
  });
  const call = (u: CallUpdate) => queue.call(u);
  const message = (u: SmsUpdate) => queue.message(u);
  const at = (e: SidetoneEvent) => e.ts ?? Date.now();
  const trunks = new Enum(options.trunks ?? []);
  const tallies = new TurnTallies(options.deadAirSeconds);
  const costs = options.prices === undefined ? undefined : new CallCosts(options.prices);
  const modems = new Enum(options.modems ?? []);
  /**
   * What a report (or a failure) is matched on: its reference in the one form every surface uses
   * (referenceKey), on its modem. The store takes the newest pending submission with that reference
   * on that modem, else one sent without a modem; a report without a modem takes any (as the sms
   * pack's metrics do), so `modem` on one event and not the other never loses the match.
   */
  const matchOf = (e: { modem?: string | undefined; reference?: string | number | undefined }): SmsMatch => ({
    reference: e.reference === undefined ? '' : referenceKey(e.reference),
    ...(e.modem !== undefined && { gateway: modems.name(e.modem) }),
  });

  // A call the bus's one per-call state evicts is closed here as every other surface closes it:
  // status and reason `timeout`, as zombie cleanup closes one (telephony/call-states.ts). Its
  // late real end is later on the source's clock, and the store keeps the earliest end.
  const calls = callStates(bus);
  const offEvict = calls.onEvict((end) =>
    call({ kind: 'ended', callId: end.state.callId, at: end.at, status: 'timeout', reason: 'timeout' }),
  );

  // Each event type's update, by type: subscribed to the bus, and taken directly by ingest (`take`).
  const handlers: Handlers = {
    // Call updates are built field by field, not with `...(cond && { x })`: each such spread
    // allocates a throwaway object and copies it, five per call here, at ingest rates of 100k+
    // events/s (the media and ended updates are most of a call's writes).
    'call.started': (e) => {
      const u: CallUpdate & { kind: 'started' } = {
        kind: 'started',
        callId: e.callId,
        at: at(e),
        direction: e.direction,
        channel: e.channel,
      };
      if (e.trunk !== undefined) u.trunk = trunks.name(e.trunk);
      if (e.from !== undefined) u.from = e.from;
      if (e.to !== undefined) u.to = e.to;
      if (e.endToEndId !== undefined) u.endToEndId = e.endToEndId;
      const carrier = costs?.carrier(u.trunk);
      if (carrier !== undefined) u.carrier = carrier;
      call(u);
    },
    'call.ringing': (e) => call({ kind: 'ringing', callId: e.callId, at: at(e) }),
    'call.answered': (e) => call({ kind: 'answered', callId: e.callId, at: at(e) }),
    'call.ended': (e) => {
      const u: CallUpdate & { kind: 'ended' } = { kind: 'ended', callId: e.callId, at: at(e) };
      // Timer B is stored as the stated reason `timeout`: the classifier reads the two alike, so
      // the store and the calls pack agree (status timeout, outcome ineffective, counted in ISA).
      if (e.timeout === true) u.reason = 'timeout';
      if (e.sipCode !== undefined) u.sipCode = e.sipCode;
      if (e.q850 !== undefined) u.q850 = e.q850;
      if (e.hangupBy !== undefined && e.hangupBy !== 'unknown') u.hangupBy = e.hangupBy;
      call(u);
    },
    // The ladder: stored as the event carries it, read back whole (GET /metrics/calls/:id).
    'sip.flow': (e) =>
      call({ kind: 'flow', callId: e.callId, at: at(e), sipFlow: JSON.stringify(e.messages) }),
    // The agent's half of the call: its turn summary so far, beside the SIP and media facts.
    'voiceai.turn': (e) => {
      const u = tallies.turn(e, at(e));
      if (u !== undefined) call(u);
    },
    'voiceai.interruption': (e) => {
      const u = tallies.interruption(e, at(e));
      if (u !== undefined) call(u);
    },
    // Who answered an outbound call, beside its SIP outcome (the human-connect rate's numerator).
    'voiceai.amd': (e) => {
      if (e.callId !== undefined) call({ kind: 'amd', callId: e.callId, at: at(e), category: e.category });
    },
    'voiceai.usage': (e) => {
      const u = costs?.usage(e, at(e));
      if (u !== undefined) call(u);
    },
    'voiceai.transcript': (e) => {
      if (e.callId !== undefined && e.present) call({ kind: 'transcript', callId: e.callId, at: at(e) });
    },
    'media.report': (e) => {
      const m = e.callId === undefined ? undefined : mediaSummary(e);
      if (m === undefined) return;
      const u: CallUpdate & { kind: 'media' } = {
        kind: 'media',
        callId: e.callId as string,
        at: at(e),
        mos: m.mos,
        jitterMs: m.jitterMs,
        lossPercent: m.lossPercent,
      };
      if (m.rttMs !== undefined) u.rttMs = m.rttMs;
      // A scored report named a codec the E-model knows (else it has no MOS): no free text here.
      if (e.stream !== undefined) {
        u.stream = e.stream;
        if (e.codec !== undefined) u.codec = e.codec;
      }
      call(u);
    },
    'sms.received': (e) =>
      message({
        kind: 'received',
        // The event id, when given, so a retried event is the same message, not a second one.
        messageId: e.id ?? randomUUID(),
        at: at(e),
        from: e.from,
        ...(e.to !== undefined && { to: e.to }),
        ...(e.modem !== undefined && { gateway: modems.name(e.modem) }),
        ...(e.segments !== undefined && { segments: e.segments }),
      }),
    'sms.sent': (e) =>
      message({
        kind: 'sent',
        messageId: submissionId(e),
        at: at(e),
        to: e.to,
        ...(e.from !== undefined && { from: e.from }),
        ...(e.modem !== undefined && { gateway: modems.name(e.modem) }),
        ...(e.segments !== undefined && { segments: e.segments }),
        ...(e.reference !== undefined && { reference: referenceKey(e.reference) }),
      }),
    'sms.send_failed': (e) =>
      message({
        kind: 'send_failed',
        messageId: e.reference === undefined ? (e.id ?? randomUUID()) : reportId(e),
        at: at(e),
        ...(e.reason !== undefined && { reason: e.reason }),
        ...(e.cmsError !== undefined && { statusCode: e.cmsError }),
        ...(e.reference !== undefined && { match: matchOf(e) }),
      }),
    'sms.delivery_report': (e) => {
      // A report can only be filed against the message it names.
      if (e.reference === undefined) return;
      const outcome =
        e.tpStatus !== undefined
          ? tpStatusClass(e.tpStatus)
          : providerStatus(e.providerStatus ?? '', e.errorCode);
      const code = e.tpStatus ?? (typeof e.errorCode === 'number' ? e.errorCode : undefined);
      message({
        kind: 'delivery',
        // Used only when no pending submission matches (a report for a message sent elsewhere).
        messageId: reportId(e),
        at: at(e),
        outcome,
        ...(code !== undefined && { statusCode: code }),
        match: matchOf(e),
      });
    },
  };
  let ignoring = false;
  // From the bus, a call's ringing, answer and end are stored only for a call the per-call state
  // tracks: the late facts of an evicted call (or of one never started) would otherwise merge into
  // its closed row and make it answered here while every other surface counts it unknown.
  const tracked = (e: { callId: string }) => calls.get(e.callId) !== undefined;
  const gate: Handlers = {
    'call.ringing': (e) => tracked(e) && handlers['call.ringing']?.(e),
    'call.answered': (e) => tracked(e) && handlers['call.answered']?.(e),
    'call.ended': (e) => calls.ended(e) !== undefined && handlers['call.ended']?.(e),
  };
  const offs = (Object.keys(handlers) as EventType[]).map((type) => {
    const h = (gate[type] ?? handlers[type]) as (e: SidetoneEvent) => void;
    return bus.on(type, (e) => {
      if (!ignoring) h(e);
    });
  });

  /**
   * The ids the store kept before this process (a restart's window), read once, with the first
   * request that asks: held only while they can still be in the window (`maxAgeMs` after the read),
   * at most `maxIds` of them; after that the window in memory (ingest's) knows every id kept.
   */
  let before: Promise<StoredEventIds> | 'gone' | undefined;
  let readAt = 0;
  async function storedIds(ids: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    if (before === 'gone') return found;
    if (before === undefined) {
      readAt = window.now();
      const read = store.storedEventIds(readAt - window.maxAgeMs);
      before = read;
      // A failed read is read again by the next request (this one is answered 503).
      read.catch(() => {
        if (before === read) before = undefined;
      });
    }
    const kept = await before;
    const now = window.now();
    if (kept.size === 0 || now - readAt > window.maxAgeMs) {
      before = 'gone';
      return found;
    }
    const since = now - window.maxAgeMs;
    for (const id of ids) if (kept.has(id, since)) found.add(id);
    return found;
  }

  return {
    stats: queue.stats,
    get agentCallsForgotten() {
      return tallies.evicted;
    },
    get agentTurnsDropped() {
      return tallies.turnsDropped;
    },
    get sequence() {
      return queue.sequence;
    },
    take(e) {
      const seq = queue.sequence;
      const overflowed = queue.stats.overflowed;
      (handlers[e.type] as ((e: SidetoneEvent) => void) | undefined)?.(e);
      // Its id is kept with its update, in one transaction; an update dropped (the queue full) keeps
      // none. Each handler queues at most one update.
      if (e.id !== undefined && queue.stats.overflowed === overflowed)
        queue.eventId(e.id, queue.sequence > seq);
    },
    storedIds,
    ignoring(fn) {
      ignoring = true;
      try {
        fn();
      } finally {
        ignoring = false;
      }
    },
    discard: (from, to) => queue.discard(from, to),
    flush: () => queue.flush(),
    retryAfter: (n) => queue.retryAfter(n),
    retryAfterFailure: () => queue.backoff.retryAfterSeconds(),
    deadLetters: (from, to) => queue.deadLetters(from, to),
    state: () => queue.state(),
    async close() {
      for (const off of offs) off();
      offEvict();
      queue.stop();
      await queue.flush();
    },
  };
}

/**
 * One record per submission: the event id, else modem + reference + time (so a repeated event is
 * the same record, while the same TP-MR on another modem, or after the 0-255 wrap, is another).
 */
function submissionId(e: {
  id?: string | undefined;
  modem?: string | undefined;
  reference?: string | number | undefined;
  ts?: number | undefined;
}): string {
  if (e.id !== undefined) return e.id;
  if (e.reference === undefined) return randomUUID();
  return `sub:${submissionKey(e.modem, referenceKey(e.reference), e.ts ?? Date.now())}`;
}

/** The id a report is filed under when it matches no pending submission. */
function reportId(e: {
  id?: string | undefined;
  modem?: string | undefined;
  reference?: string | number | undefined;
  ts?: number | undefined;
}): string {
  return (
    e.id ??
    `report:${e.modem ?? ''}:${e.reference === undefined ? '' : referenceKey(e.reference)}:${e.ts ?? Date.now()}`
  );
}

/**
 * Loss, jitter, RTT and E-model MOS of one RTCP-derived report, as the store keeps them; undefined
 * when the report cannot be scored (unknown codec, no loss data), as the media pack decides. Shared
 * by every listener of the report (see domain/outcome/media.ts), hence frozen.
 */
export function mediaSummary(e: EventOf<'media.report'>): ReportScore | undefined {
  return reportScore(e);
}
