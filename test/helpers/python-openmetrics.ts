import { spawnSync } from 'node:child_process';

/** Debian's python3 (the package installs the module for it, not for a pyenv shim on PATH). */
const PYTHON = '/usr/bin/python3';
const SCRIPT = `
import json, sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
out = []
for text in json.load(sys.stdin):
    try:
        list(text_string_to_metric_families(text))
        out.append(None)
    except Exception as e:
        out.append(str(e)[:200])
json.dump(out, sys.stdout)
`;

/**
 * Parse OpenMetrics texts with prometheus_client's strict parser (Debian python3-prometheus-client,
 * installed by scripts/system-deps.sh), one process for all: each text's error, or null.
 */
export function pythonOpenMetrics(texts: string[]): Array<string | null> {
  const r = spawnSync(PYTHON, ['-c', SCRIPT], {
    input: JSON.stringify(texts),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0)
    throw new Error(
      `prometheus_client could not run (${r.error?.message ?? r.stderr.trim()}): install Debian's python3-prometheus-client (apt-get install python3-prometheus-client); npm test does this as root`,
    );
  return JSON.parse(r.stdout) as Array<string | null>;
}
