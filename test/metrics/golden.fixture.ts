import { Registry, type RegistryOptions } from '../../src/metrics/index.js';

/**
 * The registry behind the golden files: every metric type, units, escaping in HELP and label
 * values, special values, an empty family, and an unlabelled series. Call with the clock frozen.
 */
export function goldenRegistry(options: RegistryOptions = {}): Registry {
  const r = new Registry(options);
  const sip = r.counter({
    name: 'sidetone_sip_requests_total',
    help: 'SIP requests received, by method',
    labels: ['method'],
    enums: { method: ['INVITE', 'BYE'] },
  });
  sip.labels({ method: 'INVITE' }).inc(3);
  sip.labels({ method: 'BYE' }).inc();
  r.counter({ name: 'sidetone_sms_received', help: 'SMS received' }).inc(2.5);
  const signal = r.gauge({
    name: 'sidetone_modem_signal_dbm',
    help: 'Signal "RSSI" in dBm\nfrom +CSQ \\ +CESQ',
    unit: 'dbm',
  });
  signal.set(-85.5);
  const odd = r.gauge({ name: 'sidetone_test_values', help: 'Special values', labels: ['case'] });
  odd.labels({ case: 'pos_inf' }).set(Number.POSITIVE_INFINITY);
  odd.labels({ case: 'neg_inf' }).set(Number.NEGATIVE_INFINITY);
  odd.labels({ case: 'quote " backslash \\ newline \n end' }).set(1e21);
  odd.labels({ case: 'ünïcødé ☎' }).set(0.000001);
  const pdd = r.histogram({
    name: 'sidetone_call_pdd_seconds',
    help: 'Post-dial delay',
    unit: 'seconds',
    labels: ['trunk'],
    buckets: [0.5, 1, 2.5],
  });
  for (const v of [0.7, 3, 1]) pdd.observe({ trunk: 'trunk-a' }, v);
  // Bounds past both switch points of the canonical form (1e-05, 1e+06), and a negative observation
  // (dropped and counted: no negative _sum).
  const wait = r.histogram({
    name: 'sidetone_queue_wait_seconds',
    help: 'Bounds across canonical forms',
    unit: 'seconds',
    buckets: [0.00001, 0.0001, 100000, 1000000],
  });
  for (const v of [0.00005, 250000, -2]) wait.observe(v);
  const ttfb = r.summary({
    name: 'sidetone_agent_first_byte_seconds',
    help: 'Agent first byte',
    unit: 'seconds',
    percentiles: [0.5, 1],
  });
  ttfb.observe(0);
  ttfb.observe(0);
  ttfb.observe(-0.5);
  r.summary({ name: 'sidetone_idle_seconds', help: 'A summary with no observations', unit: 'seconds' });
  r.info({
    name: 'sidetone_build',
    help: 'Build information',
    values: { version: '0.1.0', runtime: 'node' },
  });
  return r;
}
