// Real software end to end: Debian's sipp (UAC and UAS) through Debian's Kamailio, whose siptrace
// module mirrors every SIP message (both legs, retransmissions) as HEP v3 to sidetone. sidetone's
// attempts, outcomes and timeouts must equal what sipp itself counted (-trace_stat, -trace_counts),
// on /metrics and on /metrics/dashboard. Binaries come from scripts/system-deps.sh; a missing one
// fails the test.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { type SidecarHandle, startSidecar } from '../../../src/server/sidecar.js';
import { freeUdpPort } from './helpers.js';

const SIPP = '/usr/bin/sipp';
const KAMAILIO = '/usr/sbin/kamailio';
const MODULES = '/usr/lib/x86_64-linux-gnu/kamailio/modules/';
const SCENARIOS = fileURLToPath(new URL('./sipp/', import.meta.url));
const N = 3;

function kamailioConfig(port: number, uas: number, hep: number): string {
  return `#!KAMAILIO
debug=1
log_stderror=yes
fork=no
children=1
listen=udp:127.0.0.1:${port}
mpath="${MODULES}"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "siptrace.so"
# The proxy's own timer for a silent UAS (408 upstream) is longer than sidetone's timer B (2 s).
modparam("tm", "fr_timer", 4000)
modparam("siptrace", "duplicate_uri", "sip:127.0.0.1:${hep}")
modparam("siptrace", "hep_mode_on", 1)
modparam("siptrace", "hep_version", 3)
modparam("siptrace", "trace_on", 1)
modparam("siptrace", "trace_mode", 1)
modparam("siptrace", "trace_to_database", 0)
request_route {
  if (is_method("CANCEL")) { if (t_check_trans()) t_relay(); exit; }
  if (is_method("ACK") && t_check_trans()) { t_relay(); exit; }
  $du = "sip:127.0.0.1:${uas}";
  t_relay();
}
`;
}

/** Last row of a sipp CSV (`;`-separated, header first) as name -> number. */
function lastRow(file: string): Record<string, number> {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const head = (lines[0] as string).split(';');
  const row = (lines[lines.length - 1] as string).split(';');
  return Object.fromEntries(head.map((h, i) => [h.trim(), Number(row[i])]));
}

/** Sum of `<step>_<code>_Recv` columns of a -trace_counts file for one response code. */
function recv(counts: Record<string, number>, code: number): number {
  let n = 0;
  for (const [k, v] of Object.entries(counts)) if (new RegExp(`^\\d+_${code}_Recv$`).test(k)) n += v;
  return n;
}

function run(
  cmd: string,
  args: string[],
  cwd: string,
  ms: number,
): Promise<{ code: number | null; out: string; pid: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    const t = setTimeout(() => p.kill('SIGKILL'), ms);
    p.on('error', reject);
    p.on('exit', (code) => {
      clearTimeout(t);
      resolve({ code, out, pid: p.pid ?? -1 });
    });
  });
}

function stop(p: ChildProcess | undefined): Promise<void> {
  if (p === undefined || p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((r) => {
    p.once('exit', () => r());
    p.kill('SIGTERM');
    setTimeout(() => p.kill('SIGKILL'), 2000).unref();
  });
}

interface Run {
  stat: Record<string, number>;
  counts: Record<string, number>;
  /** The UAC's pid: sipp's Call-IDs are `<call number>-<pid>@<ip>`. */
  pid: number;
}

describe('HEP from Kamailio siptrace, driven by sipp', () => {
  let dir = '';
  let sidecar: SidecarHandle | undefined;
  let kamailio: ChildProcess | undefined;
  let kamailioPort = 0;
  let uasPort = 0;
  const runs: Record<string, Run> = {};
  let publish: Run | undefined;

  async function scenario(name: string, uas: string[], uac: string[]): Promise<Run> {
    // Each PUBLISH reports on the answered run's call with the same number.
    const keys = name === 'publish' ? ['-key', 'answered_pid', String(runs.answered?.pid)] : [];
    const uasProc = spawn(SIPP, [...uas, '-i', '127.0.0.1', '-p', String(uasPort), '-nostdin'], {
      cwd: dir,
      stdio: 'ignore',
    });
    await new Promise((r) => setTimeout(r, 300));
    const uacPort = await freeUdpPort();
    const stf = join(dir, `${name}-stat.csv`);
    const before = new Set(readdirSync(dir));
    const res = await run(
      SIPP,
      [
        ...uac,
        ...keys,
        `127.0.0.1:${kamailioPort}`,
        '-i',
        '127.0.0.1',
        '-p',
        String(uacPort),
        '-m',
        String(N),
        '-r',
        '5',
        '-nostdin',
        '-timeout',
        '30s',
        '-trace_stat',
        '-stf',
        stf,
        '-trace_counts',
      ],
      dir,
      40_000,
    );
    await stop(uasProc);
    const countsFile = readdirSync(dir).find((f) => !before.has(f) && f.endsWith('_counts.csv'));
    if (countsFile === undefined)
      throw new Error(`sipp wrote no counts for ${name}: ${res.out.slice(-2000)}`);
    const r = { stat: lastRow(stf), counts: lastRow(join(dir, countsFile)), pid: res.pid };
    rmSync(join(dir, countsFile));
    runs[name] = r;
    return r;
  }

  beforeAll(async () => {
    for (const bin of [SIPP, KAMAILIO])
      if (!existsSync(bin))
        throw new Error(`${bin} is missing: run scripts/system-deps.sh (kamailio, sip-tester)`);
    dir = mkdtempSync(join(tmpdir(), 'sidetone-hep-'));
    for (const f of readdirSync(SCENARIOS)) copyFileSync(join(SCENARIOS, f), join(dir, f));
    const hepPort = await freeUdpPort();
    kamailioPort = await freeUdpPort();
    uasPort = await freeUdpPort();
    const config = configSchema.parse({
      server: { port: 0 },
      log: { level: 'silent' },
      store: { path: join(dir, 'calls.db'), hash_key: 'a-test-key-of-32-characters-long!' },
      packs: { calls: true, sip: true, media: true },
      hep: {
        listen: [`udp://127.0.0.1:${hepPort}`],
        timer_b_ms: 2000,
        trunks: [{ name: 'lab', cidrs: ['127.0.0.0/8'] }],
      },
    });
    sidecar = await startSidecar(config, { signals: false, logger: pino({ level: 'silent' }) });
    writeFileSync(join(dir, 'kamailio.cfg'), kamailioConfig(kamailioPort, uasPort, hepPort));
    kamailio = spawn(
      KAMAILIO,
      ['-f', join(dir, 'kamailio.cfg'), '-DD', '-E', '-P', join(dir, 'kamailio.pid')],
      {
        cwd: dir,
        stdio: 'ignore',
      },
    );
    for (let i = 0; i < 50 && !existsSync(join(dir, 'kamailio.pid')); i++)
      await new Promise((r) => setTimeout(r, 100));
    if (!existsSync(join(dir, 'kamailio.pid'))) throw new Error('kamailio did not start');
    await new Promise((r) => setTimeout(r, 300));

    await scenario('answered', ['-sn', 'uas'], ['-sn', 'uac']);
    await scenario('busy', ['-sf', 'uas-486.xml'], ['-sf', 'uac-486.xml']);
    await scenario('notfound', ['-sf', 'uas-404.xml'], ['-sf', 'uac-404.xml']);
    // Kamailio relays a 503 as 500 (RFC 3261 16.7 step 6): the UAC hears 500.
    await scenario('unavailable', ['-sf', 'uas-503.xml'], ['-sf', 'uac-500.xml']);
    await scenario('cancel', ['-sf', 'uas-cancel.xml'], ['-sf', 'uac-cancel.xml']);
    await scenario('timerb', ['-sf', 'uas-silent.xml'], ['-sf', 'uac-408.xml']);
    await scenario('reinvite', ['-sf', 'uas-reinvite.xml'], ['-sf', 'uac-reinvite.xml']);
    // RTCP-XR as RFC 6035 PUBLISH bodies: media reports, never calls.
    publish = await scenario('publish', ['-sf', 'uas-publish.xml'], ['-sf', 'uac-publish.xml']);
    delete runs.publish;
    // Let the last captures arrive and the trackers settle.
    await new Promise((r) => setTimeout(r, 1000));
  }, 240_000);

  afterAll(async () => {
    await stop(kamailio);
    await sidecar?.close();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('every sipp run completed its calls', () => {
    for (const [name, r] of Object.entries(runs)) {
      expect(r.stat.TotalCallCreated, name).toBe(N);
      expect(r.stat['SuccessfulCall(C)'], name).toBe(N);
      expect(r.stat['FailedCall(C)'], name).toBe(0);
    }
  });

  it('attempts, outcomes and timeouts on /metrics equal sipp counts', async () => {
    const text = await (await fetch(`${sidecar?.url}/metrics`)).text();
    const sum = (name: string, filter = '') => {
      let n = 0;
      for (const line of text.split('\n')) {
        if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
        if (filter !== '' && !line.includes(filter)) continue;
        n += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
      return n;
    };
    const created = Object.values(runs).reduce((a, r) => a + (r.stat.TotalCallCreated ?? 0), 0);
    const r = runs as Required<typeof runs>;
    expect(sum('sidetone_call_attempts_total')).toBe(created);
    expect(sum('sidetone_call_attempts_total', 'trunk="lab"')).toBe(created);
    expect(sum('sidetone_call_outcomes_total', 'outcome="answered"')).toBe(
      (r.answered?.stat['SuccessfulCall(C)'] ?? 0) + (r.reinvite?.stat['SuccessfulCall(C)'] ?? 0),
    );
    expect(sum('sidetone_call_outcomes_total', 'outcome="busy"')).toBe(recv(r.busy?.counts ?? {}, 486));
    expect(sum('sidetone_call_outcomes_total', 'outcome="failed"')).toBe(recv(r.notfound?.counts ?? {}, 404));
    expect(sum('sidetone_call_outcomes_total', 'outcome="cancelled"')).toBe(
      recv(r.cancel?.counts ?? {}, 487),
    );
    expect(sum('sidetone_call_outcomes_total', 'outcome="ineffective"')).toBe(
      recv(r.unavailable?.counts ?? {}, 500) + recv(r.timerb?.counts ?? {}, 408),
    );
    expect(sum('sidetone_call_outcomes_total')).toBe(created);
    expect(sum('sidetone_sip_transaction_timeouts_total', 'timer="B"')).toBe(
      recv(r.timerb?.counts ?? {}, 408),
    );
    // PDD: one observation per call that rang (sipp's 180s), re-INVITEs were refreshes, not attempts.
    const rang = ['answered', 'cancel', 'reinvite'].reduce((n, k) => n + recv(runs[k]?.counts ?? {}, 180), 0);
    expect(sum('sidetone_call_pdd_seconds_count')).toBe(rang);
    expect(sum('sidetone_sip_session_refreshes_total', 'result="refreshed"')).toBe(
      r.reinvite?.counts['6_INVITE_Sent'] ?? -1,
    );
    // sipp heard the late-ACKed 200 retransmitted; sidetone saw it too (and the second proxy leg)
    // and dropped both as duplicates: answered stayed equal to sipp's successful calls above.
    const retrans = Object.entries(r.reinvite?.counts ?? {}).filter(([k]) => /_200_Retrans$/.test(k));
    expect(retrans.reduce((a, [, v]) => a + v, 0)).toBeGreaterThan(0);
    // Retransmissions and the second proxy leg were seen, and dropped as duplicates.
    expect(sum('sidetone_hep_duplicates_total')).toBeGreaterThan(0);
    expect(sum('sidetone_hep_packets_total', 'result="malformed_sip"')).toBe(0);
    // Each PUBLISH sipp sent (vq-rtcpxr: NLR 2 %, RTD 120 ms) became one media report with an RTT.
    expect(publish?.stat['SuccessfulCall(C)']).toBe(N);
    expect(sum('sidetone_media_reports_total')).toBe(publish?.counts['0_PUBLISH_Sent'] ?? -1);
    expect(sum('sidetone_media_rtt_seconds_count')).toBe(publish?.counts['0_PUBLISH_Sent'] ?? -1);
  });

  it('numbers reach the store hashed and masked, never raw', async () => {
    const calls = (
      await (await fetch(`${sidecar?.url}/metrics/export?format=json&days=1`)).text()
    ).toString();
    expect(calls.length).toBeGreaterThan(0);
    expect(calls).not.toContain('15550199');
    expect(calls).toContain('+155***99'); // the mask the store keeps (src/store/privacy.ts)
    let bytes = '';
    for (const f of ['calls.db', 'calls.db-wal'])
      if (existsSync(join(dir, f))) bytes += readFileSync(join(dir, f)).toString('latin1');
    expect(bytes).not.toContain('+15550199'); // the called number every sipp INVITE carries
  });

  it('the dashboard says the same', async () => {
    const d = (await (await fetch(`${sidecar?.url}/metrics/dashboard?hours=1`)).json()) as {
      totals: { calls: { value: number }; answered: { value: number }; failed: { value: number } };
      kpis: { asr: number | null; ser: number | null; seer: number | null; isa: number | null };
      media: { count: number };
    };
    const created = Object.values(runs).reduce((a, r) => a + (r.stat.TotalCallCreated ?? 0), 0);
    const answered =
      (runs.answered?.stat['SuccessfulCall(C)'] ?? 0) + (runs.reinvite?.stat['SuccessfulCall(C)'] ?? 0);
    expect(d.totals.calls.value).toBe(created);
    expect(d.totals.answered.value).toBe(answered);
    expect(d.totals.failed.value).toBe(created - answered);
    // RFC 6076 ratios from sipp's own counts (no 3xx here, so every call is in the denominators):
    // SEER counts 200/480/486/600/603, ISA 408/500/503/504 (the UAC heard 500 for the 503, 408 for timer B).
    const pct = (n: number) => Math.round((n / created) * 100 * 100) / 100;
    const busy = recv(runs.busy?.counts ?? {}, 486);
    const ineffective = recv(runs.unavailable?.counts ?? {}, 500) + recv(runs.timerb?.counts ?? {}, 408);
    expect(d.kpis.asr).toBe(pct(answered));
    expect(d.kpis.ser).toBe(pct(answered));
    expect(d.kpis.seer).toBe(pct(answered + busy));
    expect(d.kpis.isa).toBe(pct(ineffective));
    // The PUBLISHed quality reports joined the answered calls they name.
    expect(d.media.count).toBe(publish?.counts['0_PUBLISH_Sent'] ?? -1);
  });
});
