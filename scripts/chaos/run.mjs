// The chaos suite (issue 31): `npm run chaos` builds, then runs every scenario of
// scripts/chaos/scenarios/*.mjs against the built sidecar and prints their figures.
//
//   npm run chaos                      every scenario, bounded form (what CI runs, minutes)
//   npm run chaos -- --full            the long form (the figures of docs/reliability.md)
//   npm run chaos -- --only pg-stop,disk-full
//   npm run chaos -- --json out.json   also write the figures as JSON
//
// A scenario module:
//
//   export default {
//     name: 'pg-stop',
//     async run({ full, log }) { ...; return { acknowledged, stored, doubled, lost, ...any figures } },
//   };
//
// `full` selects the long form; `log(message)` prints a progress line. The figures are numbers or
// short strings; `{ skipped: 'why' }` says the scenario could not run here. The suite exits non-zero
// when a scenario throws or reports `lost > 0` or `doubled > 0`.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadScenarios, runScenarios, table } from './runner.mjs';

const { values } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    only: { type: 'string' },
    json: { type: 'string' },
  },
});
const only = values.only?.split(',').map((s) => s.trim());
const scenarios = await loadScenarios(only);
if (scenarios.length === 0) {
  console.error(`no scenario matches ${values.only}`);
  process.exit(2);
}
const results = await runScenarios(scenarios, {
  full: values.full,
  log: (name, message) => console.error(`[${name}] ${message}`),
});
console.log(table(results));
if (values.json) writeFileSync(values.json, `${JSON.stringify(results, null, 2)}\n`);
const failed = results.filter((r) => r.failed);
if (failed.length > 0) {
  console.error(
    `chaos: ${failed.length} of ${results.length} scenarios failed: ${failed.map((r) => r.name).join(', ')}`,
  );
  process.exit(1);
}
console.error(`chaos: ${results.length} scenarios passed`);
