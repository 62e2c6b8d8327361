/**
 * Which partition a call belongs to and which live member owns each partition (issue 53). Pure: the
 * same inputs give the same answer on every member, so members agree on owners without talking,
 * and the only shared state is the lease each owner writes (node.ts).
 */

import { decodeHepInto, emptyPacket } from '../hep/decode.js';
import { hash32 } from '../hep/hash.js';
import { parseSip } from '../hep/sip.js';

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
export const PARTITION_ACTIONS = ['none', 'take', 'keep', 'release', 'wait'] as const;
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
 */
export function stepPartition(
  me: string,
  partition: number,
  members: readonly string[],
  lease: Pick<PartitionLease, 'owner'> | undefined,
  owning: boolean,
): PartitionAction {
  const assigned = ownerOf(partition, members) === me;
  if (owning) return assigned ? 'keep' : 'release';
  if (!assigned) return 'none';
  const free =
    lease === undefined || lease.owner === '' || lease.owner === me || !members.includes(lease.owner);
  return free ? 'take' : 'wait';
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
