/**
 * One event script through every read surface of sidetone: the packs into `/metrics` (evaluated
 * with the PromQL documented in docs/promql.md), and the store sink into the dashboard, the
 * per-trunk view, hourly/daily series, failures and the CSV/JSON exports. Used by the RFC 6076
 * contract test and the property test over generated scripts.
 */
import { readFileSync } from 'node:fs';
import { EventBus } from '../../src/events/bus.js';
import type { SidetoneEvent } from '../../src/events/types.js';
import { createApp } from '../../src/http/app.js';
import { Registry } from '../../src/metrics/index.js';
import { mountAnalytics } from '../../src/server/analytics-routes.js';
import { storeSink } from '../../src/sinks/store-sink.js';
import { ingestRoute } from '../../src/sources/ingest.js';
import { SqliteCallStore } from '../../src/store/sqlite/store.js';
import { instrument } from '../../src/telephony/index.js';

export const KPI_NAMES = ['asr', 'ner', 'ser', 'seer', 'isa'] as const;
export type Kpi5 = Record<(typeof KPI_NAMES)[number], number | null>;

// --- the documented PromQL, evaluated over one exposition -------------------------------------

/** The PromQL block under each `## KPI` heading of docs/promql.md. */
export function documentedPromql(): Record<(typeof KPI_NAMES)[number], string> {
  const md = readFileSync(new URL('../../docs/promql.md', import.meta.url), 'utf8');
  const out: Record<string, string> = {};
  for (const k of KPI_NAMES) {
    const m = new RegExp(`## ${k.toUpperCase()}:[^\\n]*\\n[\\s\\S]*?\`\`\`promql\\n([\\s\\S]*?)\`\`\``).exec(
      md,
    );
    if (!m?.[1]) throw new Error(`docs/promql.md has no PromQL block for ${k}`);
    out[k] = m[1].trim();
  }
  return out as Record<(typeof KPI_NAMES)[number], string>;
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseExposition(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/**
 * Evaluate one documented expression: every `sum by (trunk) (increase(M{...}[w]))` term becomes
 * the per-trunk sum of the counter (the script is the whole window and counters start at 0, so
 * `increase` is the value), then the arithmetic around the terms is computed per trunk. `by` is
 * `trunk` for the per-trunk view, or undefined for the whole (the same expression with `sum`).
 * `or` takes the left side where it has the group. A group with no result (an absent operand,
 * or 0/0) is left out, as PromQL leaves it out; the callers read a missing group as null.
 */
export function evalPromql(
  expr: string,
  samples: Sample[],
  by: 'trunk' | undefined,
): Map<string, number | null> {
  const term = /sum by \(trunk\) \(increase\((\w+)\{([^}]*)\}\[\w+\]\)\)/g;
  const vectors: Array<Map<string, number>> = [];
  const arithmetic = expr.replace(term, (_all, name: string, matchers: string) => {
    const ms = [...matchers.matchAll(/(\w+)(=~|!~|!=|=)"([^"]*)"/g)].map(([, l, op, v]) => {
      const re = new RegExp(`^(?:${v})$`);
      const test = {
        '=': (x: string) => x === v,
        '!=': (x: string) => x !== v,
        '=~': (x: string) => re.test(x),
        '!~': (x: string) => !re.test(x),
      }[op!]!;
      return { l: l!, test };
    });
    const vec = new Map<string, number>();
    for (const s of samples) {
      if (s.name !== name || !ms.every((m) => m.test(s.labels[m.l] ?? ''))) continue;
      const key = by === undefined ? '' : (s.labels.trunk ?? '');
      vec.set(key, (vec.get(key) ?? 0) + s.value);
    }
    vectors.push(vec);
    return `$${vectors.length - 1}`;
  });
  // `a or b` per group: a when present, else b; written as JS `??` over possibly-undefined values.
  const js0 = arithmetic.replace(/\bor\b/g, '??');
  if (!/^[\d\s$+\-*/().?]+$/.test(js0)) throw new Error(`cannot evaluate: ${arithmetic}`);
  const keys = new Set(vectors.flatMap((v) => [...v.keys()]));
  const out = new Map<string, number | null>();
  for (const key of keys) {
    const js = js0.replace(/\$(\d+)/g, (_m, i: string) => String(vectors[Number(i)]!.get(key)));
    const v = Function(`"use strict"; return (${js});`)() as number | undefined;
    // An absent operand leaves no result for the group (NaN here); 0/0 is NaN in PromQL too.
    if (v === undefined || Number.isNaN(v)) continue;
    out.set(key, Number.isFinite(v) ? Math.round(v * 100) / 100 : null);
  }
  return out;
}

// --- the sidecar's data path, in process -------------------------------------------------------

export interface Surfaces {
  /** Documented PromQL over /metrics, whole and by trunk. */
  promql: Kpi5;
  promqlByTrunk: Record<string, Kpi5>;
  /** `sidetone_call_outcomes_total` by outcome (all directions). */
  outcomes: Record<string, number>;
  dashboard: Kpi5;
  dashboardByTrunk: Record<string, Kpi5>;
  hourly: Kpi5;
  daily: Kpi5;
  /** `/metrics/failures` counted by outcome. */
  failures: Record<string, number>;
  /** KPIs recomputed from the rows of `/metrics/export?format=json` and `format=csv`. */
  exportJson: Kpi5;
  exportCsv: Kpi5;
}

export interface Harness {
  /** POST one batch to /events; returns the HTTP status. */
  post(batch: readonly SidetoneEvent[]): Promise<number>;
  read(): Promise<Surfaces>;
  /** The app's fetch handler, for any other route. */
  fetch(req: Request): Promise<Response>;
  close(): Promise<void>;
  readonly store: SqliteCallStore;
}

/** The KPIs of export rows: attempts are rows with an outcome other than `challenged`. */
function kpisOfRows(
  rows: Array<{ outcome: string | null; effective: boolean | string; channel: string | null }>,
): Kpi5 {
  let attempts = 0;
  let answered = 0;
  let effective = 0;
  let sip = 0;
  let sipRedirected = 0;
  let sipAnswered = 0;
  let sipEffective = 0;
  let sipIneffective = 0;
  for (const r of rows) {
    if (r.outcome === null || r.outcome === '' || r.outcome === 'challenged') continue;
    attempts++;
    if (r.outcome === 'answered') answered++;
    if (r.effective === true || r.effective === 'true') effective++;
    if (r.channel !== 'sip' && r.channel !== 'webrtc') continue;
    sip++;
    if (r.outcome === 'redirected') sipRedirected++;
    if (r.outcome === 'answered') sipAnswered++;
    if (['answered', 'busy', 'no_answer', 'declined'].includes(r.outcome)) sipEffective++;
    if (r.outcome === 'ineffective') sipIneffective++;
  }
  const pct = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10_000) / 100 : null);
  return {
    asr: pct(answered, attempts),
    ner: pct(effective, attempts),
    ser: pct(sipAnswered, sip - sipRedirected),
    seer: pct(sipEffective, sip - sipRedirected),
    isa: pct(sipIneffective, sip),
  };
}

function parseCsv(text: string): Array<Record<string, string>> {
  const lines = text.split('\r\n').filter((l) => l !== '');
  const header = lines[0]!.split(',');
  // The generated scripts hold no commas or quotes in any field, so a plain split is exact here.
  return lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i]!, v])));
}

const pick = (k: Record<string, unknown>): Kpi5 =>
  Object.fromEntries(KPI_NAMES.map((n) => [n, (k[n] as number | null) ?? null])) as Kpi5;

/**
 * A registry, bus, the telephony packs, a store sink over `store` and the HTTP app with
 * `POST /events` and the analytics routes: the sidecar's wiring, minus the listener.
 */
export function harness(opts: {
  now: number;
  trunks: string[];
  /** The configured modems (`labels.modems`); default the sidecar's, `modem0`. */
  modems?: string[];
  store?: SqliteCallStore;
  /** Make the store's next N batch writes fail (a full disk, a held lock). */
  failWrites?: number;
}): Harness {
  const registry = new Registry();
  const bus = new EventBus({ registry });
  const modems = opts.modems ?? ['modem0'];
  // The packs on the harness's clock, as the analytics: ages (the SMS awaiting a report) agree.
  const telephony = instrument(bus, registry, {
    packs: 'all',
    trunks: opts.trunks,
    modems,
    now: () => opts.now,
  });
  const store =
    opts.store ??
    new SqliteCallStore({
      path: ':memory:',
      privacy: { hashKey: 'contract-hash-key-0123456789', storeRaw: false },
    });
  let failing = opts.failWrites ?? 0;
  const target: SqliteCallStore = Object.create(store);
  const fail = () => {
    if (failing <= 0) return false;
    failing--;
    return true;
  };
  target.applyBatch = (u, ids) =>
    fail() ? Promise.reject(new Error('disk I/O error')) : store.applyBatch(u, ids);
  target.applySmsBatch = (u, ids) =>
    fail() ? Promise.reject(new Error('disk I/O error')) : store.applySmsBatch(u, ids);
  const sink = storeSink(bus, target, { trunks: opts.trunks, modems });
  const app = createApp({ registry });
  app.route('POST', '/events', ingestRoute(bus, { sink }));
  mountAnalytics(app, store, { now: () => opts.now });
  const get = async (path: string) => {
    const res = await app.fetch(new Request(`http://localhost${path}`));
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res;
  };
  return {
    store,
    fetch: (req) => Promise.resolve(app.fetch(req)),
    async post(batch) {
      const res = await app.fetch(
        new Request('http://localhost/events', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(batch),
        }),
      );
      await res.arrayBuffer();
      return res.status;
    },
    async read() {
      const samples = parseExposition(await (await get('/metrics')).text());
      const exprs = documentedPromql();
      const promql = {} as Kpi5;
      const promqlByTrunk: Record<string, Kpi5> = {};
      for (const k of KPI_NAMES) {
        promql[k] = evalPromql(exprs[k], samples, undefined).get('') ?? null;
        for (const [trunk, v] of evalPromql(exprs[k], samples, 'trunk')) {
          promqlByTrunk[trunk] ??= { asr: null, ner: null, ser: null, seer: null, isa: null };
          promqlByTrunk[trunk][k] = v;
        }
      }
      const outcomes: Record<string, number> = {};
      for (const s of samples) {
        if (s.name !== 'sidetone_call_outcomes_total') continue;
        outcomes[s.labels.outcome!] = (outcomes[s.labels.outcome!] ?? 0) + s.value;
      }
      const dash = (await (await get('/metrics/dashboard?hours=24&direction=outbound')).json()) as {
        kpis: Kpi5;
      };
      const dashboardByTrunk: Record<string, Kpi5> = {};
      for (const trunk of Object.keys(promqlByTrunk)) {
        const d = (await (
          await get(`/metrics/dashboard?hours=24&direction=outbound&trunk=${encodeURIComponent(trunk)}`)
        ).json()) as { kpis: Kpi5 };
        dashboardByTrunk[trunk] = pick(d.kpis);
      }
      const bucketKpis = async (path: string) => {
        const { series } = (await (await get(path)).json()) as {
          series: Array<{ total: number; kpis: Kpi5 }>;
        };
        const used = series.filter((p) => p.total > 0);
        if (used.length > 1) throw new Error(`${path}: the script spans ${used.length} buckets`);
        return used[0]?.kpis ?? { asr: null, ner: null, ser: null, seer: null, isa: null };
      };
      const { failures } = (await (await get('/metrics/failures?limit=1000')).json()) as {
        failures: Array<{ outcome: string }>;
      };
      const byOutcome: Record<string, number> = {};
      for (const f of failures) byOutcome[f.outcome] = (byOutcome[f.outcome] ?? 0) + 1;
      const rows = (await (await get('/metrics/export?format=json&days=1')).json()) as Array<{
        outcome: string | null;
        effective: boolean;
        channel: string | null;
        direction: string | null;
      }>;
      const csv = parseCsv(await (await get('/metrics/export?format=csv&days=1')).text());
      const outbound = <T extends { direction: string | null }>(r: T[]) =>
        r.filter((x) => x.direction === 'outbound');
      return {
        promql,
        promqlByTrunk,
        outcomes,
        dashboard: pick(dash.kpis),
        dashboardByTrunk,
        hourly: pick(await bucketKpis('/metrics/hourly?hours=48')),
        daily: pick(await bucketKpis('/metrics/daily?days=3')),
        failures: byOutcome,
        exportJson: kpisOfRows(outbound(rows)),
        exportCsv: kpisOfRows(
          outbound(
            csv.map((r) => ({
              ...r,
              direction: r.direction || null,
              channel: r.channel || null,
              outcome: r.outcome || null,
              effective: r.effective!,
            })),
          ),
        ),
      };
    },
    async close() {
      await sink.close();
      telephony.close();
      if (opts.store === undefined) await store.close();
    },
  };
}
