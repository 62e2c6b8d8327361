// Loads and runs chaos scenarios (see run.mjs for the interface); shared by `npm run chaos` and the
// bounded CI form in test/chaos/.
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const DIR = fileURLToPath(new URL('./scenarios/', import.meta.url));

/** The scenario modules of scripts/chaos/scenarios, by file name order; `only` keeps those named. */
export async function loadScenarios(only) {
  const files = readdirSync(DIR)
    .filter((f) => f.endsWith('.mjs'))
    .sort();
  const all = [];
  for (const f of files) {
    const scenario = (await import(pathToFileURL(DIR + f).href)).default;
    if (typeof scenario?.name !== 'string' || typeof scenario.run !== 'function') {
      throw new Error(`scripts/chaos/scenarios/${f}: export default { name, async run({ full, log }) }`);
    }
    all.push(scenario);
  }
  return only === undefined ? all : all.filter((s) => only.includes(s.name));
}

/**
 * Run each scenario in turn. A result is `{ name, seconds, figures, failed, error? }`: failed when
 * it threw or reported lost or doubled events.
 */
export async function runScenarios(scenarios, { full = false, log = () => {} } = {}) {
  const results = [];
  for (const s of scenarios) {
    const t0 = performance.now();
    let figures = {};
    let error;
    try {
      figures = (await s.run({ full, log: (message) => log(s.name, message) })) ?? {};
    } catch (err) {
      // A scenario that found something wrong may still carry its figures (lib.mjs `check`).
      figures = err?.figures ?? {};
      error =
        err?.figures !== undefined
          ? err.message
          : err instanceof Error
            ? (err.stack ?? err.message)
            : String(err);
    }
    const failed = error !== undefined || figures.lost > 0 || figures.doubled > 0;
    results.push({
      name: s.name,
      seconds: Math.round((performance.now() - t0) / 100) / 10,
      figures,
      failed,
      ...(error !== undefined && { error }),
    });
    log(s.name, failed ? `FAILED${error ? `: ${error}` : ''}` : 'passed');
  }
  return results;
}

/** The figures as a Markdown table: a row per scenario, a column per figure any scenario reported. */
export function table(results) {
  const keys = [];
  for (const r of results) for (const k of Object.keys(r.figures)) if (!keys.includes(k)) keys.push(k);
  const cell = (v) =>
    v === undefined
      ? ''
      : typeof v === 'number'
        ? v.toLocaleString('en-US', { maximumFractionDigits: 1 })
        : String(v);
  const rows = [
    ['scenario', 'result', 's', ...keys],
    ...results.map((r) => [
      r.name,
      r.failed ? 'FAILED' : 'ok',
      cell(r.seconds),
      ...keys.map((k) => cell(r.figures[k])),
    ]),
  ];
  return rows
    .map((row, i) => `| ${row.join(' | ')} |${i === 0 ? `\n|${row.map(() => ' --- |').join('')}` : ''}`)
    .join('\n');
}
