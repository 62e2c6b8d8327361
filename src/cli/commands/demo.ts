import { SCENARIO_NAMES } from '../../config/source-defaults.js';
import { defineCommand } from '../args.js';
import { DEMO_STORE, runSidecar, SERVE_FLAGS } from './serve.js';

export default defineCommand({
  description:
    `Run the sidecar with a traffic simulator feeding it calls and SMS. The store is ${DEMO_STORE} (a throwaway file, never the real sidetone.db) unless --db or store.path says otherwise; read it with --db ${DEMO_STORE}. ` +
    'Every configuration key is also a flag (--section.key VALUE; docs/config.md).',
  usage:
    'sidetone demo [--seed N] [--rate R] [--backfill DURATION] [--scenario NAME] [--config FILE] [--port N] [--host HOST] [--db FILE] [--section.key VALUE ...]',
  flags: {
    ...SERVE_FLAGS,
    seed: {
      type: 'int',
      arg: 'N',
      min: 0,
      max: 2 ** 31 - 1,
      help: 'simulator seed: the same seed gives the same traffic (default 1)',
    },
    rate: { type: 'number', arg: 'R', min: 0.01, max: 1000, help: 'simulated events per second (default 1)' },
    backfill: {
      type: 'string',
      arg: 'DURATION',
      help: 'write this much simulated history (e.g. 24h, 7d; demo.backfill_hours) in the background, serving at once: /readyz says how far',
    },
    scenario: {
      type: 'string',
      arg: 'NAME',
      choices: SCENARIO_NAMES,
      help: `a fault that starts 10 s after the demo goes live (after any backfill) and lasts until its generated alert fires (3 to 23 min): ${SCENARIO_NAMES.join(', ')}`,
    },
  },
  examples: [
    'sidetone demo --port 9464 --rate 20',
    'sidetone demo --backfill 24h',
    'sidetone demo --scenario trunk-outage',
  ],
  configFlags: true,
  run: ({ flags, config }) => runSidecar(flags, true, config),
});
