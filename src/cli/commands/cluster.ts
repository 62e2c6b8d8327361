import { defineCommand } from '../args.js';
import { type Style, table } from '../output.js';
import { print, printJson, stdoutStyle } from './shared.js';

type View = Awaited<ReturnType<typeof import('../../sources/cluster/node.js').readCluster>>;

/** Members, then one row per partition: its owner (`-` when none is live), lag and replay positions. */
export function renderCluster(v: View, style: Style, now = Date.now()): string {
  const live = new Set(v.members);
  const head = `${style.bold('Members')}  ${v.members.length === 0 ? style.red('none') : v.members.join(', ')}\n\n`;
  return (
    head +
    table(
      [
        { header: 'PARTITION', align: 'right' },
        { header: 'OWNER' },
        { header: 'LAG', align: 'right' },
        { header: 'HEP FROM', align: 'right' },
        { header: 'EVENTS FROM', align: 'right' },
        { header: 'AGE', align: 'right' },
      ],
      v.partitions.map((p) => [
        String(p.partition),
        p.owner !== '' && live.has(p.owner) ? p.owner : style.red(p.owner === '' ? '-' : `${p.owner} (gone)`),
        String(p.lag),
        String(p.hep),
        String(p.events),
        p.at === 0 ? '-' : `${Math.max(0, Math.round((now - p.at) / 1000))} s`,
      ]),
      style,
    )
  );
}

export default defineCommand({
  description:
    'The cluster of sidecars on NATS JetStream ([cluster], docs/deploy.md): live members, each partition with its owner, ' +
    'lag and replay positions. Exit 0 when every partition has a live owner, 1 otherwise.',
  usage: 'sidetone cluster [--nats URL] [--partitions N] [--json]',
  flags: {
    nats: {
      type: 'string',
      arg: 'URL',
      help: 'the NATS server (default $SIDETONE_CLUSTER_NATS_URL, else nats://127.0.0.1:4222)',
    },
    partitions: {
      type: 'int',
      arg: 'N',
      min: 1,
      max: 256,
      default: 16,
      help: 'cluster.partitions of the members (default 16)',
    },
    json: { type: 'boolean', help: 'print JSON instead of tables' },
  },
  examples: ['sidetone cluster --nats nats://10.0.0.5:4222', 'sidetone cluster --json'],
  async run({ flags }) {
    const url = flags.nats ?? process.env.SIDETONE_CLUSTER_NATS_URL ?? 'nats://127.0.0.1:4222';
    const { readCluster } = await import('../../sources/cluster/node.js');
    const v = await readCluster(url, flags.partitions);
    if (flags.json) printJson(v);
    else print(renderCluster(v, stdoutStyle()));
    const live = new Set(v.members);
    return v.partitions.every((p) => live.has(p.owner)) ? 0 : 1;
  },
});
