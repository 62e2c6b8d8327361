// The cluster's publish path (issue 53): every HEP packet a member receives goes to its call's
// partition. Routing it parsed the SIP message whole (a SipMessage and its strings a packet) for
// one number; the Call-ID is hashed in the packet's bytes now (partition.ts hepPartition).
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { HealthRegistry } from '../../../src/health/index.js';
import { Registry } from '../../../src/metrics/index.js';
import { ClusterNode } from '../../../src/sources/cluster/node.js';
import { hepCallKey, partitionOf } from '../../../src/sources/cluster/partition.js';
import { hep, sip } from '../hep/helpers.js';

const parsed = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../../src/sources/hep/sip.js', async (actual) => {
  const m = await actual<typeof import('../../../src/sources/hep/sip.js')>();
  return {
    ...m,
    parseSip: (...a: Parameters<typeof m.parseSip>) => {
      parsed.count++;
      return m.parseSip(...a);
    },
  };
});

interface Sent {
  subject: string;
  data: Uint8Array;
  options: unknown;
}

/** A member with a connection that keeps what it is given (no NATS: nothing here is a server). */
function member(partitions = 16) {
  const registry = new Registry();
  const node = new ClusterNode({} as never, {
    natsUrl: 'nats://127.0.0.1:1',
    partitions,
    nodeId: 'a',
    maxLag: 1,
    maxCalls: 1,
    reorderWindowMs: 200,
    bus: {} as never,
    sink: {} as never,
    registry,
    prefix: 'sidetone',
    health: new HealthRegistry(),
    log: pino({ level: 'silent' }),
    capture: () => {
      throw new Error('not owning here');
    },
  });
  const sent: Sent[] = [];
  let fail = false;
  (node as unknown as { nc: unknown }).nc = {
    isClosed: () => false,
    publish: (subject: string, data: Uint8Array, options: unknown) => {
      if (fail) throw new Error('connection closed');
      sent.push({ subject, data, options });
    },
  };
  return {
    node,
    sent,
    registry,
    failing: () => {
      fail = true;
    },
  };
}

describe('ClusterNode.publishHep', () => {
  const packets = Array.from({ length: 64 }, (_, i) =>
    i % 2 === 0
      ? hep(sip('INVITE sip:b SIP/2.0', { callId: `${i}a84b4c76e66710@pc33.example.com`, cseq: '1 INVITE' }))
      : hep(sip('SIP/2.0 180 Ringing', { callId: `${i}a84b4c76e66710@pc33.example.com`, cseq: '1 INVITE' })),
  );

  it("sends each packet to its call's partition, receipt time first, without parsing the SIP message", () => {
    const m = member();
    parsed.count = 0;
    for (const p of packets) m.node.publishHep(p, 1_700_000_000_123.5);
    // Before: hepCallKey parsed every message to route it (64 parses).
    expect(parsed.count).toBe(0);
    expect(m.sent).toHaveLength(packets.length);
    packets.forEach((p, i) => {
      const s = m.sent[i] as Sent;
      expect(s.subject).toBe(`sidetone.hep.${partitionOf(hepCallKey(p), 16)}`);
      const out = Buffer.from(s.data.buffer, s.data.byteOffset, s.data.byteLength);
      expect(out.readDoubleBE(0)).toBe(1_700_000_000_123.5);
      expect(out.subarray(8).equals(p)).toBe(true);
    });
    // One options object for every publish, not one a packet.
    expect(new Set(m.sent.map((s) => s.options)).size).toBe(1);
    expect(m.registry.render()).toContain('sidetone_cluster_published_total{kind="hep"} 64');
  });

  it('counts a packet the connection refuses, and never throws', () => {
    const m = member();
    m.failing();
    for (const p of packets.slice(0, 3)) expect(() => m.node.publishHep(p, 1)).not.toThrow();
    expect(m.registry.render()).toContain('sidetone_cluster_publish_failed_total{kind="hep"} 3');
  });
});
