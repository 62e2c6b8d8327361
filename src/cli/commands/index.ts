/**
 * Every verb, in the order `sidetone --help` lists them: its name and one line, and its module,
 * imported only when the verb runs or shows its own help. The modules pull in the store, the
 * server, the config schema and their dependencies: loaded up front, `sidetone --version` took
 * 0.65 s and 83 MB, and every verb carried all the others' memory (an export of 1M calls peaked
 * at 128-136 MB, over the 130 MB it must stay under).
 */
import type { AnyCommand } from '../args.js';

export interface Verb {
  name: string;
  /** One line for the verb list of `sidetone --help` (and the verb's help, without a description). */
  summary: string;
  load: () => Promise<{ default: AnyCommand }>;
}

export const VERBS: readonly Verb[] = [
  {
    name: 'serve',
    summary: 'run the sidecar: metrics, health, event ingest and the analytics API',
    load: () => import('./serve.js'),
  },
  {
    name: 'demo',
    summary: 'run the sidecar with simulated traffic on a throwaway store',
    load: () => import('./demo.js'),
  },
  {
    name: 'dashboard',
    summary: 'totals, KPIs and breakdowns for a period',
    load: () => import('./dashboard.js'),
  },
  {
    name: 'trunks',
    summary: 'ASR, NER, PDD and calls per trunk, with the ASR trend',
    load: () => import('./trunks.js'),
  },
  {
    name: 'sms',
    summary: 'SMS sent, delivered, failed and pending, delivery rate and latency',
    load: () => import('./sms.js'),
  },
  {
    name: 'modem',
    summary: "each modem's signal trend, reconnects and registration timeline from the store",
    load: () => import('./modem.js'),
  },
  {
    name: 'failures',
    summary: 'why calls failed (by reason x trunk) and the most recent failed calls',
    load: () => import('./failures.js'),
  },
  { name: 'export', summary: 'stream calls as CSV or JSON', load: () => import('./export.js') },
  {
    name: 'call',
    summary: 'one call by its Call-ID (hashed with the store key) or its cid: reference',
    load: () => import('./call.js'),
  },
  {
    name: 'cluster',
    summary: 'members, partitions, owners and lag of a cluster on NATS JetStream',
    load: () => import('./cluster.js'),
  },
  { name: 'hourly', summary: 'calls per hour', load: () => import('./hourly.js') },
  { name: 'daily', summary: 'calls per day', load: () => import('./daily.js') },
  {
    name: 'health',
    summary: 'readiness checks and call health warnings; exit 0 only when ready',
    load: () => import('./health.js'),
  },
  {
    name: 'status',
    summary: 'one screen on a running sidecar: version, uptime, readiness, series, drops',
    load: () => import('./status.js'),
  },
  {
    name: 'metrics',
    summary: 'the raw Prometheus exposition of a running server',
    load: () => import('./metrics.js'),
  },
  {
    name: 'cleanup',
    summary: 'close zombie calls (still active past the maximum call length)',
    load: () => import('./cleanup.js'),
  },
  {
    name: 'config',
    summary: 'config check FILE: validate a config and print it, secrets masked',
    load: () => import('./config.js'),
  },
  {
    name: 'test',
    summary: 'self-test of the metrics pipeline (and of a server with --url)',
    load: () => import('./selftest.js'),
  },
  {
    name: 'rules',
    summary: 'print the Prometheus recording and alerting rules (thresholds from [alerts])',
    load: () => import('./rules.js'),
  },
  {
    name: 'dashboards',
    summary: 'write the Grafana dashboards (JSON) to --out DIR',
    load: () => import('./dashboards.js'),
  },
  {
    name: 'lint',
    summary: 'lint an exposition (FILE or URL): format, PII, cardinality, naming',
    load: () => import('./lint.js'),
  },
];
