import { defineCommand } from '../args.js';
import { UsageError } from '../errors.js';
import { READ_FLAGS } from '../flags.js';
import { fmtNumber } from '../output.js';
import { print, printJson, withSource } from './shared.js';

export default defineCommand({
  description:
    'Close zombie calls: calls still active after the maximum call length (store.zombie_max_seconds) are closed as timeout.',
  usage: 'sidetone cleanup [--max-active SECONDS] [--json] [--db FILE | --url URL [--token T]]',
  flags: {
    'max-active': {
      type: 'int',
      arg: 'SECONDS',
      min: 60,
      max: 7 * 86_400,
      help: 'with --db: close calls active longer than this (default store.zombie_max_seconds, 14400)',
    },
    ...READ_FLAGS,
  },
  examples: [
    'sidetone cleanup --db data/calls.db --max-active 7200',
    'sidetone cleanup --url http://127.0.0.1:9464',
  ],
  async run({ flags }) {
    const max = flags['max-active'];
    if (max !== undefined && flags.url !== undefined) {
      throw new UsageError(
        '--max-active is for --db: a server closes calls after its own store.zombie_max_seconds',
      );
    }
    const r = await withSource(flags, (s) => s.cleanup(max));
    if (flags.json) printJson(r);
    else {
      const calls = r.closed === 1 ? 'call' : 'calls';
      print(
        `closed ${fmtNumber(r.closed)} zombie ${calls} (active for more than ${fmtNumber(r.maxActiveSeconds)} s)\n`,
      );
    }
    return 0;
  },
});
