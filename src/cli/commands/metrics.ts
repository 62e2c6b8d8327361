import { defineCommand } from '../args.js';
import { SOURCE_FLAGS } from '../source.js';
import { openServer, print } from './shared.js';

export default defineCommand({
  name: 'metrics',
  summary: 'the raw Prometheus exposition of a running server',
  description: 'Print the Prometheus exposition of a running server (what Prometheus scrapes from /metrics).',
  usage: "sidetone metrics [--url URL] [--token T]   (default URL: this host's configured server)",
  // The source flags are all accepted so `--db` earns an explanation rather than "unknown flag".
  flags: { ...SOURCE_FLAGS },
  examples: ['sidetone metrics --url http://127.0.0.1:9464 | grep sidetone_calls'],
  async run({ flags }) {
    const server = await openServer(flags);
    try {
      print(await server.metrics());
    } finally {
      await server.close();
    }
    return 0;
  },
});
