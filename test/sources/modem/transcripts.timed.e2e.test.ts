/**
 * Every modem transcript (real replies from public, licensed sources) replayed over a
 * pseudo-terminal to a real sidecar: each checkpoint and each `expect` holds on /metrics, /readyz
 * and the events; every line sidetone wrote is a command of docs/sources/modem.md's table (and, in
 * the shared-port mode, one that changes nothing); no number, message text, USSD text or cell id
 * of the transcript reaches any output (metrics, readiness, health, SMS reads and export, logs, the
 * store's rows).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { atErrorMeaning } from '../../../src/domain/standards/at-errors.js';
import { MODEM_COMMANDS, type ModemMode } from '../../../src/sources/modem/commands.js';
import { leaks, loadTranscript, replay, TRANSCRIPTS } from './replay.js';

/** Replayed to the sidecar, in the mode an operator of that modem would use. */
const REPLAYED: ReadonlyArray<readonly [string, ModemMode]> = [
  ['boot-cinterion-sysstart.txt', 'shared'],
  ['boot-huawei-periodic-urcs.txt', 'shared'],
  ['call-ring-clip-clcc.txt', 'full'],
  ['final-codes-polled.txt', 'shared'],
  ['framing-echo-kept-after-ate0-wavecom.txt', 'full'],
  ['framing-split-reads.txt', 'full'],
  ['reboot-in-place.txt', 'full'],
  ['reg-c5greg-forms.txt', 'shared'],
  ['reg-cereg-forms.txt', 'shared'],
  ['reg-cgreg-forms.txt', 'shared'],
  ['reg-creg-n1-forms.txt', 'shared'],
  ['reg-creg-n2-forms.txt', 'shared'],
  ['reg-domain-error-and-empty.txt', 'shared'],
  ['reg-stat-out-of-range.txt', 'shared'],
  ['reg-ublox-lte-module-roaming-on-3g.txt', 'full'],
  ['reg-ublox-ps-lost-cs-roaming.txt', 'shared'],
  ['signal-cinterion-smoni.txt', 'shared'],
  ['signal-csq-cesq.txt', 'shared'],
  ['signal-huawei-hcsq-sysinfoex.txt', 'shared'],
  ['signal-quectel-qeng-ardupilot.txt', 'shared'],
  ['signal-quectel-qeng-opensync.txt', 'shared'],
  ['signal-simcom-cpsi.txt', 'shared'],
  ['sim-busy-cme14-and-515.txt', 'full'],
  ['sim-cpin-states.txt', 'shared'],
  ['sim-pin-locked-every-command-cme11.txt', 'full'],
  ['sms-pdu-cmt-direct.txt', 'full'],
  ['sms-pdu-cmti-cmgr.txt', 'full'],
  ['sms-status-report-pdu.txt', 'full'],
  ['sms-status-report-pdu-no-sca.txt', 'full'],
  ['sms-status-report-text.txt', 'full'],
  ['sms-text-cmgl-listing.txt', 'full'],
  ['sms-text-cmt-cmgr.txt', 'full'],
  ['urc-interleaved-in-replies.txt', 'full'],
  ['ussd-cusd.txt', 'full'],
];

/** Checkpoint keys about what sidetone never does: the capture host's, not observable here. */
const NOT_SIDETONE =
  /^(calls\.|sms\.sent_mr|sms\.listed|sms\.bad_records|unknown_urc\.|unexpected_final\.|echo|sms_ready)/;

const files = readdirSync(TRANSCRIPTS).filter((f) => f.endsWith('.txt'));

describe('the transcript corpus', () => {
  it('every file names its sources (repository, path, commit or an address) and a licence', () => {
    expect(files.length).toBeGreaterThanOrEqual(39);
    for (const f of files) {
      const t = loadTranscript(f);
      expect(t.header.title?.[0], f).toBeTruthy();
      expect(t.header.provenance?.[0], f).toMatch(/^(capture|vendor-doc|peer-fixture|assembled)$/);
      // At least one source as owner/repository path @commit (the rest may narrow it to lines).
      expect(
        (t.header.source ?? []).some((s) => /^[\w.-]+\/[\w.-]+ \S+.* @[0-9a-f]{40}\b/.test(s)),
        f,
      ).toBe(true);
      // A licence for each source, none "missing" or "quoted as data" (those files were dropped).
      expect(t.header.licence?.[0], f).toMatch(/(GPL|MIT|BSD|Apache)/);
      expect(t.header.licence?.[0], f).not.toMatch(/no licence|quoted as data|proprietary/);
      expect(t.header.pii?.[0], f).toBeTruthy();
    }
  });

  it('every file is replayed to the sidecar or driven through the AT channel', () => {
    const vectors = readFileSync(new URL('./vectors.e2e.test.ts', import.meta.url), 'utf8');
    for (const f of files)
      expect(REPLAYED.some(([r]) => r === f) || vectors.includes(`'${f}'`), f).toBe(true);
  });
});

describe('docs/sources/modem.md', () => {
  it('lists every command sidetone sends, when, what it changes and in which mode, as MODEM_COMMANDS says', () => {
    const doc = readFileSync(new URL('../../../docs/sources/modem.md', import.meta.url), 'utf8');
    const rows = doc.split('\n').filter((l) => /^\| `AT/.test(l));
    expect(rows).toEqual(
      MODEM_COMMANDS.map((c) => `| \`${c.command}\` | ${c.when} | ${c.changes} | ${c.modes.join(', ')} |`),
    );
  });
});

describe('transcripts replayed to a sidecar over a pseudo-terminal', () => {
  it.each(REPLAYED)(
    '%s (%s mode)',
    async (file, mode) => {
      const t = loadTranscript(file);
      const r = await replay(t, {
        mode,
        ...(file === 'final-codes-polled.txt' && { commandTimeoutMs: 5000 }),
      });
      expect(r.stuck).toEqual([]);
      expect(r.done).toBe(true);
      const failed = r.checks.filter((c) => c.result === false);
      expect(failed, JSON.stringify(failed)).toEqual([]);
      const unobservable = r.checks.filter((c) => typeof c.result === 'string' && !NOT_SIDETONE.test(c.key));
      expect(unobservable).toEqual([]);
      // What sidetone wrote is in the documented table, and in the shared-port mode changes nothing.
      const allowed = MODEM_COMMANDS.filter((c) => c.modes.includes(mode));
      for (const line of new Set(r.host)) {
        const c = allowed.find((x) => x.pattern.test(line));
        expect(c, `${line} is not a ${mode}-mode command of MODEM_COMMANDS`).toBeDefined();
        if (mode === 'shared') expect(c?.changes, line).toMatch(/^nothing/);
      }
      // The store holds what the events said: a row per message received (its sender hashed and
      // masked, never raw), a row per delivery report with its TP-Status.
      const received = r.events.filter((e) => e.type === 'sms.received');
      const inbound = r.smsRows.filter((x) => x.direction === 'inbound');
      expect(inbound).toHaveLength(received.length);
      for (const row of inbound)
        expect(row).toMatchObject({
          gateway: 'modem0',
          status: 'received',
          from_raw: null,
          from_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        });
      const byNumber = (a: number, b: number) => a - b;
      expect(
        r.smsRows
          .filter((x) => x.direction === 'outbound')
          .map((x) => Number(x.status_code))
          .sort(byNumber),
      ).toEqual(
        r.events
          .flatMap((e) => (e.type === 'sms.delivery_report' ? [Number(e.tpStatus)] : []))
          .sort(byNumber),
      );
      // Each error of the 27.007/27.005 tables is logged with its meaning.
      for (const e of r.events) {
        if (e.type !== 'modem.at_error' || e.code === undefined || (e.kind !== 'cme' && e.kind !== 'cms'))
          continue;
        const meaning = atErrorMeaning(e.kind, e.code);
        if (meaning !== undefined)
          expect(
            r.logs.some((l) => l.includes('modem AT error') && l.includes(meaning)),
            meaning,
          ).toBe(true);
      }
      expect(leaks(t, r)).toEqual([]);
    },
    60_000,
  );
});

describe('a Wavecom modem that keeps echoing after ATE0 (issue 47, item 1)', () => {
  it('is never taken for a restart, its command rate stays bounded and its six messages are counted', async () => {
    const t = loadTranscript('framing-echo-kept-after-ate0-wavecom.txt');
    const started = performance.now();
    const r = await replay(t, { mode: 'full' });
    const seconds = (performance.now() - started) / 1000;
    const restarts = r.events.filter((e) => e.type === 'modem.disconnected').length;
    const perSecond = r.host.length / seconds;
    // Before: 29 restarts in this replay, and it never got to its AT+CREG? (each poll's echoed AT
    // was taken for a restart and the modem re-initialised at once); after: 0, 33 commands in 3.9 s.
    expect(r.done).toBe(true);
    expect(restarts).toBe(0);
    expect(r.logs.filter((l) => l.includes('modem restarted'))).toEqual([]);
    // One initialisation (15 commands) and a poll of at most 9 every 0.1 s, under the ceiling of
    // MODEM_COMMANDS_PER_SECOND: never thousands.
    expect(perSecond).toBeLessThanOrEqual(25);
    expect(r.events.filter((e) => e.type === 'sms.received')).toHaveLength(6);
  }, 60_000);
});

describe('delivery reports without an SMSC address (issue 47, item 6)', () => {
  it('+CDS: <length> then exactly <length> octets: the sent messages go to delivered and failed in the store', async () => {
    const r = await replay(loadTranscript('sms-status-report-pdu-no-sca.txt'), { mode: 'full' });
    expect(r.done).toBe(true);
    const reports = r.events.flatMap((e) =>
      e.type === 'sms.delivery_report' ? [[e.reference, e.tpStatus] as const] : [],
    );
    expect(reports).toEqual([
      ['39', 0],
      ['40', 0x46],
    ]);
    const rows = r.smsRows.filter((x) => x.direction === 'outbound');
    expect(rows.map((x) => [x.status, Number(x.status_code)])).toEqual([
      ['delivered', 0],
      ['failed', 0x46],
    ]);
    expect(r.metrics).not.toMatch(/sidetone_modem_garbage_lines_total [1-9]/);
  }, 60_000);
});
