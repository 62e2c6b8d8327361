import { describe, expect, it, vi } from 'vitest';
import { HealthRegistry } from '../../src/health/index.js';
import { exportHealthMetrics } from '../../src/health/metrics.js';
import { Registry } from '../../src/metrics/index.js';
import { promtoolCheck } from '../helpers/promtool.js';

function lines(text: string, prefix: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(prefix));
}

describe('health as metrics', () => {
  it('exports one status series per check and status, with unknown as its own series', async () => {
    const registry = new Registry();
    const health = new HealthRegistry();
    health.register({ name: 'store', check: () => true });
    health.register({ name: 'disk', critical: false, check: () => false });
    health.register({ name: 'modem' });
    exportHealthMetrics(registry, health);
    const text = await registry.metrics();
    expect(lines(text, 'sidetone_health_check_status{').sort()).toEqual(
      [
        'sidetone_health_check_status{check="disk",status="fail"} 1',
        'sidetone_health_check_status{check="disk",status="pass"} 0',
        'sidetone_health_check_status{check="disk",status="unknown"} 0',
        'sidetone_health_check_status{check="modem",status="fail"} 0',
        'sidetone_health_check_status{check="modem",status="pass"} 0',
        'sidetone_health_check_status{check="modem",status="unknown"} 1',
        'sidetone_health_check_status{check="store",status="fail"} 0',
        'sidetone_health_check_status{check="store",status="pass"} 1',
        'sidetone_health_check_status{check="store",status="unknown"} 0',
      ].sort(),
    );
    expect(lines(text, 'sidetone_ready ')).toEqual(['sidetone_ready 0']);
    expect(lines(text, 'sidetone_health_check_critical{check="disk"}')).toEqual([
      'sidetone_health_check_critical{check="disk"} 0',
    ]);
    // Never reported: no age sample rather than a fake one.
    expect(lines(text, 'sidetone_health_check_age_seconds{check="modem"}')).toEqual([]);
    expect(promtoolCheck(text)).toEqual({ status: 0, output: '' });

    health.report('modem', 'pass');
    const after = await registry.metrics();
    expect(lines(after, 'sidetone_ready ')).toEqual(['sidetone_ready 1']);
    expect(lines(after, 'sidetone_health_check_status{check="modem",status="pass"}')).toEqual([
      'sidetone_health_check_status{check="modem",status="pass"} 1',
    ]);
  });

  it('drops the series of an unregistered check', async () => {
    const registry = new Registry();
    const health = new HealthRegistry();
    health.register({ name: 'temp', check: () => true });
    exportHealthMetrics(registry, health);
    expect(await registry.metrics()).toMatch(/check="temp"/);
    health.unregister('temp');
    expect(await registry.metrics()).not.toMatch(/check="temp"/);
  });
});

describe('health metrics read the last results', () => {
  it('a scrape never runs a check: the background refresh and readiness probes do', async () => {
    const registry = new Registry();
    const health = new HealthRegistry();
    let runs = 0;
    let ok = true;
    health.register({
      name: 'store',
      check: () => {
        runs++;
        return ok;
      },
    });
    exportHealthMetrics(registry, health, { refreshMs: 60_000 });
    try {
      for (let i = 0; i < 5; i++) expect(await registry.metrics()).toContain('sidetone_ready 1');
      expect(runs).toBe(1);
      // A readiness probe runs the checks; the next scrape shows what it found, without running.
      ok = false;
      expect((await health.run()).ready).toBe(false);
      expect(runs).toBe(2);
      expect(await registry.metrics()).toContain('sidetone_ready 0');
      expect(runs).toBe(2);
    } finally {
      health.close();
    }
  });

  it('the background refresh updates the results on its period', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const registry = new Registry();
    const health = new HealthRegistry();
    let runs = 0;
    health.register({ name: 'store', check: () => ++runs > 1 });
    try {
      exportHealthMetrics(registry, health, { refreshMs: 1_000 });
      expect(await registry.metrics()).toContain('sidetone_ready 0');
      await vi.advanceTimersByTimeAsync(1_000);
      expect(runs).toBe(2);
      expect(await registry.metrics()).toContain('sidetone_ready 1');
      health.close();
      await vi.advanceTimersByTimeAsync(5_000);
      expect(runs).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
