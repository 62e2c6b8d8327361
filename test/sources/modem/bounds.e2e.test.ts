// Issue 31, defect 8: the modem's command queue and its unsolicited-code backlog are bounded.
// 1M unsolicited codes took the heap from 8.6 to 375 MiB (1,042 MiB here for 1M RINGs): each RING
// queued an AT+CLCC and each +CMTI an AT+CMGR, faster than any modem answers.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/events/bus.js';
import type { SidetoneEvent } from '../../../src/events/types.js';
import { Registry } from '../../../src/metrics/index.js';
import { AT_MAX_QUEUED, AtChannel, AtQueueFull } from '../../../src/sources/modem/at.js';
import { ModemSource } from '../../../src/sources/modem/source.js';
import { until as untilHolds } from '../../helpers/until.js';

const FAKE = fileURLToPath(new URL('./fake_modem.py', import.meta.url));

describe('AtChannel bounds', () => {
  it('refuses a command past 32 queued, at once and counted; those queued still run in order', async () => {
    const writes: string[] = [];
    const at = new AtChannel(
      (s) => writes.push(s),
      () => {},
    );
    const results = Array.from({ length: 100 }, (_, i) =>
      at.send(`AT+CSQ=${i}`, 60_000).then(
        () => 'ok',
        (e: unknown) => (e instanceof AtQueueFull ? 'refused' : 'failed'),
      ),
    );
    for (let i = 0; i <= AT_MAX_QUEUED; i++) at.feed('\r\nOK\r\n');
    const settled = await Promise.all(results);
    expect(settled.filter((r) => r === 'ok')).toHaveLength(1 + AT_MAX_QUEUED);
    expect(settled.filter((r) => r === 'refused')).toHaveLength(100 - 1 - AT_MAX_QUEUED);
    expect(at.refused).toBe(100 - 1 - AT_MAX_QUEUED);
    expect(writes).toEqual(Array.from({ length: 1 + AT_MAX_QUEUED }, (_, i) => `AT+CSQ=${i}\r`));
  });

  it('keeps at most 256 information lines of one command', async () => {
    const at = new AtChannel(
      () => {},
      () => {},
    );
    const r = at.send('AT+CMGL', 1000);
    for (let i = 0; i < 10_000; i++) at.feed(`+CMGL: ${i},"REC READ"\r\n`);
    at.feed('OK\r\n');
    expect((await r).lines).toHaveLength(256);
    expect(at.garbage).toBe(10_000 - 256);
  });
});

let sim: ChildProcess | undefined;
let source: ModemSource | undefined;
let dir = '';
afterEach(async () => {
  await source?.close();
  sim?.kill('SIGKILL');
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
  source = undefined;
  sim = undefined;
});

describe('ModemSource under a flood of unsolicited results (pty)', () => {
  it('200,000 RINGs and 200,000 +CMTIs leave the heap flat, the overflow counted, the modem polled', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sidetone-modem-flood-'));
    const link = join(dir, 'modem');
    const replies = { 'AT+CSQ': ['+CSQ: 18,99'], 'AT+CLCC': ['+CLCC: 1,1,4,0,0,"+447700900456",145'] };
    const script = [{ at: 0.5, flood: { line: ['RING', '+CMTI: "SM",{i}'], count: 400_000 } }];
    writeFileSync(join(dir, 'cfg.json'), JSON.stringify({ link, replies, script, duration: 60 }));
    sim = spawn('python3', [FAKE, join(dir, 'cfg.json')], { stdio: ['ignore', 'pipe', 'inherit'] });
    let floods = 0;
    await new Promise<void>((resolve) => sim?.stdout?.once('data', () => resolve()));
    sim.stdout?.on('data', (d: Buffer) => {
      floods += String(d).split('flooded').length - 1;
    });
    const bus = new EventBus();
    const events: SidetoneEvent[] = [];
    bus.onAny((e) => {
      if (events.length < 10_000) events.push(e);
    });
    const registry = new Registry();
    const base = process.memoryUsage().heapUsed;
    let peak = base;
    const sample = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, 20);
    source = new ModemSource(bus, {
      path: link,
      registry,
      pollMs: 500,
      commandTimeoutMs: 2000,
      mode: 'full',
    });
    source.start();
    await untilHolds(() => floods >= 1, 'the flood', { timeoutMs: 45_000 }).catch(() => {});
    clearInterval(sample);
    expect(floods).toBe(1);
    // Today's code queued a command per line: about 1 KB each, 400 MB for these.
    expect(peak - base).toBeLessThan(64 << 20);
    // The flood distinct +CMTI indexes overflowed the backlog of 16; the RINGs folded into one +CLCC each.
    expect(source.overflow.unsolicited).toBeGreaterThan(1000);
    expect(registry.render()).toMatch(/sidetone_modem_queue_overflow_total\{queue="unsolicited"\} [1-9]/);
    const signals = events.filter((e) => e.type === 'modem.signal').length;
    await untilHolds(
      () => events.filter((e) => e.type === 'modem.signal').length > signals,
      'a signal poll after the flood',
      { timeoutMs: 5000 },
    ).catch(() => {});
    expect(events.filter((e) => e.type === 'modem.signal').length).toBeGreaterThan(signals);
    expect(events.some((e) => e.type === 'call.clcc')).toBe(true);
    expect(source.connected).toBe(true);
  }, 60_000);
});
