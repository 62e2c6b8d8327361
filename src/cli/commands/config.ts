import { configCheck, formatConfig, loadConfig } from '../../config/index.js';
import { defineCommand } from '../args.js';
import { configEnv } from '../env.js';
import { UsageError } from '../errors.js';
import { print } from './shared.js';

export default defineCommand({
  description:
    'config check FILE: validate a config file (TOML or JSON) with the SIDETONE_* environment applied, and print the resolved configuration with secrets masked. Exits 1 naming each bad key.',
  usage: 'sidetone config check FILE [--json]',
  positionals: true,
  flags: { json: { type: 'boolean', help: 'print the resolved configuration as JSON' } },
  examples: [
    'sidetone config check /etc/sidetone.toml',
    'SIDETONE_SERVER_PORT=9500 sidetone config check sidetone.toml --json',
  ],
  async run({ flags, positionals }) {
    const [sub, file, ...extra] = positionals;
    if (sub !== 'check') {
      throw new UsageError(
        sub === undefined
          ? 'missing sub-verb: config check FILE'
          : `unknown sub-verb "config ${sub}": use config check FILE`,
      );
    }
    if (file === undefined) throw new UsageError('missing FILE: config check FILE');
    if (extra.length > 0)
      throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}: config check takes one FILE`);
    const env = configEnv(process.env);
    print(flags.json ? formatConfig(loadConfig({ file, env }), 'json') : configCheck(file, { env }));
    return 0;
  },
});
