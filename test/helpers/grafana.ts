/** Dashboard queries as Grafana sends them. */

/**
 * A dashboard query as Grafana sends it: `$job` as given, `$instance` and `$trunk` on "All"
 * unless given (an instance is regex-escaped, as Grafana does), `$__rate_interval` 30 s.
 * `or vector(0)` is stripped, so an alert panel shows data only when an alert really fires.
 */
export function asGrafanaSends(expr: string, vars: { job?: string; instance?: string } = {}): string {
  const instance = vars.instance === undefined ? '.+' : vars.instance.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return expr
    .replaceAll('$job', vars.job ?? 'sidetone')
    .replaceAll('$instance', instance)
    .replaceAll('$trunk', '.+')
    .replaceAll('$__rate_interval', '30s')
    .replaceAll(' or vector(0)', '');
}
