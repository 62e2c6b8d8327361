/**
 * The event-loop sampler that parks while the loop has no work (issue 51), on a simulated clock:
 * `now` is the loop's time and `busy` its busy time (performance.eventLoopUtilization().active),
 * so a stall is the clock and the busy time moving on together while no timer fires.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eventLoopCheck } from '../../src/health/checks.js';
import { LoopSampler } from '../../src/health/loop-sampler.js';
import { HealthRegistry } from '../../src/health/registry.js';

let t = 0;
let busy = 0;
/** Simulated time passes; timers due fire, with the loop doing `work` ms of its own besides. */
async function pass(ms: number, work = 0): Promise<void> {
  const end = t + ms;
  while (t < end) {
    const step = Math.min(10, end - t);
    t += step;
    busy += (work * step) / ms;
    await vi.advanceTimersByTimeAsync(step);
  }
}
/** One task holds the loop for `ms`: no timer fires meanwhile, all of it is busy time. */
function stall(ms: number): void {
  t += ms;
  busy += ms;
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
  t = 0;
  busy = 0;
});
afterEach(() => vi.useRealTimers());

function sampler(parkAfterMs = 1000) {
  return new LoopSampler({
    resolutionMs: 100,
    parkAfterMs,
    lookEveryMs: 30_000,
    now: () => t,
    busy: () => busy,
  });
}

describe('LoopSampler', () => {
  it('samples every resolution while there is work, parks a quiet second after the last wake-up, and fires no timer parked but a look every 30 s', async () => {
    const loop = sampler();
    const samples: number[] = [];
    const stop = loop.subscribe({ sample: (ns) => samples.push(ns / 1e6) });
    await pass(500);
    loop.wake();
    await pass(500);
    expect(samples).toHaveLength(10);
    expect(samples.every((ms) => ms === 100)).toBe(true);
    expect(loop.isParked).toBe(false);
    await pass(1000);
    expect(loop.isParked).toBe(true);
    const sampled = samples.length;
    // Parked: ten minutes with no work, the only timer the look every 30 s.
    const pending = vi.getTimerCount();
    await pass(600_000);
    expect(samples).toHaveLength(sampled);
    expect(pending).toBe(1);
    expect(vi.getTimerCount()).toBe(1);
    stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps sampling while the loop works without waking it (over 1 % of a tick busy)', async () => {
    const loop = sampler();
    loop.subscribe({ sample: () => {} });
    await pass(5000, 250);
    expect(loop.isParked).toBe(false);
    await pass(1100);
    expect(loop.isParked).toBe(true);
  });

  it('a parked stretch reads as the idle samples it stands for', async () => {
    const loop = sampler();
    let idle = 0;
    let sampled = 0;
    loop.subscribe({ sample: () => sampled++, idle: (n) => (idle += n) });
    await pass(1000);
    expect(loop.isParked).toBe(true);
    await pass(60_000);
    loop.wake();
    // 60 s parked at 100 ms a sample (the look's own work is not a stall: under a resolution).
    expect(idle).toBe(600);
    expect(sampled).toBe(10);
  });

  it('counts a stall that began while parked, before the wake-up, whole in the first sample', async () => {
    const loop = sampler();
    const samples: number[] = [];
    loop.subscribe({ sample: (ns) => samples.push(ns / 1e6) });
    await pass(1000);
    expect(loop.isParked).toBe(true);
    samples.length = 0;
    // A task that runs 700 ms, wakes the sampler (a request arrived), then runs 800 ms more.
    stall(700);
    loop.wake();
    stall(800);
    await pass(100);
    expect(samples[0]).toBeGreaterThanOrEqual(1500);
  });

  it('parked, a look that finds work which never woke it resumes sampling with that work counted', async () => {
    const loop = sampler();
    const samples: number[] = [];
    loop.subscribe({ sample: (ns) => samples.push(ns / 1e6) });
    await pass(1000);
    samples.length = 0;
    // A timer's task (no request, no event) holds the loop 1.2 s while the sampler is parked.
    await pass(10_000);
    stall(1200);
    // The look 30 s after parking sees it; the first sample after carries it.
    await pass(20_100);
    expect(loop.isParked).toBe(false);
    expect(Math.max(...samples)).toBeGreaterThanOrEqual(1200);
  });

  it('parked, work under a resolution between two looks stays parked', async () => {
    const loop = sampler();
    loop.subscribe({ sample: () => {} });
    await pass(1000);
    await pass(30_000, 60);
    expect(loop.isParked).toBe(true);
  });
});

describe('eventLoopCheck on a sampler that parks', () => {
  it('fails on a stall in the task that woke it, and passes again two windows later with no timer of its own', async () => {
    const loop = sampler();
    const h = new HealthRegistry();
    h.register(eventLoopCheck({ sampler: loop }));
    await pass(2000);
    expect(loop.isParked).toBe(true);
    expect((await h.run()).checks.event_loop?.status).toBe('pass');
    // The look is the only timer: the windows roll when a sample or a read finds them over.
    expect(vi.getTimerCount()).toBe(1);
    loop.wake();
    stall(1300);
    await pass(100);
    const failed = (await h.run()).checks.event_loop;
    expect(failed?.status).toBe('fail');
    expect(Number(/^max delay (\d+) ms/.exec(failed?.detail ?? '')?.[1])).toBeGreaterThanOrEqual(1200);
    // Still within the last 10-20 s after 9 s; gone after two whole windows.
    await pass(9000);
    expect((await h.run()).checks.event_loop?.status).toBe('fail');
    await pass(11_000);
    expect((await h.run()).checks.event_loop).toMatchObject({
      status: 'pass',
      detail: 'max delay 0 ms in the last 10-20 s (limit 1000 ms)',
    });
    h.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});
