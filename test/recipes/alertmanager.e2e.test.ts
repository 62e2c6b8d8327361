/**
 * deploy/alertmanager/alertmanager.yml, the routing recipe for the shipped alerts: amtool accepts
 * it, every alert `sidetone rules` generates lands on the receiver its group and severity call
 * for (never the catch-all), and a real Alertmanager inhibits what the recipe says it does.
 *
 * Its own Alertmanager, not the run's shared one (issue 48): the recipe's config is under test.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { alertRules } from '../../src/rules/alerts.js';
import { ALERT_DEFAULTS } from '../../src/rules/thresholds.js';
import { ALERTMANAGER, alertmanagerArgs } from '../helpers/alertmanager.js';
import { freePort } from '../helpers/prometheus.js';

const CONFIG = fileURLToPath(new URL('../../deploy/alertmanager/alertmanager.yml', import.meta.url));
const AMTOOL = '/usr/bin/amtool';
const amtool = (args: string[]) => execFileSync(AMTOOL, args, { encoding: 'utf8', stdio: 'pipe' });

/** Where the recipe promises each alert goes. */
function receiverFor(rule: { group: string; severity: string }): string {
  if (rule.severity === 'critical') return 'telephony-pager';
  if (rule.group === 'modem-sms') return 'sms-gateway';
  if (rule.group === 'self') return 'monitoring-owners';
  return 'telephony-tickets';
}

const dir = mkdtempSync(join(tmpdir(), 'sidetone-amrecipe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the Alertmanager recipe', () => {
  it('passes amtool check-config', () => {
    expect(amtool(['check-config', CONFIG])).toMatch(/SUCCESS[\s\S]*3 inhibit rules[\s\S]*5 receivers/);
  });

  it('routes every shipped alert to its receiver (amtool config routes test)', () => {
    const rules = alertRules(ALERT_DEFAULTS, 'sidetone');
    expect(rules.length).toBeGreaterThan(10);
    for (const r of rules) {
      const labels = [
        `alertname=${r.alert}`,
        `severity=${r.severity}`,
        'instance=pi:9464',
        'trunk=t',
        'modem=m',
      ];
      const got = amtool(['config', 'routes', 'test', `--config.file=${CONFIG}`, ...labels]).trim();
      expect(got, r.alert).toBe(receiverFor(r));
    }
    // Someone else's alert keeps the default receiver.
    expect(amtool(['config', 'routes', 'test', `--config.file=${CONFIG}`, 'alertname=DiskFull']).trim()).toBe(
      'ops-default',
    );
  });

  it('inhibits the consequences of a down process, modem or trunk (a real Alertmanager)', async () => {
    // The recipe as written, with its receivers pointed at nothing reachable (no notification
    // is needed to see inhibition in the API).
    const config = readFileSync(CONFIG, 'utf8').replaceAll('alert-gateway.example', '127.0.0.1');
    writeFileSync(join(dir, 'am.yml'), config);
    const port = await freePort();
    const am: ChildProcess = spawn(ALERTMANAGER, alertmanagerArgs(join(dir, 'am.yml'), dir, port), {
      stdio: 'ignore',
    });
    try {
      const api = `http://127.0.0.1:${port}/api/v2`;
      for (let i = 0; ; i++) {
        if (
          await fetch(`${api}/status`).then(
            (r) => r.ok,
            () => false,
          )
        )
          break;
        if (i > 100) throw new Error('alertmanager did not start');
        await new Promise((r) => setTimeout(r, 100));
      }
      const alert = (alertname: string, labels: Record<string, string> = {}) => ({
        labels: { alertname, severity: 'warning', instance: 'pi:9464', ...labels },
        startsAt: new Date().toISOString(),
      });
      const sent = [
        alert('SidetoneModemDisconnected', { modem: 'm0', severity: 'critical' }),
        alert('SidetoneModemSignalWeak', { modem: 'm0' }),
        alert('SidetoneSmsSendFailures', { modem: 'm0' }),
        alert('SidetoneModemSignalWeak', { modem: 'm1' }),
        alert('SidetoneTrunkDown', { trunk: 'b', severity: 'critical' }),
        alert('SidetoneTrunkAsrDrop', { trunk: 'b' }),
        alert('SidetoneTrunkAsrDrop', { trunk: 'a' }),
      ];
      const post = await fetch(`${api}/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(sent),
      });
      expect(post.status).toBe(200);
      type Got = { labels: Record<string, string>; status: { inhibitedBy: string[] } };
      const inhibited = async () => {
        const got = (await (await fetch(`${api}/alerts`)).json()) as Got[];
        return got
          .filter((a) => a.status.inhibitedBy.length > 0)
          .map((a) => `${a.labels.alertname}/${a.labels.modem ?? a.labels.trunk}`)
          .sort();
      };
      let seen: string[] = [];
      for (let i = 0; i < 50 && seen.length < 3; i++) {
        seen = await inhibited();
        await new Promise((r) => setTimeout(r, 100));
      }
      // m1's weak signal and trunk a's drop have no down modem or trunk of their own: they stay.
      expect(seen).toEqual([
        'SidetoneModemSignalWeak/m0',
        'SidetoneSmsSendFailures/m0',
        'SidetoneTrunkAsrDrop/b',
      ]);
      // The process itself down: everything else from that instance is held back.
      await fetch(`${api}/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([alert('SidetoneDown', { severity: 'critical' })]),
      });
      for (let i = 0; i < 50 && seen.length < sent.length; i++) {
        seen = await inhibited();
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(seen).toHaveLength(sent.length);
    } finally {
      const gone = new Promise((r) => am.once('exit', r));
      am.kill('SIGTERM');
      await gone;
    }
  });
});
