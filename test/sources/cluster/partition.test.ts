// The pure half of the cluster (issue 53): which partition a call is in, which member owns it, and
// what a member does about a partition at a heartbeat.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clusterReadiness,
  hepCallKey,
  hepPartition,
  ownerCallKey,
  ownerOf,
  partitionOf,
  stepPartition,
} from '../../../src/sources/cluster/partition.js';
import { parseSip } from '../../../src/sources/hep/sip.js';
import { hep, rawHep, sip } from '../hep/helpers.js';

const ids = Array.from({ length: 4000 }, (_, i) => `${i}a84b4c76e66710@pc33.example.com`);

describe('partitionOf', () => {
  it('is stable, in range, and spreads Call-IDs that differ in a few characters evenly', () => {
    const counts = new Array(16).fill(0);
    for (const id of ids) {
      const p = partitionOf(id, 16);
      expect(p).toBe(partitionOf(id, 16));
      counts[p]++;
    }
    // 250 a partition expected; a binomial's 5 sigma is ~77.
    for (const n of counts) expect(Math.abs(n - 250)).toBeLessThan(80);
  });
});

describe('ownerOf (rendezvous hashing)', () => {
  const partitions = Array.from({ length: 64 }, (_, p) => p);
  it('gives every partition one live member, the same whatever the order of the list', () => {
    for (const p of partitions) {
      expect(['a', 'b', 'c']).toContain(ownerOf(p, ['a', 'b', 'c']));
      expect(ownerOf(p, ['c', 'a', 'b'])).toBe(ownerOf(p, ['a', 'b', 'c']));
    }
    expect(ownerOf(0, [])).toBeUndefined();
  });
  it('moves only the partitions of a member that leaves, and a joining member takes from each', () => {
    const before = partitions.map((p) => ownerOf(p, ['a', 'b', 'c']));
    const after = partitions.map((p) => ownerOf(p, ['a', 'b']));
    partitions.forEach((p) => {
      if (before[p] !== 'c') expect(after[p]).toBe(before[p]);
    });
    const joined = partitions.map((p) => ownerOf(p, ['a', 'b', 'c', 'd']));
    const taken = partitions.filter((p) => joined[p] !== before[p]);
    expect(taken.every((p) => joined[p] === 'd')).toBe(true);
    expect(new Set(taken.map((p) => before[p]))).toEqual(new Set(['a', 'b', 'c']));
  });
});

describe('stepPartition', () => {
  const live = ['a', 'b', 'c'];
  const mine = Array.from({ length: 64 }, (_, p) => p).find((p) => ownerOf(p, live) === 'a') as number;
  const theirs = Array.from({ length: 64 }, (_, p) => p).find((p) => ownerOf(p, live) !== 'a') as number;
  it('takes a free partition assigned to it, waits for a live holder, keeps and releases', () => {
    expect(stepPartition('a', mine, live, undefined, false)).toBe('take');
    expect(stepPartition('a', mine, live, { owner: '' }, false)).toBe('take');
    expect(stepPartition('a', mine, live, { owner: 'gone' }, false)).toBe('take');
    expect(stepPartition('a', mine, live, { owner: 'b' }, false)).toBe('wait');
    expect(stepPartition('a', mine, live, { owner: 'a' }, true)).toBe('keep');
    expect(stepPartition('a', theirs, live, { owner: 'a' }, true)).toBe('release');
    expect(stepPartition('a', theirs, live, undefined, false)).toBe('none');
  });
  it('drops a partition another member took meanwhile; settling, waits for a holder not listed yet', () => {
    // Owned here, but the lease names b: b took it while a was away from NATS past its TTL.
    expect(stepPartition('a', mine, live, { owner: 'b' }, true)).toBe('drop');
    expect(stepPartition('a', theirs, live, { owner: 'b' }, true)).toBe('drop');
    // Back from an outage the members bucket is refilling: a holder missing from it is waited for.
    expect(stepPartition('a', mine, live, { owner: 'gone' }, false, true)).toBe('wait');
    expect(stepPartition('a', mine, live, { owner: '' }, false, true)).toBe('take');
    expect(stepPartition('a', mine, live, { owner: 'a' }, false, true)).toBe('take');
    expect(stepPartition('a', mine, live, { owner: 'a' }, true, true)).toBe('keep');
  });
});

describe('clusterReadiness (/readyz of a member)', () => {
  const base = { partitions: 4, live: ['a', 'b', 'c'], silent: [] as string[], maxLag: 100, owned: 1 };
  const leases = (owners: string[], lag = 0) => owners.map((owner) => ({ owner, lag }));
  it('passes while every partition has a live owner within the lag bound', () => {
    expect(clusterReadiness({ ...base, leases: leases(['a', 'b', 'c', 'a']) })).toEqual({
      status: 'pass',
      detail: '3 members, 1 of 4 partitions here',
    });
  });
  it('fails naming the partitions without an owner: absent, released, or held by a member gone', () => {
    for (const l of [
      [undefined, ...leases(['a', 'b', 'c'])],
      leases(['', 'b', 'c', 'a']),
      leases(['gone', 'b', 'c', 'a']),
    ])
      expect(clusterReadiness({ ...base, leases: l })).toEqual({
        status: 'fail',
        detail: '1 of 4 partitions without a live owner',
      });
  });
  it('fails while an owner is silent (killed, its TTL not run out yet), naming it; the silent list alone does not', () => {
    expect(clusterReadiness({ ...base, silent: ['c'], leases: leases(['a', 'c', 'c', 'b']) })).toEqual({
      status: 'fail',
      detail: '2 of 4 partitions without a live owner (silent: c)',
    });
    // A silent member that owns nothing leaves every partition owned: ready, counted out of the members.
    expect(clusterReadiness({ ...base, silent: ['c'], leases: leases(['a', 'b', 'a', 'b']) })).toEqual({
      status: 'pass',
      detail: '2 members, 1 of 4 partitions here',
    });
  });
  it('fails while a partition lags past cluster.max_lag; a missing owner is named first', () => {
    const l = leases(['a', 'b', 'c', 'a']);
    (l[2] as { lag: number }).lag = 101;
    expect(clusterReadiness({ ...base, leases: l })).toEqual({
      status: 'fail',
      detail: '1 of 4 partitions lag more than 100 messages (cluster.max_lag)',
    });
    (l[3] as { owner: string }).owner = '';
    expect(clusterReadiness({ ...base, leases: l }).detail).toBe('1 of 4 partitions without a live owner');
    (l[2] as { lag: number }).lag = 100;
    (l[3] as { owner: string }).owner = 'a';
    expect(clusterReadiness({ ...base, leases: l }).status).toBe('pass');
  });
});

describe('hepCallKey', () => {
  it("is a SIP message's Call-ID, an RTCP report's correlation id, '' for what names none", () => {
    expect(hepCallKey(hep(sip('INVITE sip:b SIP/2.0', { callId: 'k-1', cseq: '1 INVITE' })))).toBe('k-1');
    expect(hepCallKey(rawHep(5, Buffer.from([0x80, 0xc8, 0, 1]), 'k-2'))).toBe('k-2');
    expect(hepCallKey(Buffer.from('not hep'))).toBe('');
  });
});

describe('hepPartition and ownerCallKey (the publish path and the owner: the Call-ID read in its bytes)', () => {
  // The owner's key is the Call-ID read from the same bytes: hepCallKey's wherever parseSip reads the message.
  const same = (buf: Buffer, n: number) => {
    expect(hepPartition(buf, n)).toBe(partitionOf(hepCallKey(buf), n));
    expect(ownerCallKey(buf)).toBe(hepCallKey(buf));
  };
  /** As hepCallKey routes it where parseSip reads the message; a message it refuses goes anywhere in range. */
  const routed = (text: string, n: number) => {
    if (parseSip(Buffer.from(text)) !== undefined) same(hep(text), n);
    else expect(hepPartition(hep(text), n)).toBeLessThan(n);
  };
  it('routes every message as partitionOf(hepCallKey) does: spellings, spaces, line ends, folds, non-ASCII, long ids', () => {
    const name = fc.constantFrom('Call-ID', 'call-id', 'CALL-ID', 'Call-Id', 'i', 'I', 'Call-ID ', 'i\t');
    const id = fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9@.\-_+%!~*'()]{1,60}$/),
      fc.constantFrom('caf\u00e9@x', 'a'.repeat(200), 'a'.repeat(201), ''),
    );
    const pad = fc.constantFrom('', ' ', '  ', '\t', ' \t');
    const eol = fc.constantFrom('\r\n', '\n');
    fc.assert(
      fc.property(
        fc.record({
          start: fc.constantFrom(
            'INVITE sip:b SIP/2.0',
            'SIP/2.0 180 Ringing',
            'BYE sip:b SIP/2.0',
            'SIP/2.0 x',
          ),
          name,
          id,
          before: pad,
          after: pad,
          eol,
          emptyFirst: fc.boolean(),
          fold: fc.boolean(),
          where: fc.nat(3),
          body: fc.string({ maxLength: 40 }),
        }),
        (m) => {
          const headers = [
            'Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-1',
            'From: <sip:a@x>;tag=1',
            'To: <sip:b@y>',
            'CSeq: 1 INVITE',
          ];
          const callId = m.fold
            ? `${m.name}:${m.before}${m.eol} ${m.id}${m.after}`
            : `${m.name}:${m.before}${m.id}${m.after}`;
          headers.splice(m.where, 0, ...(m.emptyFirst ? ['Call-ID:  '] : []), callId);
          const text = [m.start, ...headers, '', m.body].join(m.eol);
          for (const n of [1, 8, 256]) routed(text, n);
        },
      ),
      { numRuns: 3000 },
    );
  });
  it('routes what parseSip refuses and what is not SIP as hepCallKey does', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 300 }),
        fc.constantFrom('', 'SIP/2.0 200 OK\r\n', 'INVITE sip:a SIP/2.0\r\n'),
        (s, start) => {
          const buf = hep(start + s);
          if (parseSip(Buffer.from(start + s)) !== undefined) same(buf, 16);
          else expect(hepPartition(buf, 16)).toBeLessThan(16);
        },
      ),
      { numRuns: 2000 },
    );
    same(rawHep(5, Buffer.from([0x80, 0xc8, 0, 1]), 'k-2'), 16);
    same(Buffer.from('not hep'), 16);
    same(hep(sip('INVITE sip:b SIP/2.0', { callId: 'k-1', cseq: '1 INVITE' })), 16);
  });
});
