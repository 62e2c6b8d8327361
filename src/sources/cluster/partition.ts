/**
 * Which partition a call belongs to and which live member owns each partition (issue 53). Pure: the
 * same inputs give the same answer on every member, so members agree on owners without talking,
 * and the only shared state is the lease each owner writes (node.ts).
 */

import { STORE_LIMITS } from '../../domain/limits.js';
import { decodeHepInto, emptyPacket } from '../hep/decode.js';
import { hash32 } from '../hep/hash.js';
import { parseSip } from '../hep/sip.js';
import { space } from '../hep/sip-fields.js';

/** murmur3's finaliser: FNV-1a alone leaves strings that differ in the last byte close together. */
function mix(h: number): number {
  let x = h;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * The partition of a call id (a SIP Call-ID, an event's callId): fixed for the life of the stream,
 * so `cluster.partitions` is too.
 * @example partitionOf('a84b4c76e66710@pc33.example.com', 16) // 0..15
 */
export function partitionOf(key: string, partitions: number): number {
  return mix(hash32(key)) % partitions;
}

/**
 * The owner of `partition` among `members`: rendezvous (highest random weight) hashing, so a member
 * that leaves moves only its own partitions and one that joins takes about 1/n of each other's.
 * @example ownerOf(3, ['a', 'b', 'c']) // one of them, the same on every member
 */
export function ownerOf(partition: number, members: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestWeight = -1;
  for (const m of members) {
    const w = mix(hash32(`${m}\u0000${partition}`));
    if (w > bestWeight || (w === bestWeight && best !== undefined && m < best)) {
      best = m;
      bestWeight = w;
    }
  }
  return best;
}

/** What a member does about one partition at a heartbeat. */
export const PARTITION_ACTIONS = ['none', 'take', 'keep', 'release', 'wait', 'drop'] as const;
export type PartitionAction = (typeof PARTITION_ACTIONS)[number];

/** The lease an owner keeps in the partitions bucket; `owner` '' once released. */
export interface PartitionLease {
  owner: string;
  /** Stream sequence to replay HEP from: every message before it belongs to a call stored whole. */
  hep: number;
  /** Stream sequence to replay events from: every event before it is stored. */
  events: number;
  /** Messages waiting for the owner, at its last heartbeat. */
  lag: number;
  /** When the owner wrote it (epoch ms). */
  at: number;
}

/**
 * The transition table of one partition, as seen by member `me`: rows by (owning now, assigned to
 * me by {@link ownerOf}), and for a partition assigned but not owned, whether its lease is free
 * (absent, released, mine, or held by a member no longer live). A lease held by a live member is
 * waited for: it releases once it sees the new assignment, so no two members write one partition
 * (a joining member takes its share only after the old owner's last commit).
 *
 * Two rows for an outage of NATS: a partition owned here whose lease names another member was taken
 * while this member could not say "live" (away past its TTL): `drop` it, stop reading without a
 * commit. And while `settling` (just back from an outage, when the members bucket fills again only
 * as each member says "live"), a lease held by a member not listed is waited for, not taken.
 * @example stepPartition('a', 3, ['a', 'b'], { owner: 'c' }, false) // 'take' if 3 is a's, else 'none'
 */
export function stepPartition(
  me: string,
  partition: number,
  members: readonly string[],
  lease: Pick<PartitionLease, 'owner'> | undefined,
  owning: boolean,
  settling = false,
): PartitionAction {
  if (owning && lease !== undefined && lease.owner !== me) return 'drop';
  const assigned = ownerOf(partition, members) === me;
  if (owning) return assigned ? 'keep' : 'release';
  if (!assigned) return 'none';
  if (lease === undefined || lease.owner === '' || lease.owner === me) return 'take';
  return members.includes(lease.owner) || settling ? 'wait' : 'take';
}

/** What the cluster check reports: pass, or fail with the cause an operator reads on /readyz. */
export interface ClusterReadiness {
  status: 'pass' | 'fail';
  detail: string;
}

/**
 * The readiness of the cluster as member `me` sees it (issue 53, "degraded while a partition has no
 * owner or lags past a bound"). A partition has no live owner when its lease is absent or released,
 * names a member gone from the members bucket, or names a member that is `silent`: still in the
 * bucket (its TTL has not run out) but not heard from for several heartbeats, as after a SIGKILL.
 * Silence is for readiness only: ownership moves on the TTL (stepPartition), so a slow member never
 * has its partitions taken while it may still write them.
 * @example clusterReadiness({ partitions: 2, live: ['a'], silent: [], maxLag: 100, owned: 2,
 *   leases: [{ owner: 'a', lag: 0 }, { owner: 'a', lag: 0 }] }) // { status: 'pass', ... }
 */
export function clusterReadiness(o: {
  partitions: number;
  live: readonly string[];
  silent: readonly string[];
  maxLag: number;
  /** Partitions this member owns, for the pass detail. */
  owned: number;
  leases: ReadonlyArray<Pick<PartitionLease, 'owner' | 'lag'> | undefined>;
}): ClusterReadiness {
  let orphans = 0;
  let behind = 0;
  const silentOwners = new Set<string>();
  for (let p = 0; p < o.partitions; p++) {
    const l = o.leases[p];
    if (l === undefined || l.owner === '' || !o.live.includes(l.owner)) orphans++;
    else if (o.silent.includes(l.owner)) {
      orphans++;
      silentOwners.add(l.owner);
    } else if (l.lag > o.maxLag) behind++;
  }
  if (orphans > 0) {
    const silent = [...silentOwners].sort();
    return {
      status: 'fail',
      detail: `${orphans} of ${o.partitions} partitions without a live owner${silent.length > 0 ? ` (silent: ${silent.join(', ')})` : ''}`,
    };
  }
  if (behind > 0)
    return {
      status: 'fail',
      detail: `${behind} of ${o.partitions} partitions lag more than ${o.maxLag} messages (cluster.max_lag)`,
    };
  const up = o.live.length - o.silent.length;
  return { status: 'pass', detail: `${up} members, ${o.owned} of ${o.partitions} partitions here` };
}

/** The packet the router decodes into: one per process, read before the next packet. */
const packet = emptyPacket();

/**
 * The call a HEP packet belongs to, as the capture keys it (capture.ts): a SIP message's Call-ID,
 * an RTCP report's correlation id (chunk 17); '' for a packet that names none (malformed ones too,
 * whose owner counts them).
 */
export function hepCallKey(buf: Buffer): string {
  if (decodeHepInto(buf, packet) !== undefined) return '';
  if (packet.type === 1) return parseSip(packet.data, packet.payloadAt, packet.payloadEnd)?.callId ?? '';
  return packet.correlationId ?? '';
}

/** hash32 of the empty string: where the byte hash below starts (FNV-1a's offset basis). */
const FNV_BASIS = 0x811c9dc5;
const CRLF2 = Buffer.from('\r\n\r\n');
const LF2 = Buffer.from('\n\n');

/** Whether bytes [at, to) spell `name` (lower case) ignoring ASCII case. */
function named(b: Buffer, at: number, to: number, name: string): boolean {
  if (to - at !== name.length) return false;
  for (let i = 0; i < name.length; i++)
    if (((b[at + i] as number) | 0x20) !== name.charCodeAt(i)) return false;
  return true;
}

/** Where callIdSpan found the value: bytes [from, to) of the buffer it was given. */
const span = { from: 0, to: 0 };

/**
 * Find the Call-ID a SIP message's bytes [start, stop) carry, as parseSip reads it (the first
 * non-empty `Call-ID` or `i` header, its value trimmed), in place: no string, no parse. Its bounds
 * go to `span`. False where the bytes alone do not settle it the same way (a folded Call-ID line,
 * a byte above 0x7f, a value past the store's id limit, none found): the caller parses then.
 */
function callIdSpan(b: Buffer, start: number, stop: number): boolean {
  // The header block ends as parseSip ends it: the first CRLF CRLF, else the first LF LF.
  let end = b.indexOf(CRLF2, start);
  if (end < 0 || end >= stop) {
    end = b.indexOf(LF2, start);
    if (end < 0 || end >= stop) end = stop;
  }
  let lf = b.indexOf(0x0a, start);
  while (lf >= 0 && lf < end) {
    const at = lf + 1;
    lf = b.indexOf(0x0a, at);
    const eol = lf < 0 || lf > end ? end : lf;
    const c0 = b[at] as number;
    if (at >= eol) continue;
    // A line that starts with white space folds a header (rare since RFC 3261 7.3.1 deprecated
    // it): parseSip decides, as it joins the lines.
    if (c0 === 0x20 || c0 === 0x09) return false;
    const colon = b.indexOf(0x3a, at);
    if (colon <= at || colon >= eol) continue;
    let nameEnd = colon;
    while (nameEnd > at && space(b[nameEnd - 1] as number)) nameEnd--;
    if (!named(b, at, nameEnd, 'call-id') && !named(b, at, nameEnd, 'i')) continue;
    // Folded: parseSip joins the lines; that rare case is left to it.
    const next = b[eol + 1];
    if (eol < end && (next === 0x20 || next === 0x09)) return false;
    let from = colon + 1;
    let to = eol;
    while (from < to && space(b[from] as number)) from++;
    while (to > from && space(b[to - 1] as number)) to--;
    if (from === to) continue; // empty: a later Call-ID header counts, as in parseSip
    if (to - from > STORE_LIMITS.idMax) return false;
    for (let i = from; i < to; i++) if ((b[i] as number) > 0x7f) return false;
    span.from = from;
    span.to = to;
    return true;
  }
  return false;
}

/**
 * hash32 of the Call-ID a SIP message's bytes [start, stop) carry, as parseSip reads it, read in
 * place (callIdSpan); -1 where the bytes alone do not settle it: the caller parses then.
 */
export function callIdHash(b: Buffer, start: number, stop: number): number {
  if (!callIdSpan(b, start, stop)) return -1;
  let h = FNV_BASIS;
  for (let i = span.from; i < span.to; i++) h = Math.imul(h ^ (b[i] as number), 0x01000193);
  return h >>> 0;
}

/**
 * The call a HEP packet belongs to, as the partition's owner tracks it for its replay position:
 * hepCallKey's answer, with a SIP message's Call-ID read as one string of its bytes where they
 * settle it (callIdSpan) instead of parsing the message, which the owner's capture parses next.
 * A message parseSip refuses may get its Call-ID here where hepCallKey gives '': its owner tracks
 * it until the reorder window passes and the capture, which counts it malformed, does not.
 * @example ownerCallKey(packet) // 'a84b4c76e66710@pc33.example.com', as hepCallKey(packet)
 */
export function ownerCallKey(buf: Buffer): string {
  if (decodeHepInto(buf, packet) === undefined && packet.type === 1) {
    if (callIdSpan(packet.data, packet.payloadAt, packet.payloadEnd))
      return packet.data.toString('latin1', span.from, span.to);
  }
  return hepCallKey(buf);
}

/**
 * The partition of a HEP packet's call: `partitionOf(hepCallKey(buf), partitions)`, with a SIP
 * message's Call-ID hashed in its bytes (callIdHash) where they settle it. The publish path's: it
 * parsed every message whole (a string of the message and its fields) to route it. A message
 * parseSip refuses (a bad start line, no CSeq) may go to another partition than hepCallKey's ''
 * would send it to: any one will do, its owner counts it malformed all the same.
 * @example hepPartition(packet, 16) // 0..15, as partitionOf(hepCallKey(packet), 16)
 */
export function hepPartition(buf: Buffer, partitions: number): number {
  if (decodeHepInto(buf, packet) === undefined && packet.type === 1) {
    const h = callIdHash(packet.data, packet.payloadAt, packet.payloadEnd);
    if (h >= 0) return mix(h) % partitions;
  }
  return partitionOf(hepCallKey(buf), partitions);
}
