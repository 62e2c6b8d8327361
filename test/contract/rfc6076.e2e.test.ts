/**
 * The RFC 6076 worked example on every surface. 100 INVITEs: 60 x 200, 10 x 486, 5 x 480,
 * 5 x 603, 5 x 404, 5 x 503, 5 with no final response (Timer B), 5 x 302. By RFC 6076 4.6-4.8 and
 * ITU-T E.411/E.425 (vectors from /work/shared/reference/telecom.md):
 *   SER  = 60 / (100 - 5) = 63.16       SEER = (60 + 10 + 5 + 5) / 95 = 84.21
 *   ISA  = (5 x 503 + 5 Timer B) / 100 = 10
 *   ASR  = 60 / 100 = 60                NER  = (60 + 10 + 5 + 5) / 100 = 80
 * Sent as events through `POST /events`; read back from /metrics (documented PromQL), the
 * dashboard, the per-trunk view, hourly/daily, failures, CSV/JSON export and the CLI.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SidetoneEvent } from '../../src/events/types.js';
import { openSqliteCallStore } from '../../src/store/sqlite/store.js';
import { BIN, run } from '../cli/helpers.js';
import { documentedPromql, harness, type Kpi5 } from './surfaces.js';

const WANT: Kpi5 = { ser: 63.16, seer: 84.21, isa: 10, asr: 60, ner: 80 };
const HASH_KEY = 'rfc6076-contract-hash-key-0123456789';

/** The example's 100 calls, half on each of two trunks, as a SIP stack emits them. */
function rfc6076Script(t0: number): SidetoneEvent[] {
  const ends: Array<{ code?: number; n: number }> = [
    { code: 200, n: 60 },
    { code: 486, n: 10 },
    { code: 480, n: 5 },
    { code: 603, n: 5 },
    { code: 404, n: 5 },
    { code: 503, n: 5 },
    { n: 5 }, // Timer B
    { code: 302, n: 5 },
  ];
  const out: SidetoneEvent[] = [];
  let i = 0;
  for (const { code, n } of ends) {
    for (let k = 0; k < n; k++, i++) {
      const callId = `rfc-${i}`;
      const ts = t0 + i * 1000;
      const trunk = i % 2 === 0 ? 'carrier-a' : 'carrier-b';
      out.push({ type: 'call.started', callId, direction: 'outbound', channel: 'sip', trunk, ts });
      if (code === 200) {
        out.push({ type: 'call.answered', callId, ts: ts + 300 });
        out.push({ type: 'call.ended', callId, hangupBy: 'caller', ts: ts + 900 });
      } else {
        out.push({
          type: 'call.ended',
          callId,
          ...(code === undefined ? { timeout: true } : { sipCode: code }),
          ts: ts + 500,
        });
      }
    }
  }
  return out;
}

describe('RFC 6076 worked example on every surface', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sidetone-rfc6076-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives SER 63.16, SEER 84.21, ISA 10, ASR 60, NER 80 everywhere', async () => {
    const now = Date.now();
    const path = join(dir, 'rfc.db');
    const store = await openSqliteCallStore({ path, privacy: { hashKey: HASH_KEY, storeRaw: false } });
    const h = harness({ now, trunks: ['carrier-a', 'carrier-b'], store });
    // The script's 100 s must sit in one hourly and one daily bucket, whatever the minute of the
    // run: a minute into this hour, or into the last one when this hour is under 5 minutes old.
    const hour = Math.floor(now / 3_600_000) * 3_600_000;
    const events = rfc6076Script((now - hour >= 5 * 60_000 ? hour : hour - 3_600_000) + 60_000);
    // In batches, as a client would send them.
    for (let i = 0; i < events.length; i += 70) expect(await h.post(events.slice(i, i + 70))).toBe(200);
    const s = await h.read();
    expect(s.promql).toEqual(WANT);
    expect(s.dashboard).toEqual(WANT);
    expect(s.hourly).toEqual(WANT);
    expect(s.daily).toEqual(WANT);
    expect(s.exportJson).toEqual(WANT);
    expect(s.exportCsv).toEqual(WANT);
    // Per trunk: each trunk's own figures, the same from PromQL and from the store.
    expect(Object.keys(s.promqlByTrunk).sort()).toEqual(['carrier-a', 'carrier-b']);
    expect(s.dashboardByTrunk).toEqual(s.promqlByTrunk);
    expect(s.outcomes).toEqual({
      answered: 60,
      busy: 10,
      no_answer: 5,
      declined: 5,
      failed: 5,
      ineffective: 10,
      redirected: 5,
    });
    const { answered: _answered, ...failed } = s.outcomes;
    expect(s.failures).toEqual(failed);
    // A Timer B call reads `timeout` on the store side too (it read `other` before).
    expect(await h.store.getCall('rfc-90')).toMatchObject({
      status: 'timeout',
      reason: 'timeout',
      outcome: 'ineffective',
    });
    await h.close();
    await store.close();

    // The CLI reads the same file.
    expect(existsSync(BIN), `missing ${BIN}: run \`npm run build\``).toBe(true);
    const cli = await run(['dashboard', '--db', path, '--hash-key', HASH_KEY, '--hours', '2', '--json']);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    const d = JSON.parse(cli.stdout) as { kpis: Kpi5 };
    expect({ ser: d.kpis.ser, seer: d.kpis.seer, isa: d.kpis.isa, asr: d.kpis.asr, ner: d.kpis.ner }).toEqual(
      WANT,
    );
  });
});

describe('the documented PromQL', () => {
  it('parses in the real promtool (the expressions the contract evaluates)', () => {
    const exprs = documentedPromql();
    const dir = mkdtempSync(join(tmpdir(), 'sidetone-promql-'));
    try {
      const rules = [
        'groups:',
        '  - name: sidetone_kpis',
        '    rules:',
        ...Object.entries(exprs).flatMap(([k, e]) => [
          `      - record: sidetone:call_${k}:ratio1h`,
          '        expr: |',
          ...e.split('\n').map((l) => `          ${l}`),
        ]),
      ].join('\n');
      writeFileSync(join(dir, 'rules.yml'), `${rules}\n`);
      const r = spawnSync('promtool', ['check', 'rules', join(dir, 'rules.yml')], { encoding: 'utf8' });
      expect(r.error, 'promtool missing: install Debian prometheus (scripts/system-deps.sh)').toBeUndefined();
      expect(`${r.stdout}${r.stderr}`).toContain('SUCCESS: 5 rules found');
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
