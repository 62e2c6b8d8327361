// The Kamailio + sipp lab of the HEP tests: Debian's Kamailio with several worker processes (its
// siptrace module mirrors every SIP message it receives and sends as HEP v3), sipp UACs on
// 127.0.0.1 and sipp UASs on 127.0.0.2 (the "carrier" trunk). Binaries come from
// scripts/system-deps.sh; a missing one fails the test that needs it.
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bound, until } from '../../helpers/until.js';

export const SIPP = '/usr/bin/sipp';
export const KAMAILIO = '/usr/sbin/kamailio';
const MODULES = '/usr/lib/x86_64-linux-gnu/kamailio/modules/';
export const SCENARIOS = fileURLToPath(new URL('./sipp/', import.meta.url));

/** A port free for both UDP and TCP on `host` (the OS picks it). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (;;) {
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, host, () => r()));
    const port = s.address().port;
    await new Promise<void>((r) => s.close(() => r()));
    const ok = await new Promise<boolean>((r) => {
      const t = createServer();
      t.once('error', () => r(false));
      t.listen(port, host, () => t.close(() => r(true)));
    });
    if (ok) return port;
  }
}

/**
 * Production-like settings: 4 UDP and 4 TCP workers, the tm timers at their defaults (fr_timer 30 s:
 * a silent UAS gets a 408 upstream after 30 s), HEP to sidetone over UDP or TCP. A request from a UAC
 * names its UAS port in X-Uas; requests without it (the callee's BYE) go to their Request-URI.
 */
/**
 * Wait until the Kamailio started with `-P <dir>/kamailio.pid` listens on `port` (the config's
 * UDP and TCP listeners): then what a UAC sends is queued for its workers, and its siptrace
 * mirrors it. Before: the pid file, then a fixed 500 ms.
 */
export async function kamailioReady(
  kamailio: ChildProcess,
  dir: string,
  port: number,
  /** Read in Kamailio's own network namespace (started by `ip netns exec`, which execs it: same pid). */
  netns = false,
): Promise<void> {
  const pid = netns ? kamailio.pid : undefined;
  await until(() => {
    if (kamailio.exitCode !== null) throw new Error(`kamailio exited ${kamailio.exitCode}`);
    return existsSync(join(dir, 'kamailio.pid')) && bound(port, 'udp', pid) && bound(port, 'tcp', pid);
  }, 'kamailio to listen');
}

/**
 * The lab's Kamailio (kamailioConfig's arguments) started in `dir` with its scenarios copied there,
 * once it listens; fails naming the package when sipp or Kamailio is missing.
 * @example const kamailio = await startKamailio(dir, proxy, { port: hepPort, tcp: false }, { b2bua: true });
 */
export async function startKamailio(
  dir: string,
  proxy: number,
  hep: { port: number; tcp: boolean },
  options: {
    b2bua?: boolean;
    frTimerMs?: number;
    /** Run in this network namespace (`ip netns exec`), with `hosts` as its addresses. */
    netns?: string;
    hosts?: KamailioHosts;
  } = {},
): Promise<ChildProcess> {
  for (const bin of [SIPP, KAMAILIO])
    if (!existsSync(bin))
      throw new Error(`${bin} is missing: run scripts/system-deps.sh (kamailio, sip-tester)`);
  for (const f of readdirSync(SCENARIOS)) copyFileSync(join(SCENARIOS, f), join(dir, f));
  writeFileSync(
    join(dir, 'kamailio.cfg'),
    kamailioConfig(proxy, hep, options.b2bua, options.frTimerMs, options.hosts),
  );
  const cfg = ['-f', join(dir, 'kamailio.cfg'), '-DD', '-E', '-P', join(dir, 'kamailio.pid')];
  const kamailio =
    options.netns === undefined
      ? spawn(KAMAILIO, cfg, { cwd: dir, stdio: 'ignore' })
      : spawn('ip', ['netns', 'exec', options.netns, KAMAILIO, ...cfg], { cwd: dir, stdio: 'ignore' });
  await kamailioReady(kamailio, dir, proxy, options.netns !== undefined);
  return kamailio;
}

/** Where the lab's Kamailio listens, where its X-Uas requests go, where its HEP goes. */
export interface KamailioHosts {
  proxy: string;
  uas: string;
  hep: string;
}

const LOOPBACK_HOSTS: KamailioHosts = { proxy: '127.0.0.1', uas: '127.0.0.2', hep: '127.0.0.1' };

export function kamailioConfig(
  port: number,
  hep: { port: number; tcp: boolean },
  /**
   * As a B2BUA (an SBC hiding topology): Kamailio's topoh masks the Call-ID on the callee's side,
   * so each call is two legs with two Call-IDs (siptrace mirrors each side's as it is on the wire),
   * and the callee's INVITE carries `X-CID: <the caller's Call-ID>` to link them (issue 53).
   */
  b2bua = false,
  /**
   * tm's fr_timer, ms: how long the proxy waits for a first reply before its own 408 upstream
   * (Kamailio's default 30 s when unset). Shorter for a test whose timed-out calls must end soon.
   */
  frTimerMs?: number,
  hosts: KamailioHosts = LOOPBACK_HOSTS,
): string {
  return `#!KAMAILIO
debug=1
log_stderror=yes
children=4
tcp_children=4
listen=udp:${hosts.proxy}:${port}
listen=tcp:${hosts.proxy}:${port}
mpath="${MODULES}"
loadmodule "tm.so"
${frTimerMs === undefined ? '' : `modparam("tm", "fr_timer", ${frTimerMs})\n`}loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "textops.so"
loadmodule "siputils.so"
${
  b2bua
    ? `loadmodule "topoh.so"
modparam("topoh", "mask_key", "sidetone-b2bua-lab")
modparam("topoh", "mask_ip", "10.1.1.10")
modparam("topoh", "mask_callid", 1)
`
    : ''
}loadmodule "siptrace.so"
loadmodule "maxfwd.so"
modparam("siptrace", "duplicate_uri", "sip:${hosts.hep}:${hep.port}${hep.tcp ? ';transport=tcp' : ''}")
modparam("siptrace", "hep_mode_on", 1)
modparam("siptrace", "hep_version", 3)
modparam("siptrace", "trace_on", 1)
modparam("siptrace", "trace_mode", 1)
modparam("siptrace", "trace_to_database", 0)
request_route {
  # As Kamailio's default config: no request loops. sipp's own ACK for a call it aborts has no X-Uas
  # and names the proxy itself: relayed to itself, one such ACK gave 1,197 HEP messages here (1 now),
  # and a CI run had 4,726 where a whole normal run has 471.
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  if (is_method("CANCEL")) { if (t_check_trans()) t_relay(); exit; }
  if (is_method("ACK") && t_check_trans()) { t_relay(); exit; }
${b2bua ? '  if (is_method("INVITE") && !has_totag()) append_hf("X-CID: $ci\\r\\n");\n' : ''}  if (is_present_hf("X-Uas")) {
    if ($proto == "tcp") $du = "sip:${hosts.uas}:" + $hdr(X-Uas) + ";transport=tcp";
    else $du = "sip:${hosts.uas}:" + $hdr(X-Uas);
  } else if (uri == myself) {
    if (!is_method("ACK")) sl_send_reply("404", "Not Here");
    exit;
  }
  t_relay();
}
`;
}

/** Last row of a sipp CSV (`;`-separated, header first) as name -> number. */
export function lastRow(file: string): Record<string, number> {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const head = (lines[0] as string).split(';');
  const row = (lines[lines.length - 1] as string).split(';');
  return Object.fromEntries(head.map((h, i) => [h.trim(), Number(row[i])]));
}

/** Sum of `<step>_<name>_<what>` columns of a -trace_counts row (a response code or a method). */
export function counted(counts: Record<string, number>, name: string | number, what = 'Recv'): number {
  let n = 0;
  const re = new RegExp(`^\\d+_${name}_${what}$`);
  for (const [k, v] of Object.entries(counts)) if (re.test(k)) n += v;
  return n;
}

export function stop(p: ChildProcess | undefined): Promise<void> {
  if (p === undefined || p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((r) => {
    p.once('exit', () => r());
    p.kill('SIGTERM');
    setTimeout(() => p.kill('SIGKILL'), 2000).unref();
  });
}

/** What one sipp UAC run counted itself (and its UAS: `uas`). */
export interface SippRun {
  stat: Record<string, number>;
  counts: Record<string, number>;
  uas?: Record<string, number>;
  /** sipp's Call-IDs are `<call number>-<pid>@<ip>`. */
  pid: number;
  /** What sipp logged as unexpected (-trace_err), for the failure message. */
  errors: string;
}

/**
 * One scenario: its UAS on 127.0.0.2 (left running until `stop`), its UAC through the proxy,
 * `calls` calls at `rate` a second (5), with sipp's own -trace_stat and -trace_counts.
 */
export async function sippPair(o: {
  dir: string;
  name: string;
  transport: 'udp' | 'tcp';
  proxy: number;
  calls: number;
  keys?: string[];
  /** Calls a second the UAC starts (5 unless set). */
  rate?: number;
}): Promise<{ uas: ChildProcess; uasCounts: Promise<Record<string, number>>; uac: Promise<SippRun> }> {
  const t = o.transport === 'tcp' ? ['-t', 't1'] : [];
  const uasPort = await freePort('127.0.0.2');
  // The UAS ends after its calls and leaves its own counts (what it sent, e.g. every 180).
  const uas = spawn(
    SIPP,
    [
      '-sf',
      `uas-${o.name}.xml`,
      '-i',
      '127.0.0.2',
      '-p',
      String(uasPort),
      ...t,
      '-m',
      String(o.calls),
      '-nostdin',
      '-trace_counts',
    ],
    { cwd: o.dir, stdio: 'ignore' },
  );
  const uasCounts = new Promise<Record<string, number>>((resolve) => {
    uas.on('exit', () => {
      const f = join(o.dir, `uas-${o.name}_${uas.pid}_counts.csv`);
      resolve(existsSync(f) ? lastRow(f) : {});
    });
  });
  // The UAC's first INVITE only once the UAS can take it (before: a fixed 300 ms).
  await until(
    () => uas.exitCode === null && bound(uasPort, o.transport),
    `the ${o.name} UAS on port ${uasPort}`,
  );
  const uacPort = await freePort();
  const stf = join(o.dir, `${o.name}-${o.transport}-stat.csv`);
  const p = spawn(
    SIPP,
    [
      '-sf',
      `uac-${o.name}.xml`,
      ...(o.keys ?? []),
      `127.0.0.1:${o.proxy}`,
      '-i',
      '127.0.0.1',
      '-p',
      String(uacPort),
      ...t,
      '-s',
      String(uasPort),
      '-m',
      String(o.calls),
      '-r',
      String(o.rate ?? 5),
      '-nostdin',
      '-timeout',
      '90s',
      '-trace_stat',
      '-stf',
      stf,
      '-trace_counts',
      '-trace_err',
      '-error_file',
      join(o.dir, `${o.name}-${o.transport}-errors.log`),
    ],
    { cwd: o.dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  p.stdout?.on('data', (d) => (out += d));
  p.stderr?.on('data', (d) => (out += d));
  const uac = new Promise<SippRun>((resolve, reject) => {
    const kill = setTimeout(() => p.kill('SIGKILL'), 120_000);
    p.on('error', reject);
    p.on('exit', () => {
      clearTimeout(kill);
      try {
        const counts = lastRow(join(o.dir, `uac-${o.name}_${p.pid}_counts.csv`));
        const errors = join(o.dir, `${o.name}-${o.transport}-errors.log`);
        resolve({
          stat: lastRow(stf),
          counts,
          pid: p.pid ?? -1,
          errors: existsSync(errors) ? readFileSync(errors, 'utf8').slice(0, 4000) : '',
        });
      } catch (err) {
        reject(new Error(`sipp wrote no counts for ${o.name}: ${String(err)} ${out.slice(-2000)}`));
      }
    });
  });
  return { uas, uasCounts, uac };
}
