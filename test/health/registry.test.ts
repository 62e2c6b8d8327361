import { describe, expect, it, vi } from 'vitest';
import { HealthRegistry } from '../../src/health/index.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('HealthRegistry', () => {
  it.each([
    ['Modem', 'ST_INVALID_CHECK_NAME'],
    ['modem-ok', 'ST_INVALID_CHECK_NAME'],
    ['1modem', 'ST_INVALID_CHECK_NAME'],
    ['', 'ST_INVALID_CHECK_NAME'],
    ['a'.repeat(64), 'ST_INVALID_CHECK_NAME'],
  ])('refuses the check name %j', (name, code) => {
    expect(() => new HealthRegistry().register({ name, check: () => true })).toThrow(
      expect.objectContaining({ code }),
    );
  });

  it('refuses a duplicate name and bad timeouts', () => {
    const h = new HealthRegistry();
    h.register({ name: 'a', check: () => true });
    expect(() => h.register({ name: 'a', check: () => true })).toThrow(
      expect.objectContaining({ code: 'ST_DUPLICATE_CHECK' }),
    );
    expect(() => h.register({ name: 'b', timeoutMs: 0, check: () => true })).toThrow(
      expect.objectContaining({ code: 'ST_INVALID_OPTION' }),
    );
    expect(() => h.register({ name: 'c', staleAfterMs: -1 })).toThrow(
      expect.objectContaining({ code: 'ST_INVALID_OPTION' }),
    );
  });

  it('is ready only when every critical check passes; non-critical failures are reported, not fatal', async () => {
    const h = new HealthRegistry();
    h.register({ name: 'store', check: () => ({ status: 'pass', detail: 'writable' }) });
    h.register({ name: 'backup', critical: false, check: () => false });
    let r = await h.run();
    expect(r.ready).toBe(true);
    expect(r.checks.store).toMatchObject({ status: 'pass', detail: 'writable', critical: true });
    expect(r.checks.backup).toMatchObject({ status: 'fail', critical: false });
    expect(r.checks.store?.age_seconds).toBeGreaterThanOrEqual(0);
    h.register({ name: 'disk', check: async () => ({ status: false, detail: 'full' }) });
    r = await h.run();
    expect(r.ready).toBe(false);
    expect(r.checks.disk).toMatchObject({ status: 'fail', detail: 'full' });
  });

  it('a check that throws, times out or returns garbage is unknown, which is not ready', async () => {
    const h = new HealthRegistry();
    h.register({
      name: 'throws',
      check: () => {
        throw new Error('db locked for +44 7700 900123');
      },
    });
    h.register({ name: 'slow', timeoutMs: 20, check: () => new Promise(() => {}) });
    h.register({ name: 'garbage', check: () => 42 as never });
    const r = await h.run();
    expect(r.ready).toBe(false);
    expect(r.checks.throws?.status).toBe('unknown');
    expect(r.checks.throws?.detail).toMatch(/^check threw: /);
    expect(r.checks.throws?.detail).not.toMatch(/7700/);
    expect(r.checks.slow).toMatchObject({ status: 'unknown', detail: 'timed out after 20 ms' });
    expect(r.checks.garbage?.status).toBe('unknown');
  });

  it('does not call a hung check again on top of itself', async () => {
    const h = new HealthRegistry();
    let calls = 0;
    h.register({
      name: 'hung',
      timeoutMs: 10,
      check: () => {
        calls++;
        return new Promise(() => {});
      },
    });
    await h.run();
    const r = await h.run();
    expect(calls).toBe(1);
    expect(r.checks.hung?.detail).toMatch(/previous run has not finished/);
  });

  it('concurrent probes share one run of the checks', async () => {
    const h = new HealthRegistry();
    let calls = 0;
    let release: () => void = () => {};
    h.register({
      name: 'db',
      check: () => {
        calls++;
        return new Promise<boolean>((r) => {
          release = () => r(true);
        });
      },
    });
    const runs = [h.run(), h.run(), h.run()];
    await sleep(0);
    release();
    const results = await Promise.all(runs);
    expect(calls).toBe(1);
    for (const r of results) expect(r.ready).toBe(true);
  });

  it('push checks: unknown until reported, then as reported, then unknown when stale', async () => {
    // A controlled clock: staleness must not depend on how fast this machine runs the test.
    let now = 10_000;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => now);
    const h = new HealthRegistry();
    h.register({ name: 'modem', staleAfterMs: 30_000 });
    let r = await h.run();
    expect(r.ready).toBe(false);
    expect(r.checks.modem).toMatchObject({ status: 'unknown', detail: 'never reported', age_seconds: null });
    h.report('modem', 'pass', 'registered, home network');
    r = await h.run();
    expect(r.ready).toBe(true);
    expect(r.checks.modem).toMatchObject({ status: 'pass', detail: 'registered, home network' });
    h.report('modem', false, 'no carrier');
    expect((await h.run()).checks.modem).toMatchObject({ status: 'fail', detail: 'no carrier' });
    h.report('modem', true);
    now += 29_000;
    r = await h.run();
    expect(r.checks.modem).toMatchObject({ status: 'pass', age_seconds: 29 });
    now += 2_000;
    r = await h.run();
    clock.mockRestore();
    expect(r.ready).toBe(false);
    expect(r.checks.modem).toMatchObject({
      status: 'unknown',
      detail: 'stale: no report for 31 s (limit 30 s)',
    });
  });

  it('report() declares an unknown name as a critical push check; refuses pull checks', () => {
    const h = new HealthRegistry();
    h.report('sms_store', 'fail', 'read-only file system');
    expect(h.snapshot()).toMatchObject({
      ready: false,
      checks: { sms_store: { status: 'fail', critical: true } },
    });
    h.register({ name: 'pull', check: () => true });
    expect(() => h.report('pull', 'pass')).toThrow(expect.objectContaining({ code: 'ST_PULL_CHECK_REPORT' }));
    expect(() => h.report('Bad Name', 'pass')).toThrow(
      expect.objectContaining({ code: 'ST_INVALID_CHECK_NAME' }),
    );
  });

  it('an invalid pushed status is unknown', () => {
    const h = new HealthRegistry();
    h.report('modem', 'connected' as never);
    expect(h.snapshot().checks.modem?.status).toBe('unknown');
  });

  it('details never carry PII or secrets, whatever the check says', async () => {
    const h = new HealthRegistry();
    h.register({
      name: 'sip',
      check: () => ({ status: 'fail', detail: 'REGISTER to sip:alice@10.0.0.7 failed' }),
    });
    h.report('api', 'fail', 'Authorization: Bearer sk_live_abcdefghijklmnop1234');
    const r = await h.run();
    expect(JSON.stringify(r)).not.toMatch(/alice|10\.0\.0\.7|sk_live/);
    expect(r.checks.sip?.detail).toMatch(/redacted/);
  });

  it('unregister removes a check and runs its close()', async () => {
    const h = new HealthRegistry();
    let closed = 0;
    h.register({ name: 'x', check: () => false, close: () => closed++ });
    expect(h.names()).toEqual(['x']);
    expect(h.unregister('x')).toBe(true);
    expect(h.unregister('x')).toBe(false);
    expect(closed).toBe(1);
    expect((await h.run()).ready).toBe(true);
  });

  it('the background refresh parks after a period nobody read, and the next read runs the checks (issue 51)', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const h = new HealthRegistry();
    let runs = 0;
    h.register({ name: 'store', check: () => ++runs > 0 });
    try {
      await h.refreshEvery(1_000);
      expect(runs).toBe(1);
      // Read within the period: it runs again; unread for a period: it parks.
      h.snapshot();
      await vi.advanceTimersByTimeAsync(1_000);
      expect(runs).toBe(2);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(vi.getTimerCount()).toBe(0);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(runs).toBe(2);
      // A reader after the spell waits for a fresh run (fresh), and the refresh resumes.
      const report = await h.fresh();
      expect(runs).toBe(3);
      expect(report.checks.store?.status).toBe('pass');
      expect(vi.getTimerCount()).toBe(1);
      h.close();
      h.snapshot(); // closed: a read does not restart it
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
