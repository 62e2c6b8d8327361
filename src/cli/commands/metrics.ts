import { defineCommand } from '../args.js';
import { UsageError } from '../errors.js';
import { SOURCE_FLAGS } from '../source.js';
import { print, withSource } from './shared.js';

export default defineCommand({
  name: 'metrics',
  summary: 'the raw Prometheus exposition of a running server',
  description: 'Print the Prometheus exposition of a running server (what Prometheus scrapes from /metrics).',
  usage: 'sidetone metrics --url URL [--token T]',
  // The source flags are all accepted so `--db` earns an explanation rather than "unknown flag".
  flags: { ...SOURCE_FLAGS },
  examples: ['sidetone metrics --url http://127.0.0.1:9464 | grep sidetone_calls'],
  async run({ flags }) {
    if (flags.url === undefined) {
      throw new UsageError(
        'metrics needs a running server (--url URL): the exposition lives in its memory, not in the store file',
      );
    }
    print(await withSource(flags, (s) => s.metrics()));
    return 0;
  },
});
