import { DefinitionError, showValue } from '../errors.js';

// Prometheus data model: metric names [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]*.
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const UNIT = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function assertMetricName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !METRIC_NAME.test(name)) {
    throw new DefinitionError(
      'ST_INVALID_METRIC_NAME',
      `metric name ${showValue(name)} is invalid: use letters, digits, '_' and ':' and do not start with a digit (e.g. "sidetone_sms_sent_total")`,
    );
  }
  if (name.startsWith('__')) {
    throw new DefinitionError(
      'ST_RESERVED_METRIC_NAME',
      `metric name ${showValue(name)} starts with "__", which Prometheus reserves for internal use: rename it`,
    );
  }
}

/** Labels each metric type reserves for its own samples. */
const RESERVED: Record<string, readonly string[]> = {
  histogram: ['le'],
  summary: ['quantile'],
};

export function assertLabelNames(metric: string, type: string, names: readonly string[]): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (typeof n !== 'string' || !LABEL_NAME.test(n)) {
      throw new DefinitionError(
        'ST_INVALID_LABEL_NAME',
        `label name ${showValue(n)} on metric "${metric}" is invalid: use letters, digits and '_' and do not start with a digit`,
      );
    }
    if (n.startsWith('__')) {
      throw new DefinitionError(
        'ST_RESERVED_LABEL_NAME',
        `label name ${showValue(n)} on metric "${metric}" starts with "__", which Prometheus reserves: rename it`,
      );
    }
    if (RESERVED[type]?.includes(n)) {
      throw new DefinitionError(
        'ST_RESERVED_LABEL_NAME',
        `label name "${n}" is reserved on a ${type} ("${metric}") for its own samples: rename it`,
      );
    }
    if (seen.has(n)) {
      throw new DefinitionError(
        'ST_DUPLICATE_LABEL_NAME',
        `label name "${n}" is declared twice on metric "${metric}": declare each label once`,
      );
    }
    seen.add(n);
  }
}

/** OpenMetrics: a family with a UNIT must have a name ending in `_<unit>`. */
export function assertUnit(base: string, unit: string | undefined): void {
  if (unit === undefined) return;
  if (!UNIT.test(unit)) {
    throw new DefinitionError(
      'ST_INVALID_UNIT',
      `unit ${showValue(unit)} on metric "${base}" is invalid: use a base unit word such as "seconds" or "bytes"`,
    );
  }
  if (!base.endsWith(`_${unit}`)) {
    throw new DefinitionError(
      'ST_UNIT_SUFFIX',
      `metric "${base}" declares unit "${unit}" but its name does not end in "_${unit}" (OpenMetrics requires it): rename it to "${base}_${unit}"`,
    );
  }
}
