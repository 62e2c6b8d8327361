import { parseExposition } from '../../lint/parse.js';
import { defineCommand } from '../args.js';
import { JSON_FLAG, SOURCE_FLAGS } from '../flags.js';
import { openServer, print, printJson } from './shared.js';

/**
 * The exposition as JSON: families with type, help, unit and samples (name, labels, value), read
 * by the same parser `sidetone lint` uses.
 */
export function expositionJson(text: string): unknown {
  const { families } = parseExposition(text, 'text');
  return {
    families: families.map((f) => ({
      name: f.name,
      type: f.type,
      ...(f.help === undefined ? {} : { help: f.help }),
      ...(f.unit === undefined ? {} : { unit: f.unit }),
      samples: f.samples.map((s) => ({ name: s.name, labels: Object.fromEntries(s.labels), value: s.value })),
    })),
  };
}

export default defineCommand({
  description:
    'Print the Prometheus exposition of a running server (what Prometheus scrapes from /metrics); --json gives families and samples as JSON.',
  usage: "sidetone metrics [--json] [--url URL] [--token T]   (default URL: this host's configured server)",
  // The source flags are all accepted so `--db` earns an explanation rather than "unknown flag".
  flags: { ...SOURCE_FLAGS, ...JSON_FLAG },
  examples: [
    'sidetone metrics --url http://127.0.0.1:9464 | grep sidetone_calls',
    'sidetone metrics --json | jq \'.families[] | select(.name == "sidetone_ready")\'',
  ],
  async run({ flags }) {
    const server = await openServer(flags);
    try {
      const text = await server.metrics();
      if (flags.json) printJson(expositionJson(text));
      else print(text);
    } finally {
      await server.close();
    }
    return 0;
  },
});
