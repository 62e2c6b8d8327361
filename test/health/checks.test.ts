import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatBytes } from '../../src/health/checks.js';
import {
  diskSpaceCheck,
  eventLoopCheck,
  fileWriteProbe,
  HealthRegistry,
  writableCheck,
} from '../../src/health/index.js';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-health-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function block(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // busy: the loop cannot turn
  }
}

describe('built-in checks', () => {
  it('disk space passes with room and fails below the threshold, with a short human detail', async () => {
    const h = new HealthRegistry();
    h.register(diskSpaceCheck({ path: dir, minFreeBytes: 1, minFreeRatio: 0 }));
    h.register(diskSpaceCheck({ name: 'disk_huge', path: dir, minFreeBytes: 2 ** 60 }));
    const r = await h.run();
    expect(r.checks.disk_space?.status).toBe('pass');
    expect(r.checks.disk_space?.detail).toMatch(
      /^[\d.]+ [KMGTP]?i?B free of [\d.]+ [KMGTP]?i?B \([\d.]+%\)$/,
    );
    expect(r.checks.disk_huge?.status).toBe('fail');
    expect(r.checks.disk_huge?.detail).toMatch(/below 1024 PiB$/);
  });

  it('disk space on a missing path is unknown (the check threw), without echoing the path', async () => {
    const h = new HealthRegistry();
    h.register(diskSpaceCheck({ path: join(dir, 'missing', 'deeper') }));
    const r = await h.run();
    expect(r.checks.disk_space?.status).toBe('unknown');
    expect(r.checks.disk_space?.detail).toMatch(/ENOENT/);
  });

  it('refuses bad thresholds', () => {
    expect(() => diskSpaceCheck({ path: dir, minFreeRatio: 2 })).toThrow(
      expect.objectContaining({ code: 'ST_INVALID_OPTION' }),
    );
    expect(() => eventLoopCheck({ maxDelayMs: 0 })).toThrow(
      expect.objectContaining({ code: 'ST_INVALID_OPTION' }),
    );
  });

  it('writable: passes when the probe writes, fails with the error code when it cannot', async () => {
    const h = new HealthRegistry();
    h.register(writableCheck({ name: 'spool', probe: fileWriteProbe(dir) }));
    h.register(writableCheck({ name: 'gone', probe: fileWriteProbe(join(dir, 'no-such-dir')) }));
    const r = await h.run();
    expect(r.checks.spool).toMatchObject({ status: 'pass', detail: 'writable' });
    expect(r.checks.gone).toMatchObject({ status: 'fail', detail: 'write failed (ENOENT)' });
  });

  it('event loop: fails after a stall longer than the limit, passes with a higher limit', async () => {
    const strict = eventLoopCheck({ name: 'loop_strict', maxDelayMs: 50 });
    const lax = eventLoopCheck({ name: 'loop_lax', maxDelayMs: 60_000 });
    const h = new HealthRegistry();
    h.register(strict);
    h.register(lax);
    // Let the monitors take a first sample, then hold the loop well past 50 ms.
    await new Promise((r) => setTimeout(r, 30));
    block(250);
    await new Promise((r) => setTimeout(r, 30));
    const r = await h.run();
    expect(r.checks.loop_strict?.status).toBe('fail');
    expect(r.checks.loop_strict?.detail).toMatch(/^max delay \d+ ms in the last 10-20 s \(limit 50 ms\)$/);
    expect(r.checks.loop_lax?.status).toBe('pass');
    h.close();
  });

  it('event loop at the default limit: a 1.3 s stall fails it (the check samples every 100 ms there)', async () => {
    const loop = eventLoopCheck();
    const h = new HealthRegistry();
    h.register(loop);
    await new Promise((r) => setTimeout(r, 120));
    block(1300);
    await new Promise((r) => setTimeout(r, 120));
    const r = await h.run();
    expect(r.checks.event_loop?.status).toBe('fail');
    const worst = Number(/^max delay (\d+) ms/.exec(r.checks.event_loop?.detail ?? '')?.[1]);
    // The stall less at most one sampling period.
    expect(worst).toBeGreaterThanOrEqual(1200);
    expect(r.checks.event_loop?.detail).toMatch(/\(limit 1000 ms\)$/);
    h.close();
  });

  it('formatBytes never prints a long digit run', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(250 * 2 ** 30)).toBe('250 GiB');
    expect(formatBytes(2 ** 60)).toBe('1024 PiB');
  });
});
