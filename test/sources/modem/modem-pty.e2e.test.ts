// The modem source against a simulated modem on a pseudo-terminal (python3's pty module), through
// the real serialport bindings: transcripts with garbage lines, errors, unsolicited results, a
// modem that stops answering and one that is unplugged and comes back.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/events/bus.js';
import { parseEvent } from '../../../src/events/schemas.js';
import type { SidetoneEvent } from '../../../src/events/types.js';
import { Registry } from '../../../src/metrics/index.js';
import { heldBy } from '../../../src/sources/modem/held.js';
import { ModemSource } from '../../../src/sources/modem/source.js';
import { until as untilHolds } from '../../helpers/until.js';

const FAKE = fileURLToPath(new URL('./fake_modem.py', import.meta.url));

const REPLIES = {
  'AT+CGMM': ['EG25'],
  'AT+CSQ': ['+CSQ: 18,99'],
  'AT+CESQ': 'ERROR',
  'AT+CREG?': ['+CREG: 2,1,"00C3","A1B2C3",7'],
  'AT+CEREG?': ['+CEREG: 2,5'],
  'AT+COPS?': ['+COPS: 0,0,"Vodafone UK",7'],
  'AT+CMGR=3': ['+CMGR: "REC UNREAD","+447700900123",,"24/01/01,12:00:00+00"', 'hello there'],
  'AT+CLCC': ['+CLCC: 1,1,4,0,0,"+447700900456",145'],
};

let sim: ChildProcess | undefined;
let source: ModemSource | undefined;
let dir = '';

async function startSim(script: unknown[], duration: number): Promise<string> {
  dir = mkdtempSync(join(tmpdir(), 'sidetone-modem-'));
  const link = join(dir, 'modem');
  writeFileSync(join(dir, 'cfg.json'), JSON.stringify({ link, replies: REPLIES, script, duration }));
  sim = spawn('python3', [FAKE, join(dir, 'cfg.json')], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    sim?.stdout?.once('data', () => resolve());
    sim?.once('exit', (code) => reject(new Error(`fake modem exited ${code}`)));
  });
  return link;
}

function collect() {
  const bus = new EventBus();
  const events: SidetoneEvent[] = [];
  bus.onAny((e) => events.push(e));
  return { bus, events, of: (t: string) => events.filter((e) => e.type === t) };
}

/** Until `check` holds, polled every 25 ms; the deadline `ms` is scaled by SIDETONE_TEST_TIME_FACTOR. */
const until = (check: () => boolean, ms: number) =>
  untilHolds(check, 'the modem source', { timeoutMs: ms, everyMs: 25 });

afterEach(async () => {
  await source?.close();
  sim?.kill('SIGKILL');
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
  source = undefined;
  sim = undefined;
});

const fast = { pollMs: 400, commandTimeoutMs: 300, backoffMs: 100, maxBackoffMs: 400, mode: 'full' as const };

describe('ModemSource on a pseudo-terminal', () => {
  it('polls, reads unsolicited results, ignores garbage and errors', async () => {
    const path = await startSim(
      [
        { at: 0.6, raw: '\r\n\x00\xff%%garbage line\r\n+++\r\n' },
        { at: 0.7, send: '+CMTI: "SM",3' },
        { at: 0.9, send: '+CDS: 6,42,"+447700900123",145,"24/01/01,12:00:00+00","24/01/01,12:00:05+00",0' },
        { at: 1.0, send: '+CUSD: 0,"Balance 5.00",15' },
        { at: 1.1, send: 'RING' },
        { at: 1.2, send: '+CREG: 5,"00C3","A1B2C3",7' },
      ],
      4,
    );
    const { bus, events, of } = collect();
    const registry = new Registry();
    source = new ModemSource(bus, { path, registry, ...fast });
    source.start();
    await until(
      () =>
        of('call.clcc').length > 0 &&
        of('modem.registration').some((e) => (e as { stat: number }).stat === 5),
      4000,
    );
    expect(of('modem.connected')).toEqual([expect.objectContaining({ modem: 'modem0', model: 'EG25' })]);
    expect(of('modem.signal')[0]).toMatchObject({ csq: { rssi: 18, ber: 99 } });
    expect(of('modem.registration')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ command: 'CREG', stat: 1, act: 7 }),
        expect.objectContaining({ command: 'CEREG', stat: 5 }),
      ]),
    );
    expect(of('modem.operator')[0]).toMatchObject({ operator: 'Vodafone UK', act: 7 });
    expect(of('sms.received')).toEqual([expect.objectContaining({ from: '+447700900123' })]);
    expect(of('sms.received')[0]).not.toHaveProperty('body');
    expect(of('sms.delivery_report')).toEqual([
      expect.objectContaining({ reference: '42', tpStatus: 0, modem: 'modem0' }),
    ]);
    expect(of('ussd.response')).toEqual([
      expect.objectContaining({ status: 0, text: 'Balance 5.00', dcs: 15 }),
    ]);
    expect(of('call.clcc')[0]).toMatchObject({ index: 1, stat: 4, number: '+447700900456' });
    for (const e of events) expect(parseEvent(e).ok, e.type).toBe(true);
    expect(registry.render()).toMatch(/sidetone_modem_garbage_lines_total [1-9]/);
  }, 10_000);

  it('a modem that stops answering is reported (at_timeout) and comes back', async () => {
    const path = await startSim([{ at: 0.8, mute: 1.5 }], 5);
    const { bus, of } = collect();
    source = new ModemSource(bus, { path, ...fast });
    source.start();
    await until(() => of('modem.reconnected').length > 0, 5000);
    expect(of('modem.disconnected')).toEqual([expect.objectContaining({ reason: 'at_timeout' })]);
    expect(source.connected).toBe(true);
  }, 10_000);

  it('a silent modem climbs the recovery ladder: reopen, reset (again when the reset went unanswered), registration', async () => {
    // Silent from 0.8 s until its second AT+CFUN=1,1: the first reset is lost, the ladder must
    // start over. Before, the source stopped after an unanswered reset, port open, for good.
    const path = await startSim([{ at: 0.8, mute: 60, until: ['AT+CFUN=1,1', 2] }], 10);
    const { bus, of } = collect();
    source = new ModemSource(bus, { path, ...fast, resetAfter: 1 });
    source.start();
    await until(
      () => of('modem.recovery').some((e) => (e as { step: string }).step === 'registration'),
      8000,
    );
    expect(
      of('modem.recovery').map(
        (e) => `${(e as { step: string }).step}:${(e as { outcome: string }).outcome}`,
      ),
    ).toEqual(['reopen:fail', 'reset:fail', 'reopen:fail', 'reset:ok', 'reopen:ok', 'registration:ok']);
    expect(of('modem.disconnected')).toEqual([expect.objectContaining({ reason: 'at_timeout' })]);
    expect(of('modem.reconnected')).toEqual([expect.objectContaining({ reason: 'at_timeout' })]);
    expect(source.connected).toBe(true);
  }, 12_000);

  it('an unplugged modem is reported (usb) and reopened with backoff', async () => {
    const path = await startSim([{ at: 0.8, unplug: 0.7 }], 5);
    const { bus, of } = collect();
    source = new ModemSource(bus, { path, ...fast });
    source.start();
    await until(() => of('modem.reconnected').length > 0, 5000);
    expect(of('modem.disconnected')).toEqual([expect.objectContaining({ reason: 'usb' })]);
    expect(of('modem.connected')).toHaveLength(2);
    await until(() => of('modem.signal').length >= 2, 3000);
  }, 10_000);

  it('auto mode is shared while another process has the port open (and leaves its messages unread)', async () => {
    const path = await startSim([{ at: 0.3, send: '+CMTI: "SM",3' }], 4);
    // The emulator holds the pty's other end, as a gateway daemon holds the modem's port.
    const holder = `pid ${sim?.pid} (python3)`;
    expect(await heldBy(path)).toBe(holder);
    writeFileSync(join(dir, 'free'), '');
    expect(await heldBy(join(dir, 'free'))).toBeUndefined();
    const { bus, of } = collect();
    const logs: Array<[string, Record<string, unknown>]> = [];
    source = new ModemSource(bus, { path, ...fast, mode: 'auto', onLog: (m, d) => logs.push([m, d]) });
    source.start();
    await until(() => of('modem.signal').length >= 2, 4000);
    expect(source.mode).toBe('shared');
    expect(logs).toContainEqual(['modem shared-port mode', { path, mode: 'shared', heldBy: holder }]);
    // Shared: SMS are the owner's, so the new message announced at 0.3 s is left unread.
    expect(of('sms.received')).toEqual([]);
  }, 10_000);

  it('a path that is not there is retried, not thrown; the modem reads disconnected once, the cause once', async () => {
    const { bus, of } = collect();
    const causes: string[] = [];
    source = new ModemSource(bus, { path: '/nonexistent/ttyUSB9', ...fast, onError: (c) => causes.push(c) });
    source.start();
    await until(() => causes.length > 0, 2000);
    // Several more attempts (backoff 100..400 ms): a fixed window, since no event or count marks a
    // failed first open (the source reports the cause once by design, and its opener is private).
    await new Promise((r) => setTimeout(r, 600));
    expect(of('modem.connected')).toHaveLength(0);
    expect(source.connected).toBe(false);
    const cause =
      'modem: cannot open /nonexistent/ttyUSB9: no such file (is the modem plugged in? modem.path names its AT port: ls /dev/ttyUSB*)';
    expect(source.error).toBe(cause);
    expect(causes).toEqual([cause]);
    // Never opened is down: modem_connected 0, so SidetoneModemDisconnected can fire.
    expect(of('modem.disconnected')).toEqual([
      { type: 'modem.disconnected', modem: 'modem0', reason: 'usb' },
    ]);
  });

  it('names the fix for a port it may not open or that another program holds, each cause once', async () => {
    const { bus, of } = collect();
    const causes: string[] = [];
    const replies = [
      'Error: Permission denied, cannot open /dev/ttyUSB2',
      'Error: Permission denied, cannot open /dev/ttyUSB2',
      'Error Resource temporarily unavailable Cannot lock port',
    ];
    source = new ModemSource(bus, {
      path: '/dev/ttyUSB2',
      ...fast,
      open: async () => {
        throw new Error(replies.shift() ?? 'Error Resource temporarily unavailable Cannot lock port');
      },
      onError: (c) => causes.push(c),
    });
    source.start();
    await until(() => causes.length >= 2, 3000);
    expect(causes).toEqual([
      'modem: cannot open /dev/ttyUSB2: permission denied (add the user sidetone runs as to the dialout group)',
      'modem: cannot open /dev/ttyUSB2: in use by another program (stop it (ModemManager?) or have it ignore the modem)',
    ]);
    expect(of('modem.disconnected')).toEqual([
      { type: 'modem.disconnected', modem: 'modem0', reason: 'other' },
    ]);
  });
});
