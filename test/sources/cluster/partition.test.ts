// The pure half of the cluster (issue 53): which partition a call is in, which member owns it, and
// what a member does about a partition at a heartbeat.
import { describe, expect, it } from 'vitest';
import { hepCallKey, ownerOf, partitionOf, stepPartition } from '../../../src/sources/cluster/partition.js';
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
});

describe('hepCallKey', () => {
  it("is a SIP message's Call-ID, an RTCP report's correlation id, '' for what names none", () => {
    expect(hepCallKey(hep(sip('INVITE sip:b SIP/2.0', { callId: 'k-1', cseq: '1 INVITE' })))).toBe('k-1');
    expect(hepCallKey(rawHep(5, Buffer.from([0x80, 0xc8, 0, 1]), 'k-2'))).toBe('k-2');
    expect(hepCallKey(Buffer.from('not hep'))).toBe('');
  });
});
