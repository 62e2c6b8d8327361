import { describe, expect, it } from 'vitest';
import { IdMap, Tracker } from '../../src/telephony/tracker.js';

const HOUR = 3_600_000;

describe('IdMap', () => {
  it('is an insertion-ordered map whose resident entry never shows', () => {
    const m = new IdMap<string, number>();
    expect(m.size).toBe(0);
    expect(m.firstKey()).toBeUndefined();
    expect([...m.values()]).toEqual([]);
    m.set('a', 1);
    m.set('b', 2);
    m.set('c', 3);
    expect(m.size).toBe(3);
    expect(m.firstKey()).toBe('a');
    expect([...m.values()]).toEqual([1, 2, 3]);
    expect(m.has('b')).toBe(true);
    expect(m.delete('a')).toBe(true);
    expect(m.delete('a')).toBe(false);
    expect(m.firstKey()).toBe('b');
    m.clear();
    expect(m.size).toBe(0);
    expect(m.firstKey()).toBeUndefined();
    m.set('d', 4);
    expect([m.size, m.firstKey(), m.get('d')]).toEqual([1, 'd', 4]);
  });

  it('keeps its entries through many empty-and-refill cycles, as per-call state does', () => {
    const m = new IdMap<string, number>();
    for (let i = 0; i < 1000; i++) {
      m.set(`call-${i}`, i);
      expect(m.get(`call-${i}`)).toBe(i);
      expect(m.delete(`call-${i}`)).toBe(true);
      expect(m.size).toBe(0);
    }
    m.set('x', 1);
    m.set('y', 2);
    expect([...m.values()]).toEqual([1, 2]);
  });
});

describe('Tracker', () => {
  it('tracks, refuses a duplicate, and takes', () => {
    const t = new Tracker<{ at: number }>(10, HOUR);
    expect(t.add('c1', { at: 0 }, 0)).toBe(true);
    expect(t.add('c1', { at: 5 }, 5)).toBe(false);
    expect(t.get('c1')).toEqual({ at: 0 });
    expect(t.size).toBe(1);
    expect(t.take('c1')).toEqual({ at: 0 });
    expect(t.take('c1')).toBeUndefined();
    expect(t.size).toBe(0);
    expect(t.oldest()).toBeUndefined();
  });

  it('evicts the oldest past maxEntries, reporting it', () => {
    const evicted: string[] = [];
    const t = new Tracker<{ at: number; id: string }>(2, HOUR, (v) => evicted.push(v.id));
    t.add('a', { at: 0, id: 'a' }, 0);
    t.add('b', { at: 1, id: 'b' }, 1);
    t.add('c', { at: 2, id: 'c' }, 2);
    expect(evicted).toEqual(['a']);
    expect([t.size, t.get('a'), t.oldest()?.id]).toEqual([2, undefined, 'b']);
  });

  it('evicts entries past maxAgeMs on add and on sweep, oldest first, stopping at a young one', () => {
    const evicted: string[] = [];
    const t = new Tracker<{ at: number; id: string }>(100, HOUR, (v) => evicted.push(v.id));
    t.add('a', { at: 0, id: 'a' }, 0);
    t.add('b', { at: 10, id: 'b' }, 10);
    t.add('c', { at: HOUR, id: 'c' }, HOUR);
    expect(evicted).toEqual([]); // a is exactly maxAgeMs old: kept
    t.add('d', { at: HOUR + 5, id: 'd' }, HOUR + 5);
    expect(evicted).toEqual(['a']);
    expect(t.sweep(HOUR + 10)).toBe(0);
    expect(t.sweep(HOUR + 11)).toBe(1);
    expect(evicted).toEqual(['a', 'b']);
    expect(t.sweep(3 * HOUR)).toBe(2);
    expect(evicted).toEqual(['a', 'b', 'c', 'd']);
    expect(t.size).toBe(0);
    expect(t.sweep(10 * HOUR)).toBe(0);
  });

  it('still evicts an expired entry after the oldest was taken', () => {
    const evicted: string[] = [];
    const t = new Tracker<{ at: number; id: string }>(100, HOUR, (v) => evicted.push(v.id));
    t.add('a', { at: 0, id: 'a' }, 0);
    t.add('b', { at: 100, id: 'b' }, 100);
    t.take('a');
    expect(t.sweep(HOUR + 50)).toBe(0);
    expect(t.sweep(HOUR + 101)).toBe(1);
    expect(evicted).toEqual(['b']);
  });

  it('ages a tracker emptied and refilled from the new entry, not the one taken', () => {
    const evicted: string[] = [];
    const t = new Tracker<{ at: number; id: string }>(100, HOUR, (v) => evicted.push(v.id));
    t.add('a', { at: 0, id: 'a' }, 0);
    t.take('a');
    t.add('b', { at: 10 * HOUR, id: 'b' }, 10 * HOUR);
    expect(t.sweep(10 * HOUR + 1)).toBe(0);
    expect(t.sweep(11 * HOUR + 1)).toBe(1);
    expect(evicted).toEqual(['b']);
  });
});
