/**
 * The console's sampler parks while nothing changes (issue 51: an idle Pi's timers fire only when
 * there is work) and a wake-up (a bus event, a console read) samples at once, so the windows read
 * the same as a sampler that never stopped.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Registry } from '../../src/metrics/index.js';
import { LiveWindows, WINDOW_SAMPLE_MS } from '../../src/server/console-windows.js';

const MIN = 60_000;

afterEach(() => {
  vi.useRealTimers();
});

function sampled() {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'], now: 0 });
  const registry = new Registry({ prefix: 'sidetone' });
  const turns = registry.counter({ name: 'sidetone_voiceai_turns_total', help: 't', labels: ['agent'] });
  const w = new LiveWindows(registry, 'sidetone', { families: ['voiceai_turns_total'], longestMs: 10 * MIN });
  w.start();
  const turn = (n = 1) => {
    turns.labels({ agent: 'bot' }).inc(n);
    // As the sidecar wires it: every bus event wakes it, after the packs counted the event.
    w.wake();
  };
  const read = (windowMs: number) => w.increase('voiceai_turns_total', windowMs)[0]?.value ?? 0;
  return { w, turn, read };
}

describe('the console windows sampler', () => {
  it('parks after a sample that changed nothing, and runs again on a wake-up', () => {
    const { turn } = sampled();
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(WINDOW_SAMPLE_MS);
    // Nothing moved since the first sample: the timer is gone.
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(30 * MIN);
    expect(vi.getTimerCount()).toBe(0);
    turn();
    expect(vi.getTimerCount()).toBe(1);
    // Traffic keeps it running; a quiet period parks it again.
    vi.advanceTimersByTime(WINDOW_SAMPLE_MS);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('reads each window as a sampler that never stopped, across parked stretches', () => {
    const { turn, read } = sampled();
    turn(3); // t = 0
    vi.advanceTimersByTime(20 * MIN); // parked after the first tick
    turn(2); // t = 20 min
    vi.advanceTimersByTime(4 * MIN);
    turn(1); // t = 24 min
    vi.advanceTimersByTime(3 * MIN); // now 27 min
    expect(read(5 * MIN)).toBe(1); // 22-27 min: the turn at 24
    expect(read(10 * MIN)).toBe(3); // 17-27 min: at 20 and 24
  });

  it('a stopped sampler is not woken', () => {
    const { w, turn } = sampled();
    w.stop();
    turn();
    expect(vi.getTimerCount()).toBe(0);
  });
});
