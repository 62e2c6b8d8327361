import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedAlertmanager } from '../helpers/alertmanager.js';
import { freePort, startPrometheus } from '../helpers/prometheus.js';
import { startCli } from '../helpers/spawn.js';

/**
 * Sources that cannot open, as an operator meets them: `sidetone serve --modem` on a port that is
 * not there, and `--hep` on a UDP port another process holds. Each keeps serving, fails its
 * readiness check with the cause, logs the cause at error, and fires its alert from the shipped
 * rule file in a real Prometheus and Alertmanager (SidetoneModemDisconnected, `for: 2m`;
 * SidetoneSourceDown, `for: 1m`). The HEP listener binds once the port is free again.
 *
 * Its own Prometheus, not the run's shared one (issue 48): the shipped rule file is under test,
 * loaded byte for byte. Its alerts go to the run's shared Alertmanager, told apart by `instance`.
 */
const RULES = readFileSync(new URL('../../deploy/prometheus/sidetone-rules.yml', import.meta.url), 'utf8');
const MISSING = '/dev/ttyUSB-sidetone-test-missing';
const env = { SIDETONE_STORE_HASH_KEY: 'source-errors-test-hash-key-0123456789' };

describe('a source that cannot open', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sidetone-source-errors-'));
  const am = sharedAlertmanager();
  let prom: Awaited<ReturnType<typeof startPrometheus>>;
  let holder: Socket;
  let released = false;
  let hepPort = 0;
  const servers: Record<
    'modem' | 'hep',
    { url: string; instance: string; cli: Awaited<ReturnType<typeof startCli>> }
  > = {} as never;

  beforeAll(async () => {
    // Another process (here: this one) holds the HEP port.
    holder = createSocket('udp4');
    await new Promise<void>((r) => holder.bind(0, '127.0.0.1', r));
    hepPort = holder.address().port;
    const [modemPort, hepHttp] = await Promise.all([freePort(), freePort()]);
    prom = await startPrometheus(
      [{ name: 'sidetone', target: `127.0.0.1:${modemPort}`, more: [`127.0.0.1:${hepHttp}`] }],
      { rules: RULES, alertmanager: am.address },
    );
    const serve = async (port: number, db: string, source: string[]) => {
      const url = `http://127.0.0.1:${port}`;
      const cli = await startCli(
        ['serve', '--port', String(port), '--db', join(dir, db), ...source],
        url,
        env,
      );
      return { url, instance: `127.0.0.1:${port}`, cli };
    };
    servers.modem = await serve(modemPort, 'modem.db', ['--modem', MISSING]);
    servers.hep = await serve(hepHttp, 'hep.db', ['--hep', `udp://127.0.0.1:${hepPort}`]);
  }, 60_000);

  afterAll(async () => {
    for (const s of Object.values(servers)) {
      s.cli.child.kill('SIGTERM');
      await s.cli.exited;
    }
    await prom?.stop();
    if (!released) holder?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const readiness = async (url: string) => {
    const res = await fetch(`${url}/readyz`);
    return {
      code: res.status,
      checks: ((await res.json()) as { checks: Record<string, { status: string; detail: string }> }).checks,
    };
  };
  /** The JSON log lines at error (pino level 50). */
  const errors = (s: (typeof servers)['modem']) =>
    s.cli
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string; cause?: string })
      .filter((l) => l.level === 50);
  const fired = (alert: string, instance: string) =>
    prom.waitFor(
      async () =>
        (await am.alerts()).find(
          (a) => a.labels.alertname === alert && a.labels.instance === instance && a.status === 'firing',
        ),
      `${alert} for ${instance}`,
      4 * 60_000,
    );

  it('a missing modem port: the modem check fails with the cause, once at error, and the modem reads disconnected', async () => {
    const cause = `modem: cannot open ${MISSING}: no such file (is the modem plugged in? modem.path names its AT port: ls /dev/ttyUSB*)`;
    const r = await prom.waitFor(async () => {
      const got = await readiness(servers.modem.url);
      return got.checks.modem?.status === 'fail' ? got : undefined;
    }, 'the modem check to fail');
    expect(r.code).toBe(503);
    expect(r.checks.modem).toMatchObject({ status: 'fail', detail: cause });
    expect(errors(servers.modem)).toEqual([
      expect.objectContaining({ msg: 'modem source cannot open its port', cause }),
    ]);
    const metrics = await (await fetch(`${servers.modem.url}/metrics`)).text();
    expect(metrics).toMatch(/^sidetone_modem_connected\{modem="modem0"\} 0$/m);
    expect(metrics).toMatch(/^sidetone_modem_disconnects_total\{modem="modem0",reason="usb"\} 1$/m);
  });

  it('a HEP port in use: the sidecar still serves; the hep check fails with the cause, once at error', async () => {
    const cause = `hep: cannot listen on udp port ${hepPort}: address in use (another process is bound to it: stop it or change hep.listen)`;
    expect(servers.hep.cli.child.exitCode).toBeNull();
    const r = await readiness(servers.hep.url);
    expect(r.code).toBe(503);
    expect(r.checks.hep).toMatchObject({ status: 'fail', detail: cause });
    expect(errors(servers.hep)).toEqual([
      expect.objectContaining({ msg: 'HEP source cannot listen; retrying every 10 s', cause }),
    ]);
  });

  it(
    'fires SidetoneSourceDown for the HEP listener and SidetoneModemDisconnected for the modem that never opened',
    async () => {
      const [hep, modem] = await Promise.all([
        fired('SidetoneSourceDown', servers.hep.instance),
        fired('SidetoneModemDisconnected', servers.modem.instance),
      ]);
      expect(hep.labels).toEqual({
        alertname: 'SidetoneSourceDown',
        severity: 'critical',
        job: 'sidetone',
        instance: servers.hep.instance,
        check: 'hep',
      });
      expect(modem.labels).toEqual({
        alertname: 'SidetoneModemDisconnected',
        severity: 'critical',
        job: 'sidetone',
        instance: servers.modem.instance,
        modem: 'modem0',
      });
    },
    5 * 60_000,
  );

  it('the HEP listener binds once the port is free, and the check passes', async () => {
    await new Promise<void>((r) => holder.close(() => r()));
    released = true;
    const r = await prom.waitFor(
      async () => {
        const got = await readiness(servers.hep.url);
        return got.checks.hep?.status === 'pass' ? got : undefined;
      },
      'the hep check to pass',
      30_000,
    );
    expect(r.checks.hep?.detail).toBe('listening on 1 HEP address(es)');
    expect(servers.hep.cli.output()).toContain('"msg":"HEP listening"');
  }, 60_000);
});
