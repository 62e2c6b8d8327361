import { randomUUID } from 'node:crypto';
import type { EventBus } from '../events/bus.js';
import type { EventOf, EventType, SidetoneEvent } from '../events/types.js';
import { Backoff } from '../store/backoff.js';
import { storeFault } from '../store/faults.js';
import type { CallStore, CallUpdate, SmsFailureReason, SmsMatch, SmsUpdate } from '../store/types.js';
import { type ReportScore, reportScore } from '../telephony/outcome/media.js';
import { providerStatus, tpStatusClass } from '../telephony/standards/sms.js';

export interface StoreSinkOptions {
  /** Write queued updates at least this often. Default 50 ms. */
  flushIntervalMs?: number;
  /** Write as soon as this many updates are queued. Default 2000. */
  maxBatch?: number;
  /** Called when a write fails (its updates stay queued, or are dead-lettered if refused). */
  onError?: (err: unknown) => void;
  /** Called with each update the store refused for good: it is dropped and counted, never retried. */
  onDeadLetter?: (letter: DeadLetter) => void;
  /**
   * Configured trunk names (the `trunks` label list). When given, a trunk not in it is stored as
   * `other`, as the metric packs label it: a free-form name never reaches the store or its views,
   * and the per-trunk dashboard matches the per-trunk PromQL. The sidecar always passes its list.
   */
  trunks?: readonly string[];
  /**
   * Updates waiting for the store at most (queued, in flight, or kept after a failed write). Ingest
   * asks {@link StoreSink.retryAfter} first and answers 503 when they would not fit; an update from
   * a source that cannot be asked to retry (HEP, a modem) past it is dropped and counted in
   * `stats.overflowed`. Default 100,000 (about 20 MB).
   */
  maxPending?: number;
}

/** An update the store refused for what it holds (see store/faults.ts `refused`). */
export interface DeadLetter {
  /** Its number in the order the sink took updates ({@link StoreSink.sequence}). */
  seq: number;
  kind: 'call' | 'sms';
  /** The store's error code (`ST_STORE_INVALID_UPDATE`, `ST_STORE_REFUSED`). */
  code: string;
  /** The field the store named, when it named one. */
  path: string;
}

/** How far the sink is behind the store, for readiness. */
export interface StoreSinkState {
  /** Updates not written yet (queued, in flight or kept after a failure). */
  pending: number;
  /** How long the oldest of them has waited, in ms (0 when none). */
  oldestMs: number;
  /** The last write's error while writes fail (undefined once one succeeds). */
  error: unknown;
  /** Failed writes in a row. */
  failures: number;
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
  /** Run `fn` (which emits events already taken) with the sink not listening to the bus. */
  ignoring(fn: () => void): void;
  /** Drop the updates numbered `from` to `to` (exclusive) not written yet: their request failed. */
  discard(from: number, to: number): void;
  /** The dead letters among updates numbered `from` (inclusive) to `to`, of the last 1,024. */
  deadLetters(from: number, to: number): DeadLetter[];
  state(): StoreSinkState;
  readonly stats: { written: number; deadLettered: number; overflowed: number };
}

// Event vocabulary -> store vocabulary, where the two name the same thing differently.
const SMS_REASON: Record<string, SmsFailureReason> = {
  timeout: 'timeout',
  network: 'network_error',
  rejected: 'rejected',
  invalid_number: 'invalid_number',
  modem: 'modem_error',
  quota: 'no_credit',
  other: 'other',
};

type Handlers = { [T in EventType]?: (e: EventOf<T>) => void };

/** Dead letters remembered for {@link StoreSink.deadLetters}. */
const LETTERS_KEPT = 1024;

/** Updates a write could not store because the store failed (not for what they hold): from `index` on. */
class Unwritten {
  constructor(
    readonly index: number,
    readonly error: unknown,
  ) {}
}

/**
 * Feed the call store from the bus: call lifecycle, media reports and transcripts become one
 * record per call; SMS events one record per message. Updates are queued and written in one
 * transaction per batch, because a transaction per event would cap ingest at the disk's fsync rate.
 *
 * Nothing queued is dropped while the store fails: a failed write keeps its updates, in order, for
 * the next (the client's retry, or the timer, with backoff while the store keeps failing), up to
 * `maxPending`. An update the store refuses for what it holds fails every retry too: it is found
 * (the batch halved until the refused updates stand alone), dead-lettered and counted, and the rest
 * of its batch written.
 *
 * @example
 * const sink = storeSink(bus, store);
 * bus.emit({ type: 'call.started', callId: 'c1', direction: 'inbound', channel: 'sip' });
 * await sink.flush(); // the call is now durable
 */
export function storeSink(bus: EventBus, store: CallStore, options: StoreSinkOptions = {}): StoreSink {
  const maxBatch = options.maxBatch ?? 2000;
  const maxPending = options.maxPending ?? 100_000;
  // The queue: updates in the order they came, with their numbers (for dead letters).
  let calls: CallUpdate[] = [];
  let callSeq: number[] = [];
  let sms: SmsUpdate[] = [];
  let smsSeq: number[] = [];
  let sequence = 0;
  let inFlight = 0;
  /** performance.now() when the oldest unwritten update was queued (undefined: none is). */
  let oldestAt: number | undefined;
  let lastError: unknown;
  const backoff = new Backoff();
  const letters: DeadLetter[] = [];
  const stats = { written: 0, deadLettered: 0, overflowed: 0 };
  const pendingCount = () => calls.length + sms.length + inFlight;

  const deadLetter = (kind: 'call' | 'sms', seq: number, err: unknown) => {
    const issue = (err as { issues?: ReadonlyArray<{ path: string }> }).issues?.[0];
    const letter: DeadLetter = {
      seq,
      kind,
      code: String((err as { code?: unknown }).code ?? 'unknown'),
      path: issue?.path ?? '',
    };
    stats.deadLettered++;
    if (letters.length >= LETTERS_KEPT) letters.shift();
    letters.push(letter);
    options.onDeadLetter?.(letter);
  };

  /**
   * Write `items` (one batch); a refused batch is halved until each refused update stands alone,
   * in order, so what is written keeps the order it came in. Throws Unwritten from the first update
   * not written when the store itself fails.
   */
  const commit = async <U>(
    kind: 'call' | 'sms',
    apply: (us: readonly U[]) => Promise<number>,
    items: readonly U[],
    seqs: readonly number[],
    from: number,
    to: number,
  ): Promise<void> => {
    let err: unknown;
    try {
      stats.written += await apply(from === 0 && to === items.length ? items : items.slice(from, to));
      return;
    } catch (e) {
      err = e;
    }
    if (storeFault(err) !== 'refused') throw new Unwritten(from, err);
    if (to - from === 1) return deadLetter(kind, seqs[from] as number, err);
    const mid = (from + to) >>> 1;
    await commit(kind, apply, items, seqs, from, mid);
    await commit(kind, apply, items, seqs, mid, to);
  };

  /** One write of everything queued; updates the store could not take go back to the queue's head. */
  const writeQueued = async (): Promise<void> => {
    if (calls.length + sms.length === 0) return;
    const c = calls;
    const cs = callSeq;
    const s = sms;
    const ss = smsSeq;
    calls = [];
    callSeq = [];
    sms = [];
    smsSeq = [];
    inFlight = c.length + s.length;
    const started = performance.now();
    const run = async <U>(
      kind: 'call' | 'sms',
      items: readonly U[],
      seqs: readonly number[],
      apply: (us: readonly U[]) => Promise<number>,
    ): Promise<Unwritten | undefined> => {
      if (items.length === 0) return undefined;
      try {
        await commit(kind, apply, items, seqs, 0, items.length);
        return undefined;
      } catch (e) {
        if (e instanceof Unwritten) return e;
        throw e;
      }
    };
    let failure: Unwritten | undefined;
    try {
      const fc = await run('call', c, cs, (us) => store.applyBatch(us));
      // The store just failed: the SMS wait for the next write rather than meet a second timeout.
      const fs =
        fc === undefined
          ? await run('sms', s, ss, (us) => store.applySmsBatch(us))
          : new Unwritten(0, fc.error);
      // What the store could not take goes back to the head of the queue, before anything queued
      // during this write, so it is written in the order it came.
      if (fc !== undefined) {
        calls = c.slice(fc.index).concat(calls);
        callSeq = cs.slice(fc.index).concat(callSeq);
      }
      if (fs !== undefined) {
        sms = s.slice(fs.index).concat(sms);
        smsSeq = ss.slice(fs.index).concat(smsSeq);
      }
      failure = fc ?? fs;
    } finally {
      inFlight = 0;
      // Updates queued during the write are younger than its start; none left: nothing waits.
      if (calls.length + sms.length === 0) oldestAt = undefined;
      else if (failure === undefined) oldestAt = started;
    }
    if (failure !== undefined) {
      lastError = failure.error;
      backoff.failed();
      options.onError?.(failure.error);
      throw failure.error;
    }
    lastError = undefined;
    backoff.reset();
  };

  // Group commit: flushes that arrive while a write is in flight share the next write, which takes
  // everything queued when it starts, so each resolves only after its own updates commit. With 4
  // ingest clients that is one transaction for up to 3 requests instead of one each: in the ingest
  // bench, a message to the writer thread and a commit with its rollups per request were ~20 % of
  // that thread's time.
  let current: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const start = (): Promise<void> => {
    const p = writeQueued().finally(() => {
      if (current === p) current = undefined;
    });
    current = p;
    return p;
  };
  const write = (): Promise<void> => {
    if (next !== undefined) return next;
    if (current === undefined) return start();
    next = current.then(
      () => {
        next = undefined;
        return start();
      },
      (err: unknown) => {
        next = undefined;
        // The store just failed: those who waited on it hear so now, rather than wait for a second
        // attempt (a hung database would hold them for two timeouts). Their updates stay queued.
        throw err;
      },
    );
    return next;
  };

  let sizeWrite = false;
  const queued = () => {
    if (oldestAt === undefined) oldestAt = performance.now();
    // One size-triggered write at a time, and none while a failing store is backed off from: the
    // kept updates stay over maxBatch, and a write per incoming event would only pile up failures.
    if (!sizeWrite && calls.length + sms.length >= maxBatch && backoff.due()) {
      sizeWrite = true;
      write()
        .catch(() => {})
        .finally(() => {
          sizeWrite = false;
        });
    }
  };
  const call = (u: CallUpdate) => {
    if (pendingCount() >= maxPending) {
      stats.overflowed++;
      return;
    }
    calls.push(u);
    callSeq.push(sequence++);
    queued();
  };
  const message = (u: SmsUpdate) => {
    if (pendingCount() >= maxPending) {
      stats.overflowed++;
      return;
    }
    sms.push(u);
    smsSeq.push(sequence++);
    queued();
  };
  const at = (e: SidetoneEvent) => e.ts ?? Date.now();
  const known = options.trunks === undefined ? undefined : new Set(options.trunks);
  const trunkOf = (t: string) => (known === undefined || known.has(t) ? t : 'other');

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
      if (e.trunk !== undefined) u.trunk = trunkOf(e.trunk);
      if (e.from !== undefined) u.from = e.from;
      if (e.to !== undefined) u.to = e.to;
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
        ...(e.modem !== undefined && { gateway: e.modem }),
        ...(e.segments !== undefined && { segments: e.segments }),
      }),
    'sms.sent': (e) =>
      message({
        kind: 'sent',
        messageId: submissionId(e),
        at: at(e),
        to: e.to,
        ...(e.from !== undefined && { from: e.from }),
        ...(e.modem !== undefined && { gateway: e.modem }),
        ...(e.segments !== undefined && { segments: e.segments }),
        ...(e.reference !== undefined && { reference: String(e.reference) }),
      }),
    'sms.send_failed': (e) =>
      message({
        kind: 'send_failed',
        messageId: e.reference === undefined ? (e.id ?? randomUUID()) : reportId(e),
        at: at(e),
        ...(e.reason !== undefined && { reason: SMS_REASON[e.reason] ?? 'other' }),
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
  const offs = (Object.keys(handlers) as EventType[]).map((type) => {
    const h = handlers[type] as (e: SidetoneEvent) => void;
    return bus.on(type, (e) => {
      if (!ignoring) h(e);
    });
  });
  const timer = setInterval(() => {
    // While the store fails, retried no sooner than the backoff allows (100 ms doubling to 5 s).
    if (calls.length + sms.length > 0 && backoff.due()) write().catch(() => {});
  }, options.flushIntervalMs ?? 50);
  timer.unref();

  return {
    stats,
    get sequence() {
      return sequence;
    },
    take(e) {
      (handlers[e.type] as ((e: SidetoneEvent) => void) | undefined)?.(e);
    },
    ignoring(fn) {
      ignoring = true;
      try {
        fn();
      } finally {
        ignoring = false;
      }
    },
    discard(from, to) {
      const keep = (seqs: number[]) => seqs.map((q) => q < from || q >= to);
      const kc = keep(callSeq);
      calls = calls.filter((_, i) => kc[i]);
      callSeq = callSeq.filter((_, i) => kc[i]);
      const ks = keep(smsSeq);
      sms = sms.filter((_, i) => ks[i]);
      smsSeq = smsSeq.filter((_, i) => ks[i]);
      if (calls.length + sms.length + inFlight === 0) oldestAt = undefined;
    },
    flush: () => (calls.length + sms.length > 0 ? write() : (next ?? current ?? Promise.resolve())),
    retryAfter: (n) => (pendingCount() + n <= maxPending ? 0 : backoff.retryAfterSeconds()),
    retryAfterFailure: () => backoff.retryAfterSeconds(),
    deadLetters: (from, to) => letters.filter((l) => l.seq >= from && l.seq < to),
    state: () => ({
      pending: pendingCount(),
      oldestMs: oldestAt === undefined ? 0 : performance.now() - oldestAt,
      error: lastError,
      failures: backoff.failures,
    }),
    async close() {
      for (const off of offs) off();
      clearInterval(timer);
      await write();
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
  return `sub:${e.modem ?? ''}:${e.reference}:${e.ts ?? Date.now()}`;
}

/** The id a report is filed under when it matches no pending submission. */
function reportId(e: {
  id?: string | undefined;
  modem?: string | undefined;
  reference?: string | number | undefined;
  ts?: number | undefined;
}): string {
  return e.id ?? `report:${e.modem ?? ''}:${e.reference}:${e.ts ?? Date.now()}`;
}

function matchOf(e: { modem?: string | undefined; reference?: string | number | undefined }): SmsMatch {
  return { reference: String(e.reference), ...(e.modem !== undefined && { gateway: e.modem }) };
}

/**
 * Loss, jitter, RTT and E-model MOS of one RTCP-derived report, as the store keeps them; undefined
 * when the report cannot be scored (unknown codec, no loss data), as the media pack decides. Shared
 * by every listener of the report (see telephony/outcome/media.ts), hence frozen.
 */
export function mediaSummary(e: EventOf<'media.report'>): ReportScore | undefined {
  return reportScore(e);
}
