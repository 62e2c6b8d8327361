/**
 * Replays a modem transcript (transcripts/README.md) to a real sidecar: the python emulator
 * (replay_modem.py) plays the modem on a pseudo-terminal, `startSidecar` reads it through the
 * serialport bindings as `sidetone serve --modem` does, and each `? key = value` checkpoint is
 * checked on /metrics, /readyz and the events while the emulator holds the modem still.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { loadConfig } from '../../../src/config/index.js';
import type { SidetoneEvent } from '../../../src/events/types.js';
import { createLogger } from '../../../src/logs/index.js';
import { startSidecar } from '../../../src/server/sidecar.js';
import { MODEM_COMMANDS, type ModemMode } from '../../../src/sources/modem/commands.js';
import { decodePdu } from '../../../src/sources/modem/pdu.js';
import { captureLines } from '../../helpers/lines.js';
import { leaksIn, type Scan, transcriptPlants } from '../../helpers/pii-plants.js';

const EMULATOR = fileURLToPath(new URL('./replay_modem.py', import.meta.url));
export const TRANSCRIPTS = fileURLToPath(new URL('./transcripts/', import.meta.url));

export interface Transcript {
  name: string;
  text: string;
  header: Record<string, string[]>;
  /** `# expect:` lines: the state at the end of the replay. */
  expects: Array<[string, string]>;
  pii: Scan;
}

export function loadTranscript(name: string): Transcript {
  const text = readFileSync(join(TRANSCRIPTS, name), 'utf8');
  const header: Record<string, string[]> = {};
  let last = '';
  for (const line of text.split('\n')) {
    if (!line.startsWith('#')) break;
    const m = /^#\s*([a-z.]+):\s*(.*)$/.exec(line);
    if (m !== null) {
      last = m[1] as string;
      (header[last] ??= []).push(m[2] as string);
    } else if (last !== '' && /^#\s{2,}/.test(line)) {
      const list = header[last] as string[];
      list[list.length - 1] += ` ${line.replace(/^#\s+/, '')}`;
    }
  }
  const expects = (header.expect ?? []).map((e): [string, string] => {
    const [k, ...v] = e.split('=');
    return [(k as string).trim(), v.join('=').trim()];
  });
  const from = (hex: string) => {
    const p = decodePdu(hex);
    return p?.type === 'deliver' ? p.from : undefined;
  };
  return { name, text, header, expects, pii: transcriptPlants(text, from) };
}

// The transcripts' vocabulary (ModemManager's names) -> the label values sidetone uses.
const STATE: Record<string, string> = {
  idle: 'not_registered',
  home_sms_only: 'sms_only_home',
  roaming_sms_only: 'sms_only_roaming',
  home_csfb_not_preferred: 'csfb_not_preferred_home',
  roaming_csfb_not_preferred: 'csfb_not_preferred_roaming',
  attached_rlos: 'rlos',
};
const SIM: Record<string, string> = { ph_net_pin: 'personalisation' };
const TECH: Record<string, string> = { 'lte+5gnr': 'lte_5gnr' };
const SIGNAL: Record<string, string> = {
  'gsm.rssi_dbm': 'rssi_dbm',
  'umts.rssi_dbm': 'rssi_dbm',
  'lte.rssi_dbm': 'rssi_dbm',
  'umts.rscp_dbm': 'rscp_dbm',
  'umts.ecio_db': 'ecno_db',
  'lte.rsrp_dbm': 'rsrp_dbm',
  'lte.rsrq_db': 'rsrq_db',
  'lte.snr_db': 'snr_db',
  'nr5g.rsrp_dbm': 'nr_rsrp_dbm',
  'nr5g.rsrq_db': 'nr_rsrq_db',
  'nr5g.snr_db': 'nr_snr_db',
};
const DOMAIN: Record<string, string> = { cs: 'cs', ps: 'ps', eps: 'eps', '5gs': '5gs' };

/** Sample lines of an exposition: series -> value. */
export function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}
const sum = (m: Map<string, number>, prefix: string, has = '') =>
  [...m].filter(([k]) => k.startsWith(prefix) && k.includes(has)).reduce((n, [, v]) => n + v, 0);

/** What the replay saw when a checkpoint was evaluated. */
export interface Seen {
  metrics: Map<string, number>;
  ready: number;
  events: SidetoneEvent[];
  /** Events since the previous checkpoint. */
  recent: SidetoneEvent[];
}

const M = 'sidetone_modem_';
const m0 = 'modem="modem0"';

/**
 * The check a `key = value` of the transcript vocabulary stands for, or a reason it does not
 * apply to sidetone (it never sends SMS, so `sms.sent_mr` is the capture host's, and so on).
 */
export function check(rawKey: string, rawValue: string): ((s: Seen) => boolean) | string {
  // `sms.report mr=40 st=0x46 final=true`: the first `=` is inside the value.
  // `error.count >= 12`: split at its first `=`, the `>` stays on the key.
  const [key, value] = rawKey.startsWith('sms.report ')
    ? ['sms.report', `${rawKey.slice(11)}=${rawValue}`]
    : rawKey.endsWith('>')
      ? [rawKey.slice(0, -1).trim(), `>=${rawValue}`]
      : [rawKey, rawValue];
  const gauge = (name: string, labels: string) => (s: Seen) => s.metrics.get(`${M}${name}{${m0}${labels}}`);
  if (key === 'registration') {
    const g = gauge('registration_state', `,state="${STATE[value] ?? value}"`);
    return (s) => g(s) === 1;
  }
  if (key.startsWith('registration.')) {
    const d = DOMAIN[key.slice(13)];
    if (d === undefined) return 'unknown domain';
    if (value === 'unset' || value === 'error')
      return (s) =>
        ![...s.metrics].some(
          ([k, v]) => k.startsWith(`${M}registration_domain_state{${m0},domain="${d}"`) && v === 1,
        );
    const g = gauge('registration_domain_state', `,domain="${d}",state="${STATE[value] ?? value}"`);
    return (s) => g(s) === 1;
  }
  if (key === 'access_tech') {
    const g = gauge('access_technology', `,tech="${TECH[value] ?? value}"`);
    return (s) => g(s) === 1;
  }
  if (key === 'sim') {
    const g = gauge('sim_state', `,state="${SIM[value] ?? value}"`);
    return (s) => g(s) === 1;
  }
  if (key === 'band') {
    const g = gauge('band', `,band="${value}"`);
    return (s) => g(s) === 1;
  }
  if (key.startsWith('signal.')) {
    const name = SIGNAL[key.slice(7)];
    if (name === undefined) return 'no such signal gauge';
    const g = gauge(`signal_${name}`, '');
    return value === 'unknown' ? (s) => g(s) === undefined : (s) => g(s) === Number(value);
  }
  if (key === 'ready') {
    // `false` is often a moment (a restart is noticed and re-initialised at once): a disconnect
    // since the last checkpoint shows it passed through, /readyz shows it now.
    if (value === 'false')
      return (s) => s.ready === 503 || s.recent.some((e) => e.type === 'modem.disconnected');
    return (s) => s.ready === 200;
  }
  if (key === 'error') {
    const m = /^(cme|cms):(-?\d+)$/.exec(value);
    if (m === null) return 'a verbose text: the class is checked instead';
    return (s) =>
      s.events.some((e) => e.type === 'modem.at_error' && e.kind === m[1] && e.code === Number(m[2]));
  }
  if (key === 'error.class') return (s) => sum(s.metrics, `${M}at_errors_total{`, `class="${value}"`) > 0;
  const atLeast = /^>=\s*(\d+(?:\.\d+)?)$/.exec(value);
  if (key.startsWith('error.class.') && atLeast !== null)
    return (s) => sum(s.metrics, `${M}at_errors_total{`, `class="${key.slice(12)}"`) >= Number(atLeast[1]);
  if (key === 'error.count' && atLeast !== null)
    return (s) => sum(s.metrics, `${M}at_errors_total{`) >= Number(atLeast[1]);
  if (key === 'final.vendor' && atLeast !== null)
    return (s) => sum(s.metrics, `${M}at_errors_total{`, 'kind="vendor"') >= Number(atLeast[1]);
  if (key === 'final') {
    if (value.startsWith('vendor:'))
      return (s) => sum(s.metrics, `${M}at_errors_total{`, 'kind="vendor"') > 0;
    if (value === 'cme') return (s) => sum(s.metrics, `${M}at_errors_total{`, 'kind="cme"') > 0;
    return 'a call result or OK: nothing to count';
  }
  if (key === 'cell_changes')
    return (s) => (s.metrics.get(`${M}cell_changes_total{${m0}}`) ?? 0) === Number(value);
  if (key.startsWith('access_tech_seconds.') && atLeast !== null) {
    const g = gauge('access_technology_seconds_total', `,tech="${TECH[key.slice(20)] ?? key.slice(20)}"`);
    return (s) => (g(s) ?? 0) >= Number(atLeast[1]);
  }
  if (key === 'flapping') {
    const g = gauge('flapping', '');
    return (s) => g(s) === (value === 'true' ? 1 : 0);
  }
  if (key === 'reboot_detected')
    return value === 'true'
      ? (s) => (s.metrics.get(`${M}disconnects_total{${m0},reason="power"}`) ?? 0) >= 1
      : (s) => (s.metrics.get(`${M}disconnects_total{${m0},reason="power"}`) ?? 0) === 0;
  if (key === 'reconnect_cause' && value === 'modem_restart')
    return (s) => (s.metrics.get(`${M}reconnects_total{${m0},reason="power"}`) ?? 0) >= 1;
  if (key === 'sms.received' || key === 'sms.unread_listed')
    return (s) => s.metrics.get('sidetone_sms_received_total') === Number(value);
  if (key === 'sms.report') {
    const m = /mr=(\d+) st=0x([0-9a-f]{2})/i.exec(value);
    if (m === null) return 'unreadable';
    return (s) =>
      s.events.some(
        (e) =>
          e.type === 'sms.delivery_report' &&
          e.reference === m[1] &&
          e.tpStatus === Number.parseInt(m[2] as string, 16),
      );
  }
  if (key === 'ussd.last_m') {
    return (s) => {
      const last = s.events.filter((e) => e.type === 'ussd.response').pop();
      return last !== undefined && last.status === Number(value);
    };
  }
  if (key === 'device.model')
    return (s) => s.events.some((e) => e.type === 'modem.connected' && e.model === value);
  return `not observable: ${key}`;
}

export interface Replay {
  checks: Array<{ key: string; value: string; line: number; result: true | false | string; saw?: string[] }>;
  host: string[];
  stuck: string[];
  done: boolean;
  metrics: string;
  ready: { status: number; body: string };
  events: SidetoneEvent[];
  logs: string[];
  outputs: Array<[string, string]>;
  smsRows: Array<Record<string, unknown>>;
}

async function until(cond: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (await cond()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Replay one transcript; resolves once the emulator reached its end and the expectations were
 * read. The emulator's `~` run at a tenth of real time; a command waits up to 2 s (the emulator
 * holds the modem still while a checkpoint is read, which takes tens of milliseconds per check,
 * more on a loaded machine), where the real default is 5 s.
 */
export async function replay(
  t: Transcript,
  o: { mode: ModemMode; commandTimeoutMs?: number; scale?: number; checkMs?: number },
): Promise<Replay> {
  const dir = mkdtempSync(join(tmpdir(), 'sidetone-replay-'));
  const link = join(dir, 'modem');
  const commands = MODEM_COMMANDS.filter((c) => c.modes.includes(o.mode)).map((c) => c.pattern.source);
  writeFileSync(
    join(dir, 'cfg.json'),
    JSON.stringify({
      link,
      transcript: join(TRANSCRIPTS, t.name),
      scale: o.scale ?? 0.1,
      commands,
      stuck: 6,
    }),
  );
  const sim: ChildProcess = spawn('python3', [EMULATOR, join(dir, 'cfg.json')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: sim.stdout as NonNullable<typeof sim.stdout> });
  const queue: Array<Record<string, unknown>> = [];
  let wake: (() => void) | undefined;
  lines.on('line', (l) => {
    queue.push(JSON.parse(l) as Record<string, unknown>);
    wake?.();
  });
  const next = async (ms: number) => {
    const end = Date.now() + ms;
    while (queue.length === 0 && Date.now() < end)
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 50);
      });
    return queue.shift();
  };
  const result: Replay = {
    checks: [],
    host: [],
    stuck: [],
    done: false,
    metrics: '',
    ready: { status: 0, body: '' },
    events: [],
    logs: [],
    outputs: [],
    smsRows: [],
  };
  const { destination, lines: logs } = captureLines();
  let sidecar: Awaited<ReturnType<typeof startSidecar>> | undefined;
  try {
    if ((await next(5000))?.ready !== true) throw new Error('the emulator did not start');
    const config = loadConfig({
      env: {},
      flags: {
        'server.port': 0,
        'store.path': join(dir, 'sidetone.db'),
        'store.hash_key': 'replay-hash-key-0123456789abcdef',
        'modem.path': link,
        'modem.mode': o.mode,
        'modem.poll_seconds': 0.1,
        'modem.command_timeout_ms': o.commandTimeoutMs ?? 2000,
      },
    });
    sidecar = await startSidecar(config, {
      signals: false,
      logger: createLogger({ level: 'debug', destination }),
    });
    const url = sidecar.url;
    sidecar.bus.onAny((e) => result.events.push(e));
    let mark = 0;
    const seen = async (): Promise<Seen> => {
      const metrics = samples(await (await fetch(`${url}/metrics`)).text());
      const ready = (await fetch(`${url}/readyz`)).status;
      return { metrics, ready, events: result.events, recent: result.events.slice(mark) };
    };
    for (;;) {
      const msg = await next(20_000);
      if (msg === undefined) break;
      if (typeof msg.host === 'string') result.host.push(msg.host);
      else if (msg.stuck !== undefined) {
        result.stuck.push(`line ${msg.stuck}: waiting for ${msg.waiting}`);
        break;
      } else if (msg.done === true) {
        result.done = true;
        break;
      } else if (typeof msg.check === 'string') {
        const key = msg.check;
        const value = String(msg.value);
        const c = check(key, value);
        const ok = typeof c === 'string' ? c : await until(async () => c(await seen()), o.checkMs ?? 3000);
        result.checks.push({
          key,
          value,
          line: Number(msg.line),
          result: ok,
          ...(ok === false && {
            saw: [...(await seen()).metrics]
              .filter(([k, v]) => k.startsWith('sidetone_modem_') && v !== 0)
              .map(([k, v]) => `${k} ${v}`),
          }),
        });
        mark = result.events.length;
        sim.stdin?.write('go\n');
      }
    }
    for (const [key, value] of t.expects) {
      const c = check(key, value);
      const ok = typeof c === 'string' ? c : await until(async () => c(await seen()), o.checkMs ?? 3000);
      result.checks.push({ key, value, line: 0, result: ok });
    }
    result.metrics = await (await fetch(`${url}/metrics`)).text();
    const ready = await fetch(`${url}/readyz`);
    result.ready = { status: ready.status, body: await ready.text() };
    for (const path of [
      '/metrics',
      '/readyz',
      '/healthz',
      '/metrics/sms?days=1',
      '/metrics/export?format=json&days=1',
    ])
      result.outputs.push([path, await (await fetch(`${url}${path}`)).text()]);
  } finally {
    await sidecar?.close();
    sim.kill('SIGKILL');
    lines.close();
  }
  const db = new Database(join(dir, 'sidetone.db'), { readonly: true });
  result.smsRows = db.prepare('SELECT * FROM sms ORDER BY id').all() as Array<Record<string, unknown>>;
  db.close();
  rmSync(dir, { recursive: true, force: true });
  result.logs = logs;
  for (const l of logs) result.outputs.push(['log', l]);
  result.outputs.push(['store', JSON.stringify(result.smsRows)]);
  return result;
}

/** Every planted value of the transcript found in any output of its replay. */
export function leaks(t: Transcript, r: Replay): string[] {
  const out: string[] = [];
  for (const [where, text] of r.outputs)
    for (const line of text.split('\n')) for (const l of leaksIn(line, t.pii)) out.push(`${where}: ${l}`);
  return out;
}
