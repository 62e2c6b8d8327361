/**
 * The layers of src/, declared once: test/package/layers.test.ts enforces the import direction
 * with them, and test/package/readme-layout.test.ts checks the README's layout table against
 * `renderLayoutTable()` (issue 49: the hand-written table had drifted and omitted domain/).
 * A unit is a top-level folder of src/ or a top-level file; it may import its own layer or a lower
 * one, never a higher one.
 */
export interface Layer {
  /** What the layer is, as the README's table names it. */
  readonly stage: string;
  /** Each unit with what it holds and, where it is not obvious, why it sits here. */
  readonly units: readonly (readonly [unit: string, what: string])[];
}

// biome-ignore format: one unit a line, bottom layer first
export const LAYER_MAP: readonly Layer[] = [
  { stage: 'telephony facts', units: [
    ['domain', 'standards, vocabularies, edge limits, the outcome classifier, media scoring; imports nothing else from src/ and no package'],
    ['errors', 'the one error hierarchy'],
    ['error-codes', 'its catalogue'],
    ['secrets', 'the one redaction list, which every error message goes through'],
    ['closest', '"did you mean", for the messages of the config, the event schemas and the CLI'],
  ] },
  { stage: 'registry', units: [
    ['metrics', 'the Prometheus/OpenMetrics registry'],
    ['guard', 'its label policy'],
    ['runtime', 'process and event-loop collectors, version, thread entry'],
    ['health', 'probes on the registry'],
    ['lint', 'metric-name checks'],
    ['cluster', 'worker aggregation of registries'],
  ] },
  { stage: 'one typed bus', units: [['events', 'the bus and its schemas']] },
  { stage: 'packs', units: [['telephony', 'packs that turn events into metrics, the per-call state']] },
  { stage: 'sinks', units: [
    ['sinks', 'where events go besides metrics'],
    ['store', 'the call store, SQLite and PostgreSQL'],
    ['rules', 'thresholds and alert rules over the telephony catalogue'],
    ['logs', 'call-event and audit logs'],
  ] },
  { stage: 'read side', units: [
    ['analytics', 'KPIs and series over the store'],
    ['config', 'the sidecar configuration schema: it names stores, packs and rules and owns the sources\' defaults'],
    ['dashboards', 'built from rules'],
  ] },
  { stage: 'edges', units: [
    ['http', '`/metrics`, health, the analytics API'],
    ['sources', '`POST /events` ingest, HEP, modems, OTLP, the demo simulator'],
    ['push', 'remote write and OTLP of the registry'],
    ['openapi', 'the documents of the routes and events'],
  ] },
  { stage: 'the sidecar', units: [
    ['server', '`sidetone serve`'],
    ['index', 'the package root, which re-exports the library'],
  ] },
  { stage: 'command line', units: [['cli', 'the `sidetone` command']] },
];

/** An npm workspace (issue 50): the units of src/ it ships and the workspaces it may import. */
export interface Package {
  readonly name: string;
  /** Its folder (package.json, README, exports snapshot); `.` is the root package. */
  readonly dir: string;
  /** Units of src/ it ships; the root package ships every unit, its own being those no workspace has. */
  readonly units: readonly string[] | 'the rest';
  /** Packages its units may import, besides its own. */
  readonly dependsOn: readonly string[];
}

// biome-ignore format: one package a line, dependencies first
export const PACKAGES: readonly Package[] = [
  { name: '@sidetone/metrics', dir: 'packages/metrics', units: ['metrics', 'guard', 'errors', 'error-codes', 'secrets'], dependsOn: [] },
  { name: '@sidetone/telephony', dir: 'packages/telephony', units: ['domain', 'closest', 'events', 'telephony', 'health'], dependsOn: ['@sidetone/metrics'] },
  { name: 'sidetone', dir: '.', units: 'the rest', dependsOn: ['@sidetone/metrics', '@sidetone/telephony'] },
];

/** The layers as lists of unit names, bottom first. */
export const LAYERS: readonly (readonly string[])[] = LAYER_MAP.map((l) => l.units.map(([u]) => u));

/** How a unit is written in the README: a folder with its slash, a file with its extension. */
const shown = (unit: string, folders: ReadonlySet<string>) =>
  folders.has(unit) ? `\`${unit}/\`` : `\`${unit}.ts\``;

/**
 * The README's layout table: one row per layer, top first (the order a reader meets them from
 * the command line down), each unit with what it holds.
 */
export function renderLayoutTable(folders: ReadonlySet<string>): string {
  const rows = [...LAYER_MAP]
    .map((l, i) => ({ ...l, i }))
    .reverse()
    .map(
      (l) =>
        `| ${l.i} | ${l.stage} | ${l.units.map(([u, what]) => `${shown(u, folders)} (${what})`).join(', ')} |`,
    );
  return ['| layer | stage | units |', '| --- | --- | --- |', ...rows].join('\n');
}
