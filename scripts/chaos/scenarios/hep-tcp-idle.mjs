// Issue 31, defect 4: idle HEP/TCP connections must not lock a real capture agent out. Before: 256
// idle connections were never timed out, and a capture agent then lost 50 of 50 packets. Here the
// connections are opened first (the default cap of 256; 1,000 in the full form), then a real
// sender, Kamailio's siptrace over HEP/TCP, mirrors sipp calls it proxies, and every call sipp made
// must be counted on /metrics. Needs Debian's kamailio and sip-tester (scripts/system-deps.sh).
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort, sample, sleep, startSidecar } from '../capture-kit.mjs';

const SIPP = '/usr/bin/sipp';
const KAMAILIO = '/usr/sbin/kamailio';
const MODULES = '/usr/lib/x86_64-linux-gnu/kamailio/modules/';

async function freeUdpPort() {
  const s = createSocket('udp4');
  await new Promise((r) => s.bind(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

const kamailioConfig = (sip, tcp, uas, hep) => `#!KAMAILIO
debug=1
log_stderror=yes
fork=no
children=1
listen=udp:127.0.0.1:${sip}
listen=tcp:127.0.0.1:${tcp}
mpath="${MODULES}"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "textops.so"
loadmodule "siptrace.so"
modparam("siptrace", "duplicate_uri", "sip:127.0.0.1:${hep};transport=tcp")
modparam("siptrace", "hep_mode_on", 1)
modparam("siptrace", "hep_version", 3)
modparam("siptrace", "trace_on", 1)
modparam("siptrace", "trace_mode", 1)
modparam("siptrace", "trace_to_database", 0)
request_route {
  if (is_method("ACK") && t_check_trans()) { t_relay(); exit; }
  $du = "sip:127.0.0.1:${uas}";
  t_relay();
}
`;

function run(cmd, args, cwd, ms) {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    const t = setTimeout(() => p.kill('SIGKILL'), ms);
    p.on('exit', (code) => {
      clearTimeout(t);
      resolve({ code, out });
    });
  });
}

export default {
  name: 'hep-tcp-idle',
  async run({ full, log }) {
    for (const bin of [SIPP, KAMAILIO])
      if (!existsSync(bin))
        throw new Error(`${bin} is missing: run scripts/system-deps.sh (kamailio, sip-tester)`);
    const idle = full ? 1000 : 256;
    const calls = full ? 200 : 20;
    const hepPort = await freePort();
    const side = await startSidecar(
      { hep: `tcp://127.0.0.1:${hepPort}`, 'store.hash_key': 'chaos-hash-key-0123456789' },
      { log },
    );
    const sockets = [];
    let closedByPeer = 0;
    for (let i = 0; i < idle; i++) {
      const s = connect(hepPort, '127.0.0.1');
      s.on('error', () => {});
      s.on('close', () => closedByPeer++);
      sockets.push(s);
      await new Promise((r) => s.once('connect', r).once('error', r));
    }
    await sleep(200);
    log(`${idle} idle connections open`);
    const sipPort = await freeUdpPort();
    const uasPort = await freeUdpPort();
    const tcpPort = await freePort();
    writeFileSync(join(side.dir, 'kamailio.cfg'), kamailioConfig(sipPort, tcpPort, uasPort, hepPort));
    const kamailio = spawn(KAMAILIO, ['-f', join(side.dir, 'kamailio.cfg'), '-DD', '-E'], {
      cwd: side.dir,
      stdio: 'ignore',
    });
    const uas = spawn(SIPP, ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(uasPort), '-nostdin'], {
      cwd: side.dir,
      stdio: 'ignore',
    });
    try {
      await sleep(1000);
      const uac = await run(
        SIPP,
        ['-sn', 'uac', `127.0.0.1:${sipPort}`, '-i', '127.0.0.1', '-p', String(await freeUdpPort())].concat([
          '-m',
          String(calls),
          '-r',
          '20',
          '-nostdin',
          '-timeout',
          '60s',
        ]),
        side.dir,
        90_000,
      );
      if (uac.code !== 0) throw new Error(`sipp uac failed (${uac.code}): ${uac.out.slice(-500)}`);
      let text = '';
      const until = Date.now() + 10_000;
      do {
        await sleep(250);
        text = await side.metrics();
      } while (sample(text, 'sidetone_call_attempts_total') < calls && Date.now() < until);
      const figures = {
        idle_connections: idle,
        calls_made: calls,
        calls_seen: sample(text, 'sidetone_call_attempts_total'),
        sip_packets: sample(text, 'sidetone_hep_packets_total', 'result="sip"'),
        tcp_connections: sample(text, 'sidetone_hep_tcp_connections'),
        closed_evicted: sample(text, 'sidetone_hep_tcp_closed_total', 'reason="evicted"'),
        closed_idle: sample(text, 'sidetone_hep_tcp_closed_total', 'reason="idle"'),
        idle_closed_seen_by_clients: closedByPeer,
      };
      if (!(figures.calls_seen >= calls))
        throw new Error(`the capture agent was not served: ${JSON.stringify(figures)}`);
      return figures;
    } finally {
      for (const s of sockets) s.destroy();
      uas.kill('SIGKILL');
      kamailio.kill('SIGKILL');
      await side.stop();
    }
  },
};
