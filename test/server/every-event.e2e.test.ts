/**
 * `sidetone serve` exactly as a new user starts it (no pack flag, no config file): every event
 * type of the catalogue, generated from the schemas, is accepted and turns into its metrics. A
 * pack the operator turns off makes its events count in `sidetone_events_unconsumed_total`, with
 * one log line per type naming the flag that turns the pack back on.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../src/events/bus.js';
import { listenedTypes } from '../../src/server/unconsumed.js';
import { storeSink } from '../../src/sinks/store-sink.js';
import type { CallStore } from '../../src/store/types.js';
import { CATALOGUE, metricName, packsReading } from '../../src/telephony/catalogue.js';
import { sampleEvents } from '../helpers/event-samples.js';
import { freePort } from '../helpers/prometheus.js';
import { startCli } from '../helpers/spawn.js';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-every-event-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ENV = { SIDETONE_STORE_HASH_KEY: 'every-event-hash-key-0123456789' };

/** Sample lines of an exposition, series -> value (comments skipped). */
function series(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), line.slice(at + 1));
  }
  return out;
}

/** Series of the given families that appeared or changed value between two scrapes. */
function changed(before: Map<string, string>, after: Map<string, string>, families: string[]): string[] {
  const family = (s: string) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(s)?.[0] ?? '';
  const mine = (s: string) =>
    families.some((f) => [f, `${f}_bucket`, `${f}_count`, `${f}_sum`].includes(family(s)));
  return [...after].filter(([s, v]) => mine(s) && before.get(s) !== v).map(([s]) => s);
}

async function serve(extra: string[] = []) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const db = join(dir, `${port}.db`);
  const proc = await startCli(
    ['serve', '--port', String(port), '--db', db, '--log.format', 'json', ...extra],
    url,
    ENV,
  );
  let n = 0;
  const post = async (events: Array<Record<string, unknown>>) => {
    // Fresh ids (a repeated id is a retry, counted once) and receipt time (a stale `ts` would
    // make a status gauge unknown at once).
    const body = events.map((e) => JSON.stringify({ ...e, id: `e${n++}`, ts: undefined })).join('\n');
    const res = await fetch(`${url}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body,
    });
    return (await res.json()) as { accepted: number; rejected: number };
  };
  const scrape = async () => series(await (await fetch(`${url}/metrics`)).text());
  return { ...proc, url, post, scrape };
}

describe('sidetone serve with no pack flags', () => {
  it('turns every event type of the catalogue into its metrics, and counts none as unconsumed', async () => {
    const s = await serve();
    try {
      const samples = sampleEvents();
      const silent: string[] = [];
      for (const event of samples) {
        const before = await s.scrape();
        expect(await s.post([event]), event.type).toMatchObject({ accepted: 1, rejected: 0 });
        const families = CATALOGUE.filter((m) => (m.events as string[]).includes(event.type)).map((m) =>
          metricName(m),
        );
        if (changed(before, await s.scrape(), families).length === 0) silent.push(event.type);
      }
      expect(silent).toEqual([]);
      const after = await s.scrape();
      const unconsumed = [...after].filter(
        ([k, v]) => k.startsWith('sidetone_events_unconsumed_total') && v !== '0',
      );
      expect(unconsumed).toEqual([]);
      expect(s.output()).not.toMatch(/count nowhere/);
    } finally {
      s.child.kill('SIGTERM');
      expect(await s.exited).toBe(0);
    }
  }, 60_000);

  it('a pack turned off counts its events as unconsumed, by type, and says once how to turn it on', async () => {
    const off = ['voiceai', 'sim'];
    const s = await serve(off.map((p) => `--no-packs.${p}`));
    try {
      const samples = sampleEvents();
      expect(await s.post(samples)).toMatchObject({ accepted: samples.length, rejected: 0 });
      expect(await s.post(samples)).toMatchObject({ accepted: samples.length, rejected: 0 });
      // What the store keeps is consumed even with its pack off (a transcript feeds the call record).
      const bus = new EventBus();
      storeSink(bus, {} as CallStore);
      const stored = listenedTypes(bus);
      const expected = samples
        .map((e) => e.type)
        .filter((t) => packsReading(t as never).every((p) => off.includes(p)) && !stored.has(t as never));
      expect(expected.length).toBeGreaterThan(10);
      const after = await s.scrape();
      const counted = Object.fromEntries(
        [...after]
          .filter(([k, v]) => k.startsWith('sidetone_events_unconsumed_total{') && v !== '0')
          .map(([k, v]) => [/type="([^"]+)"/.exec(k)?.[1], Number(v)]),
      );
      expect(counted).toEqual(Object.fromEntries(expected.map((t) => [t, 2])));
      const lines = s
        .output()
        .split('\n')
        .filter((l) => l.includes('count nowhere'))
        .map((l) => JSON.parse(l) as { level: number; type: string; enable: string; msg: string });
      expect(lines.map((l) => l.type).sort()).toEqual([...expected].sort());
      for (const l of lines) {
        expect(l.level).toBe(40);
        const pack = l.type.startsWith('sim.') ? 'sim' : 'voiceai';
        expect(l.enable).toContain(`--packs.${pack}`);
        expect(l.enable).toContain(`[packs] ${pack} = true`);
      }
    } finally {
      s.child.kill('SIGTERM');
      expect(await s.exited).toBe(0);
    }
  }, 60_000);
});
