import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src/events/bus.js';
import { EVENT_TYPES } from '../../src/events/schemas.js';
import type { SidetoneEvent } from '../../src/events/types.js';
import { Registry } from '../../src/metrics/index.js';
import type { MetricSpec } from '../../src/telephony/catalogue/types.js';
import {
  CATALOGUE,
  metricName,
  PACK_NAMES,
  packsReading,
  renderCatalogueMarkdown,
} from '../../src/telephony/catalogue.js';
import { type InstrumentOptions, instrument } from '../../src/telephony/instrument.js';
import { promtoolCheck, unexpectedLint } from '../helpers/promtool.js';
import { FIXTURES, INVALID_FIXTURES, SKEWED_FIXTURES } from './fixtures.js';
import { expectNoPii, setup, T0 } from './helpers.js';

const ALL_EVENTS: SidetoneEvent[] = [
  ...Object.values(FIXTURES).flat(),
  ...INVALID_FIXTURES,
  ...SKEWED_FIXTURES,
];
const SELF =
  /^sidetone_(samples_dropped|label_values_|unknown_labels|series_overflow|collect_errors|event_subscriber|events_invalid)/;

/** Values of every sample of a metric (all label sets; `_count` for histograms). */
function values(text: string, spec: MetricSpec): number[] {
  const name = metricName(spec) + (spec.type === 'histogram' ? '_count' : '');
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .map((l) => Number(l.slice(l.lastIndexOf(' ') + 1)));
}

function moved(text: string, spec: MetricSpec): boolean {
  const v = values(text, spec);
  if (spec.type === 'gauge' && spec.initial === 'unknown') return v.length > 0;
  return v.some((x) => x !== 0);
}

describe('metric catalogue', () => {
  it.each(
    CATALOGUE.map((m) => [m.name, m] as const),
  )('%s moves when its source events arrive', async (_n, spec) => {
    const { emit, registry, clock } = setup();
    expect(moved(await registry.metrics(), spec)).toBe(false);
    emit(ALL_EVENTS.filter((e) => spec.events.includes(e.type)));
    clock.now = T0 + 5000;
    expect(moved(await registry.metrics(), spec)).toBe(true);
  });

  it('every event type feeds at least one metric', () => {
    const fed = new Set(CATALOGUE.flatMap((m) => m.events));
    expect(EVENT_TYPES.filter((t) => !fed.has(t))).toEqual([]);
  });

  // packsReading (which names the flag that turns a pack on for an unconsumed event) reads the
  // catalogue: it must be what the packs really subscribe to.
  it('each pack listens to exactly the events its catalogue entries name', () => {
    const listened = (packs: InstrumentOptions['packs']) => {
      const bus = new EventBus();
      instrument(bus, new Registry(), { packs });
      return EVENT_TYPES.filter((t) => bus.listenerCount(t) > 0);
    };
    const always = listened({});
    for (const pack of PACK_NAMES) {
      const own = pack === 'source' ? always : listened({ [pack]: true }).filter((t) => !always.includes(t));
      const catalogued = EVENT_TYPES.filter((t) => packsReading(t).includes(pack));
      expect(own, pack).toEqual(catalogued);
    }
  });

  it('the packs register exactly the catalogue, nothing more', () => {
    const { registry } = setup();
    const registered = [...registry.all()].map((m) => m.name).filter((n) => !SELF.test(n));
    const catalogued = CATALOGUE.map((m) => metricName(m).replace(/_total$/, ''));
    expect(registered.sort()).toEqual(catalogued.sort());
    expect(new Set(catalogued).size).toBe(CATALOGUE.length);
  });

  it('names follow <prefix>_<area>_<name>_<unit>, counters end in _total, only enum labels', () => {
    const areas: Record<string, string> = { calls: 'call', trunks: 'trunk' };
    for (const m of CATALOGUE) {
      expect(PACK_NAMES).toContain(m.pack);
      expect(m.name.startsWith(`${areas[m.pack] ?? m.pack}_`), m.name).toBe(true);
      expect(m.name.endsWith('_total'), m.name).toBe(m.type === 'counter');
      if (m.unit !== undefined)
        expect(m.name.replace(/_total$/, '').endsWith(`_${m.unit}`), m.name).toBe(true);
      if (/_(seconds|bytes|ratio|dbm|db)(_total)?$/.test(m.name)) expect(m.unit, m.name).toBeDefined();
      expect(m.events.length, m.name).toBeGreaterThan(0);
      for (const v of Object.values(m.labels ?? {})) {
        if (typeof v !== 'string') expect(v.length).toBeGreaterThan(0);
        else expect(['trunks', 'operators', 'modems', 'queues', 'agents', 'models']).toContain(v);
      }
    }
  });

  it('the whole exposition of every pack passes promtool check metrics, with no PII', async () => {
    const { emit, registry, clock } = setup();
    emit(ALL_EVENTS);
    clock.now = T0 + 5000;
    const text = await registry.metrics();
    expect(promtoolCheck(text)).toEqual({ status: 0, output: '' });
    // promtool reads OpenMetrics with its text parser: it parses every sample, but an OM counter
    // family is named without `_total`, so its `_total` and `_created` samples lint as help-less.
    const om = promtoolCheck(await registry.metrics('openmetrics'));
    expect(om.output).not.toMatch(/parsing error|error while/);
    expect(unexpectedLint(om.output).filter((l) => !/_total no help text$/.test(l))).toEqual([]);
    expectNoPii(text);
  });

  it('the prefix is configurable (Callstack users keep callstack_)', () => {
    const { registry, emit } = setup({ prefix: 'callstack' });
    emit(ALL_EVENTS);
    const names = [...registry.all()].map((m) => m.name).filter((n) => !SELF.test(n));
    expect(names.length).toBe(CATALOGUE.length);
    expect(names.every((n) => n.startsWith('callstack_'))).toBe(true);
    expect(registry.render()).toContain('callstack_sms_received_total 2');
  });

  it('a pack not enabled registers nothing and ignores its events', () => {
    const { registry, emit, telephony } = setup({ packs: { sms: true, calls: true, sim: false } });
    emit(ALL_EVENTS);
    expect(telephony.sim).toBeUndefined();
    expect(registry.render()).not.toMatch(/sidetone_(sim|pbx)_/);
    expect(registry.render()).toContain('sidetone_sms_received_total 2');
  });
});

describe('docs/metrics.md', () => {
  it('is generated from the catalogue (regenerate: npx tsc -p tsconfig.build.json && node scripts/gen-docs.mjs)', () => {
    const file = readFileSync(new URL('../../docs/metrics.md', import.meta.url), 'utf8');
    expect(
      file,
      'docs/metrics.md is stale: run npx tsc -p tsconfig.build.json && node scripts/gen-docs.mjs',
    ).toBe(renderCatalogueMarkdown());
  });

  it('lists every metric with its labels and source events', () => {
    const md = renderCatalogueMarkdown();
    for (const m of CATALOGUE) expect(md).toContain(`| \`${metricName(m)}\` | ${m.type} |`);
    expect(md).toContain('`trunk`: names in the `trunks` option, else `other`');
    expect(md).toContain(`register ${CATALOGUE.length} metrics`);
  });
});
