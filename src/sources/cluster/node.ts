/**
 * A sidecar as a member of a cluster on NATS JetStream (issue 53, docs/deploy.md "Cluster").
 *
 * - Every member that receives HEP or `POST /events` publishes each message to the stream
 *   `SIDETONE`, subject `sidetone.hep.<p>` or `sidetone.events.<p>`, `p` the partition of its call
 *   (partition.ts). HEP goes out without waiting (UDP capture is best effort already); an events
 *   batch is answered only once JetStream acknowledged every event of it (stored on the server).
 * - Membership: each member puts its key in the KV bucket `sidetone_members` every second; the
 *   bucket's TTL (5 s) drops a member that stopped. Every member computes the owner of each
 *   partition from the live list by rendezvous hashing (partition.ts `ownerOf`).
 * - Ownership: the owner of a partition holds its lease in the KV bucket `sidetone_partitions`
 *   (compare-and-set on the revision), reads its subjects with an ordered consumer, and every second
 *   flushes the store and writes to the lease the sequence to replay from: for HEP the first message
 *   of the oldest call still tracked (every message before it belongs to calls stored whole), for
 *   events the next one not stored. A member that takes a partition replays from there: the calls
 *   of a dead owner are tracked again from their first message. Stored call updates commute and
 *   are idempotent (store/records/upsert-sql.ts) and event ids are deduplicated by the store, so a
 *   replayed call or event is stored once.
 *
 * Worst case to move a dead member's partitions: TTL 5 s + one heartbeat 1 s + the replay.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { StoreError } from '../../errors.js';
import type { EventBus } from '../../events/bus.js';
import type { SidetoneEvent } from '../../events/types.js';
import type { HealthRegistry } from '../../health/index.js';
import type { Counter, CounterSeries, Gauge, Registry } from '../../metrics/index.js';
import { optionalPart } from '../../runtime/optional-part.js';
import type { IngestSink } from '../store-first.js';
import { storeFirst } from '../store-first.js';
import {
  clusterReadiness,
  hepPartition,
  ownerCallKey,
  type PartitionLease,
  partitionOf,
  stepPartition,
} from './partition.js';

type Nats = typeof import('nats');
type NatsConnection = import('nats').NatsConnection;
type JetStreamClient = import('nats').JetStreamClient;
type KV = import('nats').KV;
type ConsumerMessages = import('nats').ConsumerMessages;
type JsMsg = import('nats').JsMsg;

/** The stream and buckets every member shares. */
export const CLUSTER_STREAM = 'SIDETONE';
export const MEMBERS_BUCKET = 'sidetone_members';
export const PARTITIONS_BUCKET = 'sidetone_partitions';
/** A member's heartbeat, and the TTL after which a silent one is no longer live. */
export const HEARTBEAT_MS = 1000;
export const MEMBER_TTL_MS = 5000;
/**
 * A member whose key was not renewed for this long is silent: /readyz names its partitions as
 * without a live owner from then on, instead of 200 until its TTL runs out (5 s after a SIGKILL, the
 * window in which its partitions are read by nobody). Three heartbeats: one late beat is not silence.
 */
export const SILENT_MS = 3 * HEARTBEAT_MS;
/**
 * What the stream keeps: an hour, 1 GiB. A partition that goes unowned longer than that loses its
 * oldest messages (the stream drops them by age, counted by JetStream), never the memory of a member.
 */
const STREAM_MAX_AGE_NS = 3600 * 1e9;
const STREAM_MAX_BYTES = 1 << 30;
/** The receipt time (a float64, epoch ms) in front of each published HEP packet. */
const RECEIPT_BYTES = 8;
/** Events handled per store write at the owner (a flush each). */
const EVENT_BATCH = 500;
/** How often owned partitions' capture clocks run (as HepSource's own timer). */
const TICK_MS = 100;
/**
 * The options of every HEP publish: one object, not one a packet (the client sets `reply` on it
 * once, to '', and only reads it after).
 */
const HEP_PUBLISH: { reply?: string } = {};

/** The HEP capture of one owned partition (a HepSource with no listener, sources/hep/source.ts). */
export interface PartitionCapture {
  handle(buf: Buffer, now: number): void;
  tick(now: number): void;
  /** Is the call still tracked (its record not written whole yet)? */
  tracks(callId: string): boolean;
}

export interface ClusterOptions {
  natsUrl: string;
  partitions: number;
  nodeId: string;
  /** /readyz fails while an owned partition has more messages than this waiting. */
  maxLag: number;
  /** A fresh capture for a partition this member takes. */
  capture: () => PartitionCapture;
  /** A bound on the calls tracked per partition for the replay position (hep.max_calls). */
  maxCalls: number;
  bus: EventBus;
  sink: IngestSink;
  registry: Registry;
  prefix: string;
  health: HealthRegistry;
  log: Logger;
  /** The reorder window, ms: a call is forgotten only once no message of it can still be held. */
  reorderWindowMs: number;
}

/** What `sidetone cluster` shows. */
export interface ClusterView {
  members: string[];
  partitions: Array<{
    partition: number;
    owner: string;
    lag: number;
    hep: number;
    events: number;
    at: number;
  }>;
}

/** The readiness check's name. */
export const CLUSTER_CHECK = 'cluster';

interface Tracked {
  first: number;
  lastAt: number;
}

/** A partition this member owns. */
class Owned {
  readonly calls = new Map<string, Tracked>();
  /** Next HEP / events sequence not handled yet (0: none handled since the start position). */
  hepNext = 0;
  eventsNext = 0;
  /**
   * HEP messages behind: unknown (so behind) until the consumer says, so the capture clock does not
   * jump to now before the replay is read (its messages would all be late: handled out of order).
   */
  hepLag = Number.MAX_SAFE_INTEGER;
  eventsLag = 0;
  /** The latest receipt time of a HEP message read (epoch ms). */
  clock = 0;
  revision = 0;
  overflow = 0;
  hepIter: ConsumerMessages | undefined;
  eventsIter: ConsumerMessages | undefined;
  stopped = false;
  /** Its consumers are to be opened again (NATS came back: a restarted server lost them). */
  reopen = false;
  done: Promise<unknown> = Promise.resolve();

  constructor(
    readonly partition: number,
    readonly capture: PartitionCapture,
    readonly start: PartitionLease,
  ) {
    this.hepNext = start.hep;
    this.eventsNext = start.events;
  }

  get lag(): number {
    return this.hepLag === Number.MAX_SAFE_INTEGER ? 0 : this.hepLag + this.eventsLag;
  }
}

/**
 * The cluster as its buckets hold it, for `sidetone cluster`: live members (the members bucket's
 * keys) and each partition's lease (owner, replay positions, lag at the owner's last heartbeat).
 * Reads only: it joins nothing.
 */
export async function readCluster(natsUrl: string, partitions: number): Promise<ClusterView> {
  const nats = await optionalPart('sidetone cluster', () => import('nats'));
  const nc = await nats.connect({ servers: natsUrl.split(','), name: 'sidetone cluster (read)' });
  try {
    const js = nc.jetstream();
    const members = await js.views.kv(MEMBERS_BUCKET, { bindOnly: true });
    const leases = await js.views.kv(PARTITIONS_BUCKET, { bindOnly: true });
    // A key renewed while the listing runs can come twice (its old revision, then the new one):
    // run 9 printed members a, b, b. Each key once, and only while it can be read.
    const listed = new Set<string>();
    for await (const k of await members.keys()) listed.add(k);
    const live: string[] = [];
    for (const k of listed) {
      const e = await members.get(k);
      if (e !== null && e.operation === 'PUT') live.push(k);
    }
    live.sort();
    const out: ClusterView['partitions'] = [];
    for (let partition = 0; partition < partitions; partition++) {
      const e = await leases.get(String(partition));
      const l = e === null || e.operation !== 'PUT' ? undefined : (e.json() as PartitionLease);
      out.push({
        partition,
        owner: l?.owner ?? '',
        lag: l?.lag ?? 0,
        hep: l?.hep ?? 0,
        events: l?.events ?? 0,
        at: l?.at ?? 0,
      });
    }
    return { members: live, partitions: out };
  } finally {
    await nc.close();
  }
}

/** Connect and join; resolves once the stream and buckets exist and the first heartbeat ran. */
export async function joinCluster(options: ClusterOptions): Promise<ClusterNode> {
  const nats = await optionalPart('the cluster ([cluster] nats_url)', () => import('nats'));
  const node = new ClusterNode(nats, options);
  await node.start();
  return node;
}

/**
 * One member. `publishHep` and `publishEvents` are the receiving side, the rest runs on a
 * heartbeat. Never throws into the packet path: a publish that fails is counted.
 */
export class ClusterNode {
  private nc: NatsConnection | undefined;
  private js: JetStreamClient | undefined;
  private members: KV | undefined;
  private leases: KV | undefined;
  private readonly owned = new Map<number, Owned>();
  private live: string[] = [];
  private readonly view: Map<number, PartitionLease> = new Map();
  private heartbeat: NodeJS.Timeout | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;
  private saying: Promise<void> | undefined;
  /** Connected to NATS (status events): POST /events fails at once while not, and clocks stop. */
  private connected = true;
  /** Each member's key revision and when this member saw it change (its own clock). */
  private readonly heard = new Map<string, { revision: number; at: number }>();
  private silent: string[] = [];
  /** Until then, after NATS came back, partitions held by another member are not taken. */
  private settleUntil = 0;
  private closed = false;
  private readonly enc = new TextEncoder();
  private readonly dec = new TextDecoder();
  private readonly published: Counter<'kind'>;
  private readonly publishFailed: Counter<'kind'>;
  private readonly takeovers: Counter<never>;
  private readonly trackOverflow: Counter<never>;
  /** The publish path's series, bound once: a label object a packet was an allocation each. */
  private readonly publishedHep: CounterSeries;
  private readonly publishFailedHep: CounterSeries;
  /** Subjects per partition, built once: the publish path only indexes them. */
  private readonly hepSubjects: string[];
  private readonly eventSubjects: string[];
  private rotate = 0;

  constructor(
    private readonly nats: Nats,
    private readonly o: ClusterOptions,
  ) {
    const p = o.prefix;
    const partitions = Array.from({ length: o.partitions }, (_, i) => String(i));
    this.hepSubjects = partitions.map((i) => `sidetone.hep.${i}`);
    this.eventSubjects = partitions.map((i) => `sidetone.events.${i}`);
    const kinds = { kind: ['hep', 'events'] as const };
    this.published = o.registry.counter({
      name: `${p}_cluster_published_total`,
      help: 'Messages this member published to the cluster stream, by kind',
      labels: ['kind'],
      enums: kinds,
    });
    this.publishFailed = o.registry.counter({
      name: `${p}_cluster_publish_failed_total`,
      help: 'Messages this member could not publish to the cluster stream (NATS down or JetStream refused), by kind',
      labels: ['kind'],
      enums: kinds,
    });
    this.publishedHep = this.published.labels({ kind: 'hep' });
    this.publishFailedHep = this.publishFailed.labels({ kind: 'hep' });
    this.takeovers = o.registry.counter({
      name: `${p}_cluster_takeovers_total`,
      help: 'Partitions this member took (at start, from a dead member, or its share when joining)',
    });
    this.trackOverflow = o.registry.counter({
      name: `${p}_cluster_replay_overflow_total`,
      help: 'Calls not tracked for the replay position because a partition held hep.max_calls already (lost if the owner dies before they end)',
    });
    // One series per partition: bounded by cluster.partitions (at most 256).
    const partitionLabel = { partition: partitions };
    o.registry.gauge({
      name: `${p}_cluster_partition_owned`,
      help: 'Partitions this member owns (1), by partition',
      labels: ['partition'],
      enums: partitionLabel,
      collect: (g: Gauge<'partition'>) => {
        for (let i = 0; i < o.partitions; i++) g.set({ partition: String(i) }, this.owned.has(i) ? 1 : 0);
      },
    });
    o.registry.gauge({
      name: `${p}_cluster_partition_lag`,
      help: 'Messages of a partition not yet handled by its owner, as its owner last reported, by partition',
      labels: ['partition'],
      enums: partitionLabel,
      collect: (g: Gauge<'partition'>) => {
        for (let i = 0; i < o.partitions; i++) g.set({ partition: String(i) }, this.view.get(i)?.lag ?? 0);
      },
    });
    o.registry.gauge({
      name: `${p}_cluster_members`,
      help: 'Live members of the cluster, as this member sees them',
      collect: (g: Gauge<never>) => g.set(this.live.length),
    });
    o.health.register({ name: CLUSTER_CHECK, critical: true, staleAfterMs: MEMBER_TTL_MS });
    o.health.report(CLUSTER_CHECK, 'fail', 'joining');
  }

  /** This member's id. */
  get id(): string {
    return this.o.nodeId;
  }

  async start(): Promise<void> {
    const { connect, StorageType, RetentionPolicy, DiscardPolicy } = this.nats;
    try {
      this.nc = await connect({
        servers: this.o.natsUrl.split(','),
        name: `sidetone ${this.o.nodeId}`,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
      });
    } catch (err) {
      throw new StoreError(
        'ST_CLUSTER_UNAVAILABLE',
        `cannot reach NATS at cluster.nats_url (${(err as Error).message}): start nats-server -js or fix the URL`,
        { cause: err },
      );
    }
    const jsm = await this.nc.jetstreamManager();
    const config = {
      name: CLUSTER_STREAM,
      subjects: ['sidetone.hep.*', 'sidetone.events.*'],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      max_age: STREAM_MAX_AGE_NS,
      max_bytes: STREAM_MAX_BYTES,
      // Nats-Msg-Id dedupe (events carry their id's hash): a retry within 2 min is stored once.
      duplicate_window: 120 * 1e9,
    };
    await jsm.streams.add(config).catch(async () => {
      // Another member created it first: same subjects, keep it as it is.
      await jsm.streams.info(CLUSTER_STREAM);
    });
    this.js = this.nc.jetstream();
    this.members = await this.js.views.kv(MEMBERS_BUCKET, { ttl: MEMBER_TTL_MS, history: 1 });
    this.leases = await this.js.views.kv(PARTITIONS_BUCKET, { history: 1 });
    void this.watch(this.nc);
    await this.sayAlive();
    await this.beat();
    this.heartbeat = setInterval(() => {
      // Saying "live" runs apart from the partitions' steps: a beat slowed by its store flushes
      // must not read as a silent member to the others.
      this.saying ??= this.sayAlive().finally(() => {
        this.saying = undefined;
      });
      this.beating ??= this.beat().finally(() => {
        this.beating = undefined;
      });
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
    this.ticker = setInterval(() => {
      const now = Date.now();
      // Behind (a replay) or cut off from NATS: the window runs on the receipt times read so far,
      // as it ran when they were received (on the clock, a call whose messages wait in the stream
      // would time out falsely); caught up, on the clock (what was received is due by now).
      const live = this.connected;
      for (const own of this.owned.values()) own.capture.tick(own.hepLag > 0 || !live ? own.clock : now);
    }, TICK_MS);
    this.ticker.unref();
  }

  /** Renew this member's key in the members bucket (its TTL drops a member that stops). */
  private async sayAlive(): Promise<void> {
    if (this.closed || !this.connected) return;
    try {
      await (this.members as KV).put(this.o.nodeId, this.enc.encode(String(Date.now())));
    } catch (err) {
      this.o.health.report(CLUSTER_CHECK, 'fail', `NATS: ${(err as Error).message}`);
    }
  }

  /**
   * Follow the connection: while NATS is away /readyz fails naming it and `POST /events` answers
   * 503 at once (JetStream cannot store); once it is back every owned partition opens its consumers
   * again where it stopped (a restarted server keeps the stream on disk, not the consumers, which
   * are in memory).
   */
  private async watch(nc: NatsConnection): Promise<void> {
    try {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect' || s.type === 'reconnecting') {
          if (this.connected) this.o.log.warn({ server: String(s.data) }, 'cluster: NATS disconnected');
          this.connected = false;
          this.o.health.report(CLUSTER_CHECK, 'fail', 'NATS disconnected: reconnecting');
        } else if (s.type === 'reconnect') {
          this.connected = true;
          // A restarted server drops the members' keys past their TTL: one TTL and a beat for them
          // to say "live" again before a partition they hold is taken (stepPartition's `settling`).
          this.settleUntil = Date.now() + MEMBER_TTL_MS + HEARTBEAT_MS;
          for (const own of this.owned.values()) own.reopen = true;
          this.o.log.info({ server: String(s.data) }, 'cluster: NATS reconnected');
        }
      }
    } catch {
      // the connection closed: close() is under way
    }
  }

  /**
   * Publish one HEP packet, received at `now`, to its call's partition; fire and forget (counted
   * when it fails). The receipt time goes first (8 bytes): the owner's reorder window runs on it, so
   * a replay holds and releases messages as they were received, not as fast as they are read back.
   */
  publishHep(buf: Buffer, now: number): void {
    const nc = this.nc;
    if (nc === undefined || nc.isClosed()) {
      this.publishFailedHep.inc();
      return;
    }
    try {
      // The Call-ID hashed in the packet's bytes (hepPartition): parsing the message to route it
      // built a SipMessage and its strings a packet, for one number.
      const p = hepPartition(buf, this.o.partitions);
      // A buffer a packet, from Node's pool (allocUnsafe under 4 KiB slices a shared slab): the
      // client keeps a reference to it until its flush (a microtask later), so one reused buffer
      // would be overwritten before it was written to the socket.
      const out = Buffer.allocUnsafe(RECEIPT_BYTES + buf.length);
      out.writeDoubleBE(now, 0);
      buf.copy(out, RECEIPT_BYTES);
      nc.publish(this.hepSubjects[p] as string, out, HEP_PUBLISH);
      this.publishedHep.inc();
    } catch {
      this.publishFailedHep.inc();
    }
  }

  /**
   * Publish a batch of events, each to its call's partition, and resolve once JetStream stored
   * every one (`duplicates`: those it had stored already, by id). Rejects when any was not stored:
   * the caller answers 503 and the retry is deduplicated.
   */
  async publishEvents(events: readonly SidetoneEvent[]): Promise<{ duplicates: number }> {
    const js = this.js;
    if (js === undefined) throw new StoreError('ST_CLUSTER_UNAVAILABLE', 'not joined to the cluster yet');
    // Published now, a batch would wait in the client for the server and then time out: refused at
    // once instead (the caller answers 503 with Retry-After).
    if (!this.connected) {
      this.publishFailed.inc({ kind: 'events' }, events.length);
      throw new StoreError('ST_CLUSTER_UNAVAILABLE', 'NATS is disconnected: JetStream cannot store');
    }
    const acks = events.map((e) => {
      const key = (e as { callId?: string }).callId ?? e.id;
      const p = key === undefined ? this.rotate++ % this.o.partitions : partitionOf(key, this.o.partitions);
      return js.publish(this.eventSubjects[p] as string, this.enc.encode(JSON.stringify(e)), {
        // The id is the sender's (it may be a phone number): the server keeps a hash of it only.
        ...(e.id !== undefined && { msgID: createHash('sha256').update(e.id).digest('base64url') }),
      });
    });
    const settled = await Promise.allSettled(acks);
    let duplicates = 0;
    let failed = 0;
    for (const s of settled) {
      if (s.status === 'rejected') failed++;
      else if (s.value.duplicate) duplicates++;
    }
    this.published.inc({ kind: 'events' }, events.length - failed);
    if (failed > 0) {
      this.publishFailed.inc({ kind: 'events' }, failed);
      throw new StoreError(
        'ST_CLUSTER_UNAVAILABLE',
        `${failed} of ${events.length} events not stored by JetStream`,
      );
    }
    return { duplicates };
  }

  /** One heartbeat: read the members and leases, step every partition, commit. */
  private async beat(): Promise<void> {
    if (this.closed) return;
    if (!this.connected) {
      this.o.health.report(CLUSTER_CHECK, 'fail', 'NATS disconnected: reconnecting');
      return;
    }
    const members = this.members as KV;
    const leases = this.leases as KV;
    try {
      for (const own of this.owned.values()) if (own.reopen) await this.reopen(own);
      const now = Date.now();
      // The keys listing finds new members; it is not the live list: a key renewed while the
      // listing runs can be missed (the bucket keeps one revision a key, and the renewal deletes
      // the one the listing was about to read), and three members starting at once took each
      // other's partitions on that. A member is live while its key can be read (get: the latest
      // revision, whatever is renewed meanwhile); the TTL expires it.
      for await (const k of await members.keys())
        if (!this.heard.has(k)) this.heard.set(k, { revision: -1, at: now });
      const live: string[] = [this.o.nodeId];
      for (const [k, h] of this.heard) {
        if (k === this.o.nodeId) continue;
        const e = await members.get(k);
        if (e === null || e.operation !== 'PUT') {
          this.heard.delete(k);
          continue;
        }
        live.push(k);
        if (h.revision !== e.revision) this.heard.set(k, { revision: e.revision, at: now });
      }
      live.sort();
      this.live = live;
      this.silent = live.filter(
        (k) => k !== this.o.nodeId && now - (this.heard.get(k)?.at ?? now) >= SILENT_MS,
      );
      // Said at once: the steps below can take a while (a takeover's replay loads the store).
      this.report();
      const kept: Array<[Owned, PartitionLease]> = [];
      for (let p = 0; p < this.o.partitions; p++) {
        const entry = await leases.get(String(p));
        const lease =
          entry === null || entry.operation !== 'PUT' ? undefined : (entry.json() as PartitionLease);
        const own = this.owned.get(p);
        const action = stepPartition(
          this.o.nodeId,
          p,
          live,
          lease,
          own !== undefined,
          now < this.settleUntil,
        );
        if (action === 'take') await this.take(p, lease, entry?.revision ?? 0);
        else if (action === 'keep' && own !== undefined) kept.push([own, this.positions(own, true)]);
        else if (action === 'release' && own !== undefined) await this.release(own);
        else if (action === 'drop' && own !== undefined) {
          // The member that took it reads and commits the partition now: no write from here.
          await this.stopReading(own);
          this.o.log.warn({ partition: p, to: lease?.owner }, 'cluster partition lost');
        }
        if (lease !== undefined && !this.owned.has(p)) this.view.set(p, lease);
      }
      this.report();
      // One flush for every partition kept (it waits for all that is pending: one a partition
      // stalled the heartbeat 7 s while a takeover's replay loaded the store, and /readyz went
      // stale), then their leases.
      if (kept.length > 0) {
        await this.o.sink.flush();
        for (const [own, lease] of kept)
          if (this.owned.get(own.partition) === own) await this.writeLease(own, lease);
      }
    } catch (err) {
      this.o.health.report(CLUSTER_CHECK, 'fail', `NATS: ${(err as Error).message}`);
    }
  }

  /** /readyz: fail while a partition has no live owner or one lags past the bound (clusterReadiness). */
  private report(): void {
    const r = clusterReadiness({
      partitions: this.o.partitions,
      live: this.live,
      silent: this.silent,
      maxLag: this.o.maxLag,
      owned: this.owned.size,
      leases: Array.from({ length: this.o.partitions }, (_, p) => this.view.get(p)),
    });
    this.o.health.report(CLUSTER_CHECK, r.status, r.detail);
  }

  /** Take partition `p` (compare-and-set on the lease) and replay it from the lease's positions. */
  private async take(p: number, lease: PartitionLease | undefined, revision: number): Promise<void> {
    const start: PartitionLease = {
      owner: this.o.nodeId,
      hep: lease?.hep ?? 0,
      events: lease?.events ?? 0,
      lag: 0,
      at: Date.now(),
    };
    const leases = this.leases as KV;
    const value = this.enc.encode(JSON.stringify(start));
    try {
      const rev =
        revision === 0
          ? await leases.create(String(p), value)
          : await leases.update(String(p), value, revision);
      const own = new Owned(p, this.o.capture(), start);
      own.revision = rev;
      this.owned.set(p, own);
      this.view.set(p, start);
      this.takeovers.inc();
      this.o.log.info(
        { partition: p, from: lease?.owner || undefined, hep: start.hep, events: start.events },
        'cluster partition taken',
      );
      // Not opened (NATS went away meanwhile): the next heartbeat opens them.
      await this.consume(own, start.hep, start.events).catch(() => {
        own.reopen = true;
      });
    } catch {
      // Another member wrote the lease first: the next heartbeat reads it again.
    }
  }

  /** Open a partition's consumers again where its reading stopped (NATS came back). */
  private async reopen(own: Owned): Promise<void> {
    await own.hepIter?.close()?.catch(() => {});
    await own.eventsIter?.close()?.catch(() => {});
    await own.done;
    await this.consume(
      own,
      own.hepNext > 0 ? own.hepNext : own.start.hep,
      own.eventsNext > 0 ? own.eventsNext : own.start.events,
    );
    own.reopen = false;
    this.o.log.info(
      { partition: own.partition, hep: own.hepNext, events: own.eventsNext },
      'cluster partition reopened',
    );
  }

  /**
   * Start the partition's two consumers at its positions: ephemeral pull consumers without acks
   * (the position is the lease's, not the server's), in memory, removed by the server 30 s after
   * their member stops pulling. Not the client's ordered consumer: it asks for `filter_subjects`,
   * which nats-server 2.9 (Debian 12's) does not know, and retries for ever.
   */
  private async consume(own: Owned, hepSeq: number, eventsSeq: number): Promise<void> {
    const { AckPolicy, DeliverPolicy } = this.nats;
    const nc = this.nc as NatsConnection;
    const js = this.js as JetStreamClient;
    const jsm = await nc.jetstreamManager();
    const open = async (subject: string, seq: number, batch: number) => {
      const info = await jsm.consumers.add(CLUSTER_STREAM, {
        filter_subject: subject,
        ack_policy: AckPolicy.None,
        inactive_threshold: 30e9,
        mem_storage: true,
        ...(seq > 0
          ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: seq }
          : { deliver_policy: DeliverPolicy.All }),
      });
      const iter = await (await js.consumers.get(CLUSTER_STREAM, info.name)).consume({ max_messages: batch });
      return { iter, pending: info.num_pending };
    };
    const hep = await open(this.hepSubjects[own.partition] as string, hepSeq, 1000);
    own.hepLag = hep.pending;
    own.hepIter = hep.iter;
    const events = await open(this.eventSubjects[own.partition] as string, eventsSeq, EVENT_BATCH);
    own.eventsLag = events.pending;
    own.eventsIter = events.iter;
    own.done = Promise.all([this.readHep(own, own.hepIter), this.readEvents(own, own.eventsIter)]).catch(
      (err: unknown) =>
        this.o.log.warn(
          { partition: own.partition, error: (err as Error).message },
          'cluster consumer stopped',
        ),
    );
  }

  private async readHep(own: Owned, iter: ConsumerMessages): Promise<void> {
    for await (const m of iter) {
      if (own.stopped) break;
      const data = Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength);
      if (data.length < RECEIPT_BYTES) continue;
      const receivedAt = data.readDoubleBE(0);
      const buf = data.subarray(RECEIPT_BYTES);
      const now = Date.now();
      if (receivedAt > own.clock) own.clock = receivedAt;
      // Its Call-ID read in place: the capture below parses the message; this read did too.
      const key = ownerCallKey(buf);
      if (key !== '') {
        const t = own.calls.get(key);
        if (t !== undefined) t.lastAt = now;
        else if (own.calls.size < this.o.maxCalls) own.calls.set(key, { first: m.seq, lastAt: now });
        else {
          own.overflow++;
          this.trackOverflow.inc();
        }
      }
      own.capture.handle(buf, receivedAt);
      own.hepNext = m.seq + 1;
      own.hepLag = m.info.pending;
    }
  }

  private async readEvents(own: Owned, iter: ConsumerMessages): Promise<void> {
    let batch: JsMsg[] = [];
    for await (const m of iter) {
      if (own.stopped) break;
      batch.push(m);
      // getPending counts the message being handled too: more than 1 means more are here already.
      if (batch.length < EVENT_BATCH && iter.getPending() > 1) continue;
      const msgs = batch;
      batch = [];
      await this.storeEvents(own, msgs);
    }
  }

  /**
   * Store a batch at the owner, as `POST /events` does on one node (stored first, emitted after),
   * skipping ids the store holds already (a replay). Retried until the store takes it: the
   * partition waits (its lag shows it), nothing is skipped.
   */
  private async storeEvents(own: Owned, msgs: readonly JsMsg[]): Promise<void> {
    const events: SidetoneEvent[] = [];
    for (const m of msgs) {
      let e: SidetoneEvent;
      try {
        e = JSON.parse(this.dec.decode(m.data)) as SidetoneEvent;
      } catch {
        // Not a member's (members publish validated JSON): skipped, never a stuck partition.
        continue;
      }
      // An event without an id gets its stream position: a replay of it is then a duplicate too.
      if (e.id === undefined) (e as { id?: string }).id = `jetstream-${m.seq}`;
      events.push(e);
    }
    const sink = this.o.sink;
    for (let wait = 200; !own.stopped; wait = Math.min(wait * 2, 5000)) {
      try {
        const known = await sink.storedIds(events.map((e) => e.id as string));
        const fresh = known.size === 0 ? events : events.filter((e) => !known.has(e.id as string));
        const r = await storeFirst(sink, fresh);
        if (r.ok) {
          const stored = r.refused.size === 0 ? fresh : fresh.filter((_, k) => !r.refused.has(k));
          sink.ignoring(() => {
            for (const e of stored) this.o.bus.emitParsed(e);
          });
          const last = msgs[msgs.length - 1] as JsMsg;
          own.eventsNext = last.seq + 1;
          own.eventsLag = last.info.pending;
          return;
        }
      } catch {
        // the store could not read its ids: retried below
      }
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  /**
   * Flush the store, then write the replay positions: HEP from the first message of the oldest call
   * still tracked, events from the next one not stored. Calls no longer tracked (and past the reorder
   * window, so no message of theirs is still held) are forgotten first.
   */
  private async commit(own: Owned, keep: boolean): Promise<void> {
    const lease = this.positions(own, keep);
    // What was emitted before this point is durable once the flush resolves.
    await this.o.sink.flush();
    await this.writeLease(own, lease);
  }

  /** The lease to write for an owned partition: its replay positions now (see commit). */
  private positions(own: Owned, keep: boolean): PartitionLease {
    const now = Date.now();
    const quiet = now - this.o.reorderWindowMs - HEARTBEAT_MS;
    let hep = own.hepNext;
    for (const [key, t] of own.calls) {
      if (t.lastAt < quiet && !own.capture.tracks(key)) own.calls.delete(key);
      else if (t.first < hep || hep === 0) hep = t.first;
    }
    return { owner: keep ? this.o.nodeId : '', hep, events: own.eventsNext, lag: own.lag, at: now };
  }

  /** Write a partition's lease (compare-and-set on the revision this member wrote last). */
  private async writeLease(own: Owned, lease: PartitionLease): Promise<void> {
    own.revision = await (this.leases as KV).update(
      String(own.partition),
      this.enc.encode(JSON.stringify(lease)),
      own.revision,
    );
    this.view.set(own.partition, lease);
  }

  /** Stop reading a partition and forget it (its calls too: whoever owns it next replays them). */
  private async stopReading(own: Owned): Promise<void> {
    own.stopped = true;
    await own.hepIter?.close()?.catch(() => {});
    await own.eventsIter?.close()?.catch(() => {});
    await own.done;
    this.owned.delete(own.partition);
  }

  /** Hand a partition on: stop reading, commit with no owner, forget its calls (the next owner replays them). */
  private async release(own: Owned): Promise<void> {
    await this.stopReading(own);
    await this.commit(own, false).catch((err: unknown) =>
      this.o.log.warn(
        { partition: own.partition, error: (err as Error).message },
        'cluster release not written',
      ),
    );
    this.o.log.info({ partition: own.partition }, 'cluster partition released');
  }

  /** Leave: release every partition (others take them at once), then disconnect. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    clearInterval(this.ticker);
    await this.beating;
    await this.saying;
    if (!this.connected) {
      // NATS away: no release can be written (each would wait out its timeout); the leases stay,
      // and the members take them after the TTL, as from a member that died.
      for (const own of [...this.owned.values()]) await this.stopReading(own);
      await this.nc?.close().catch(() => {});
      return;
    }
    for (const own of [...this.owned.values()]) await this.release(own).catch(() => {});
    await this.members?.delete(this.o.nodeId).catch(() => {});
    await this.nc?.drain().catch(() => {});
  }
}
