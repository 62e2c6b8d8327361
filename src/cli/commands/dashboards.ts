import { join } from 'node:path';
import { loadConfig } from '../../config/index.js';
import { optionalPart } from '../../runtime/optional-part.js';
import { defineCommand } from '../args.js';
import { configEnv } from '../env.js';
import { UsageError } from '../errors.js';
import { makeOutDir, writeOutFile } from '../files.js';

export default defineCommand({
  description:
    'Write the six Grafana dashboards (fleet overview, SIP and trunks, media quality, modem and SMS, voice AI, sidetone itself) as JSON files to DIR, thresholds from the [alerts] section, metric names under metrics.prefix. Import them in Grafana or point file provisioning at DIR (docs/deploy.md).',
  usage: 'sidetone dashboards --out DIR [--config FILE]',
  flags: {
    out: {
      type: 'string',
      arg: 'DIR',
      help: 'directory to write the dashboard JSON files to (created if missing)',
    },
    config: {
      type: 'string',
      arg: 'FILE',
      help: 'configuration file with an [alerts] section (and metrics.prefix, if not sidetone)',
    },
  },
  examples: ['sidetone dashboards --out /var/lib/grafana/dashboards/sidetone'],
  async run({ flags }) {
    if (flags.out === undefined) throw new UsageError('missing --out DIR: where to write the dashboards');
    const config = loadConfig({
      ...(flags.config === undefined ? {} : { file: flags.config }),
      env: configEnv(process.env),
    });
    // The Grafana SDK, only for the command that generates dashboards (issue 50).
    const { renderDashboards } = await optionalPart(
      'sidetone dashboards',
      () => import('../../dashboards/index.js'),
    );
    makeOutDir(flags.out);
    for (const [file, json] of Object.entries(renderDashboards(config.alerts, config.metrics.prefix))) {
      writeOutFile(join(flags.out, file), json);
      process.stdout.write(`${join(flags.out, file)}\n`);
    }
    return 0;
  },
});
