// A capture through a B2BUA (issue 53), made by real software: Debian's Kamailio as an SBC hiding
// topology (topoh masks the Call-ID on the callee's side, so every call is two legs with two
// Call-IDs on the wire, as siptrace mirrors them) that adds `X-CID: <the caller's Call-ID>` to the
// callee's INVITE, between Debian's sipp UACs and UASs. sidetone runs with
// `hep.leg_correlation = ["X-CID"]`: each call is one end-to-end record with both legs, on the API
// (GET /metrics/calls/:id, by either leg's Call-ID), in `sidetone call` and on the call page.
// ~45 s: the ladders come when each leg is forgotten, its linger (32 s) after its end.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallView } from '../../../src/analytics/export.js';
import { configSchema } from '../../../src/config/schema.js';
import { type SidecarHandle, startSidecar } from '../../../src/server/sidecar.js';
import { launchChromium } from '../../helpers/chromium.js';
import { runCli } from '../../helpers/spawn.js';
import { until } from '../../helpers/until.js';
import { freePort, type SippRun, sippPair, startKamailio, stop } from './lab.js';

const N = 2;
/** The scenarios, the end-to-end outcome each gives and the leg that failed it. */
const EXPECT = {
  '486': { outcome: 'busy', failed: 'b', code: 486 },
  answered: { outcome: 'answered', failed: null, code: 200 },
} as const;
type Scenario = keyof typeof EXPECT;

describe('a capture through a B2BUA (Kamailio + topoh + X-CID, sipp): one end-to-end call per call', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sidetone-b2bua-'));
  let sidecar: SidecarHandle | undefined;
  let kamailio: ChildProcess | undefined;
  let browser: Browser | undefined;
  const uass: ChildProcess[] = [];
  const runs: Partial<Record<Scenario, SippRun>> = {};
  const flows: string[] = [];

  beforeAll(async () => {
    const hepPort = await freePort();
    const proxy = await freePort();
    const config = configSchema().parse({
      server: { port: 0 },
      log: { level: 'silent' },
      store: { path: join(dir, 'calls.db'), hash_key: 'a-test-key-of-32-characters-long!' },
      hep: { listen: [`udp://127.0.0.1:${hepPort}`], leg_correlation: ['X-CID'], flow_sample: 1 },
    });
    sidecar = await startSidecar(config, { signals: false, logger: pino({ level: 'silent' }) });
    sidecar.bus.on('sip.flow', (e) => flows.push(e.callId));
    kamailio = await startKamailio(dir, proxy, { port: hepPort, tcp: false }, { b2bua: true });
    for (const name of Object.keys(EXPECT) as Scenario[]) {
      const p = await sippPair({ dir, name, transport: 'udp', proxy, calls: N });
      uass.push(p.uas);
      runs[name] = await p.uac;
    }
    // Two legs a call, each leg's ladder when it is forgotten (a linger after its end).
    await until(() => flows.length >= 2 * N * Object.keys(EXPECT).length, 'both legs’ ladders', {
      timeoutMs: 70_000,
      everyMs: 200,
    }).catch(() => {});
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    for (const u of uass) await stop(u);
    await stop(kamailio);
    await sidecar?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** sipp's Call-IDs: `<call number>-<pid>@<ip>`, the caller's (A) leg. */
  const aLegs = (name: Scenario) =>
    Array.from({ length: N }, (_, i) => `${i + 1}-${runs[name]?.pid}@127.0.0.1`);
  const view = async (id: string): Promise<CallView> => {
    const res = await fetch(`${sidecar?.url}/metrics/calls/${encodeURIComponent(id)}`);
    expect(res.status, id).toBe(200);
    return (await res.json()) as CallView;
  };

  it('sipp completed every call through the B2BUA', () => {
    for (const name of Object.keys(EXPECT) as Scenario[])
      expect(runs[name]?.stat['SuccessfulCall(C)'], `${name}: ${runs[name]?.errors}`).toBe(N);
  });

  it.each(
    Object.keys(EXPECT) as Scenario[],
  )('%s: one end-to-end record with both legs, their outcome, PDD and ladder, read by the A leg', async (name) => {
    const want = EXPECT[name];
    for (const id of aLegs(name)) {
      const v = await view(id);
      const e = v.end_to_end;
      expect(e, id).toBeDefined();
      expect(e).toMatchObject({ outcome: want.outcome, failed_leg: want.failed });
      expect(e?.legs.map((l) => l.leg)).toEqual(['a', 'b']);
      // The A leg is the call read; the B leg another Call-ID (topoh's), its code the same.
      expect(e?.legs[0]?.call_id).toBe(v.call.call_id);
      expect(e?.legs[1]?.call_id).not.toBe(v.call.call_id);
      for (const l of e?.legs ?? []) {
        expect(l.sip_code ?? 200, `${id} leg ${l.leg}`).toBe(want.code);
        expect(l.sip_flow?.length ?? 0, `${id} leg ${l.leg}`).toBeGreaterThan(2);
      }
      // Each leg's ladder is its own side: the caller's INVITE reaches the proxy on A, the
      // proxy's reaches the callee on B.
      expect(e?.legs[0]?.sip_flow?.[0]).toMatchObject({ from: 'caller', method: 'INVITE' });
      expect(e?.legs[1]?.sip_flow?.some((s) => s.to === 'callee' && s.method === 'INVITE')).toBe(true);
      // The caller's PDD (RFC 6076 4.2) is the A leg's; sipp's UASs ring before answering.
      if (name === 'answered') expect(e?.pdd_ms).toBe(e?.legs[0]?.pdd_ms);
      // Read by the B leg's stored id: the same end-to-end call.
      const viaB = await view(e?.legs[1]?.call_id as string);
      expect(viaB.end_to_end).toEqual(e);
      // The correlation is kept hashed: no Call-ID as sent appears.
      expect(JSON.stringify(v)).not.toContain(id);
    }
  });

  it('`sidetone call` prints the end-to-end call and both ladders; --json is the API’s', async () => {
    const id = aLegs('486')[0] as string;
    const text = await runCli(['call', id, '--url', sidecar?.url as string]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('End-to-end call (2 legs)');
    expect(text.stdout).toMatch(/^ {2}outcome +busy$/m);
    expect(text.stdout).toMatch(/^ {2}failed leg +b \(the callee leg\)$/m);
    expect(text.stdout.match(/^Leg [ab] /gm)).toEqual(['Leg a ', 'Leg b ']);
    expect(text.stdout.match(/^SIP flow \(/gm)?.length).toBe(3); // the call's own, then each leg's
    const json = await runCli(['call', id, '--url', sidecar?.url as string, '--json']);
    expect(JSON.parse(json.stdout)).toEqual(await view(id));
  });

  it('the call page shows the end-to-end verdict and both legs’ ladders', async () => {
    const id = aLegs('486')[0] as string;
    const page = await (browser as Browser).newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${sidecar?.url}/dashboard#call=${encodeURIComponent(id)}`);
    await page.waitForSelector('#call-legs section[data-leg="b"] svg.ladder');
    expect(await page.locator('#call-legs-panel').isHidden()).toBe(false);
    expect(await page.locator('#call-e2e dd[data-field="end-to-end outcome"]').textContent()).toBe('busy');
    expect(await page.locator('#call-e2e dd[data-field="failed leg"]').textContent()).toBe('B (callee leg)');
    expect(
      await page.locator('#call-legs section').evaluateAll((s) => s.map((x) => x.getAttribute('data-leg'))),
    ).toEqual(['a', 'b']);
    for (const leg of ['a', 'b'])
      expect(
        await page.locator(`#call-legs section[data-leg="${leg}"] svg.ladder g.ladder-msg`).count(),
      ).toBeGreaterThan(2);
    expect(errors).toEqual([]);
    await page.close();
  });
});
