import type { ExportRow } from '../../analytics/index.js';
import { defineCommand } from '../args.js';
import { CliError, UsageError } from '../errors.js';
import { READ_FLAGS } from '../flags.js';
import { NONE } from '../output.js';
import { print, printJson, withSource } from './shared.js';

/** One `field  value` line per column of the export row. */
export function renderCall(row: ExportRow): string {
  const width = Math.max(...Object.keys(row).map((k) => k.length));
  return Object.entries(row)
    .map(([k, v]) => `${k.padEnd(width)}  ${v === null ? NONE : String(v)}\n`)
    .join('');
}

export default defineCommand({
  description:
    'One call by its id: the Call-ID the PBX or app sent (hashed with the store key, as the store keeps it) or the cid:… reference that exports and logs show. Exits 1 when the store has no such call.',
  usage: 'sidetone call ID [--json] [--db FILE | --url URL [--token T]]',
  positionals: true,
  flags: READ_FLAGS,
  examples: [
    "sidetone call 'a84b4c76e66710@pc33.example.com' --url http://127.0.0.1:9464",
    'sidetone call cid:3f9c0a4b1d2e5f60718293a4 --db data/calls.db --json',
  ],
  async run({ flags, positionals }) {
    const [id, ...extra] = positionals;
    if (id === undefined || id === '') throw new UsageError('missing ID: sidetone call ID');
    if (extra.length > 0)
      throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}: call takes one ID`);
    const row = await withSource(flags, (s) => s.call(id));
    if (row === undefined)
      throw new CliError('no call with this id in the store: check the id, the store and its key');
    if (flags.json) printJson({ call: row });
    else print(renderCall(row));
    return 0;
  },
});
