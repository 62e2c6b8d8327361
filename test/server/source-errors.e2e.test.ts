import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_DEFAULTS } from '../../src/rules/thresholds.js';
import { freePort } from '../helpers/prometheus.js';
import { startCli } from '../helpers/spawn.js';
import { until } from '../helpers/until.js';
import {
  addScrape,
  keepRuleInputs,
  MIN,
  promtoolRules as promtool,
  type SimulatedScrapes,
} from '../rules/simulated.js';

/**
 * Sources that cannot open, as an operator meets them: `sidetone serve --modem` on a port that is
 * not there, and `--hep` on a UDP port another process holds. Each keeps serving, fails its
 * readiness check with the cause, logs the cause at error, and fires its alert from the shipped
 * rule file, byte for byte (SidetoneModemDisconnected, `for: 2m`; SidetoneSourceDown, `for: 1m`),
 * evaluated by promtool in virtual time on the sidecars' own scraped series. The HEP listener binds
 * once the port is free again. The wiring to a real Prometheus and Alertmanager is
 * test/rules/alerting.e2e.test.ts's (issue 48: one real-time run of it, not one per alert).
 */
const MISSING = '/dev/ttyUSB-sidetone-test-missing';
const env = { SIDETONE_STORE_HASH_KEY: 'source-errors-test-hash-key-0123456789' };

describe('a source that cannot open', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sidetone-source-errors-'));
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
  /**
   * The sidecar's own series, as Prometheus would scrape them: 4 real scrapes 1 s apart, as virtual
   * minutes 0-3, the last held to minute 5 (the fault does not end while the test holds it). The
   * shipped rules are then evaluated on them by promtool in virtual time (test/rules/simulated.ts),
   * not waited for: `for: 2m` held a worker 125 s of a full run before (issue 48).
   */
  const held = async (url: string): Promise<SimulatedScrapes> => {
    const series = new Map<string, Array<number | undefined>>();
    const at: number[] = [];
    let last = '';
    for (let i = 0; i < 6; i++) {
      at.push(i * MIN);
      if (i < 4) {
        if (i > 0) await new Promise((r) => setTimeout(r, 1000));
        last = await (await fetch(`${url}/metrics`)).text();
      }
      addScrape(series, last, i, keepRuleInputs);
    }
    for (const values of series.values()) values.length = at.length;
    return { at, series, last };
  };

  it('a missing modem port: the modem check fails with the cause, once at error, and the modem reads disconnected', async () => {
    const cause = `modem: cannot open ${MISSING}: no such file (is the modem plugged in? modem.path names its AT port: ls /dev/ttyUSB*)`;
    const r = await until(async () => {
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

  it('fires SidetoneSourceDown for the HEP listener and SidetoneModemDisconnected for the modem that never opened', async () => {
    const [hep, modem] = await Promise.all([held(servers.hep.url), held(servers.modem.url)]);
    // The rules' inputs hold in every real scrape: the port stays taken, the device stays absent.
    for (const v of hep.series.get('sidetone_health_check_status{check="hep",status="fail"}') ?? [])
      expect(v).toBe(1);
    for (const v of modem.series.get('sidetone_modem_connected{modem="modem0"}') ?? []) expect(v).toBe(0);
    const i = servers.hep.instance;
    const m = servers.modem.instance;
    // Not yet at `for` minus a minute, firing from `for` on, with its labels and rendered text.
    const fires = (
      run: SimulatedScrapes,
      instance: string,
      alert: string,
      forMinutes: number,
      labels: Record<string, string>,
      texts: { summary: string; description: string },
    ) => {
      const r = promtool(alert, run, instance, [], undefined, [
        { alert, at: forMinutes - 1, alerts: [] },
        {
          alert,
          at: forMinutes,
          alerts: [
            {
              labels: { severity: 'critical', job: 'sidetone', instance, ...labels },
              annotations: { ...texts, runbook_url: `${ALERT_DEFAULTS.runbook_url}#${alert.toLowerCase()}` },
            },
          ],
        },
      ]);
      expect(r.output).toContain('SUCCESS');
      expect(r.status).toBe(0);
    };
    fires(
      hep,
      i,
      'SidetoneSourceDown',
      1,
      { check: 'hep' },
      {
        summary: `the HEP listener of ${i} cannot listen`,
        description: `sidetone on ${i} has not been able to bind its HEP address for a minute (in use, not permitted, not an address of the host), so no capture reaches it; it retries every 10 s. \`sidetone health\` and /readyz show the cause. A modem that cannot open fires SidetoneModemDisconnected.`,
      },
    );
    fires(
      modem,
      m,
      'SidetoneModemDisconnected',
      2,
      { modem: 'modem0' },
      {
        summary: `modem modem0 on ${m} is disconnected`,
        description:
          'The host has not had modem modem0 open for 2 minutes (USB, power or AT timeout): no SMS or calls go through it.',
      },
    );
  });

  it('the HEP listener binds once the port is free, and the check passes', async () => {
    await new Promise<void>((r) => holder.close(() => r()));
    released = true;
    const r = await until(
      async () => {
        const got = await readiness(servers.hep.url);
        return got.checks.hep?.status === 'pass' ? got : undefined;
      },
      'the hep check to pass',
      { timeoutMs: 30_000 },
    );
    expect(r.checks.hep?.detail).toBe('listening on 1 HEP address(es)');
    expect(servers.hep.cli.output()).toContain('"msg":"HEP listening"');
  }, 60_000);
});
