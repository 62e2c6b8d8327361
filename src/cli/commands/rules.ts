import { loadConfig } from '../../config/index.js';
import { renderRules } from '../../rules/index.js';
import { defineCommand } from '../args.js';
import { configEnv } from '../env.js';
import { writeOutFile } from '../files.js';

export default defineCommand({
  description:
    'Print the Prometheus rule file generated from the metric catalogue: KPI recording rules (ASR, NER, SER, SEER, ISA, ACD, PDD per trunk and direction) and alerts with severity, summary, description and runbook_url. Thresholds come from the [alerts] section of --config and SIDETONE_ALERTS_* (docs/config.md); the prefix from metrics.prefix.',
  usage: 'sidetone rules [--config FILE] [--out FILE]',
  flags: {
    config: { type: 'string', arg: 'FILE', help: 'configuration file with an [alerts] section' },
    out: { type: 'string', arg: 'FILE', help: 'write the rules to FILE instead of stdout' },
  },
  examples: [
    'sidetone rules > /etc/prometheus/rules/sidetone.yml && promtool check rules /etc/prometheus/rules/sidetone.yml',
    'SIDETONE_ALERTS_SIGNAL_MIN_DBM=-95 sidetone rules --config /etc/sidetone.toml',
  ],
  async run({ flags }) {
    const config = loadConfig({
      ...(flags.config === undefined ? {} : { file: flags.config }),
      env: configEnv(process.env),
    });
    const text = renderRules({ prefix: config.metrics.prefix, alerts: config.alerts });
    if (flags.out === undefined) process.stdout.write(text);
    else writeOutFile(flags.out, text);
    return 0;
  },
});
