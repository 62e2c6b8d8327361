import { DefinitionError, LabelPolicyError, showValue } from '../errors.js';
import { detectPii } from './pii.js';
import type { PiiKind } from './pii-kinds.js';

/** Value that replaces anything outside an enum, and every label of the overflow series. */
export const OTHER = 'other';
/** Value that replaces a free label value carrying PII or a secret. */
export const REDACTED = 'redacted';

/** Registry-wide guard settings; each metric may override `maxSeries`. */
export interface GuardOptions {
  /** New label combinations past this go to one overflow series. Default 2000. */
  maxSeries?: number;
  /** Free label values longer than this are refused (become `other`). Default 128. */
  maxValueLength?: number;
  /** Throw a `LabelPolicyError` instead of mapping and counting. For development and tests. */
  strict?: boolean;
}

export const DEFAULT_MAX_SERIES = 2000;
export const DEFAULT_MAX_VALUE_LENGTH = 128;

/** Why a label value or a sample was not taken as given; used as a bounded label on self-metrics. */
export type RejectReason = 'not_in_enum' | 'too_long' | 'not_a_string';

/** Where violations are counted: the registry's self-metrics. */
export interface GuardSink {
  rejected(metric: string, label: string, reason: RejectReason): void;
  redacted(metric: string, label: string, kind: PiiKind): void;
  unknownLabel(metric: string, label: string): void;
  overflow(metric: string): void;
}

/**
 * Canonical value of one label for a new series. Runs once per new series (first sight), never on
 * the repeat path, so it may afford the PII scan.
 */
export function guardLabelValue(
  metric: string,
  label: string,
  allowed: ReadonlySet<string> | undefined,
  raw: unknown,
  options: Required<GuardOptions>,
  sink: GuardSink,
): string {
  const value = typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : undefined;
  if (value === undefined) {
    // Missing declared label: Prometheus reads an empty value as an absent label.
    if (raw === undefined && allowed === undefined) return '';
    return violate(metric, label, 'not_a_string', raw, options, sink);
  }
  if (allowed !== undefined) {
    return allowed.has(value) ? value : violate(metric, label, 'not_in_enum', value, options, sink);
  }
  if (value.length > options.maxValueLength) return violate(metric, label, 'too_long', value, options, sink);
  const kind = detectPii(value);
  if (kind !== undefined) {
    if (options.strict) {
      throw new LabelPolicyError(
        'ST_LABEL_PII',
        `label "${label}" on metric "${metric}" got a value that looks like ${kind} PII: label values must be bounded, non-identifying words (put identifiers in logs or the call store, not in labels)`,
      );
    }
    sink.redacted(metric, label, kind);
    return REDACTED;
  }
  return value;
}

function violate(
  metric: string,
  label: string,
  reason: RejectReason,
  value: unknown,
  options: Required<GuardOptions>,
  sink: GuardSink,
): string {
  if (options.strict) {
    const why =
      reason === 'not_in_enum'
        ? 'is not one of the declared values: add it to the enum or map it before recording'
        : reason === 'too_long'
          ? `is longer than ${options.maxValueLength} characters: label values must be short bounded words`
          : 'is not a string or number';
    // The value is shown only for enum misses: a long or free value may be the PII we protect.
    const shown =
      reason === 'not_in_enum' && detectPii(String(value)) === undefined ? ` ${showValue(value)}` : '';
    throw new LabelPolicyError(
      'ST_LABEL_REJECTED',
      `label "${label}" on metric "${metric}": value${shown} ${why}`,
    );
  }
  sink.rejected(metric, label, reason);
  return OTHER;
}

/** Definition-time check: names, HELP and enum values must not carry PII either. */
export function assertNoPii(what: string, metric: string, text: string): void {
  const kind = detectPii(text);
  if (kind !== undefined) {
    throw new DefinitionError(
      'ST_DEFINITION_PII',
      `${what} of metric "${metric}" contains what looks like ${kind} PII: metric definitions are public, so remove identifiers from them`,
    );
  }
}

export function resolveGuardOptions(o: GuardOptions = {}): Required<GuardOptions> {
  const maxSeries = o.maxSeries ?? DEFAULT_MAX_SERIES;
  const maxValueLength = o.maxValueLength ?? DEFAULT_MAX_VALUE_LENGTH;
  for (const [key, v] of [
    ['maxSeries', maxSeries],
    ['maxValueLength', maxValueLength],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new DefinitionError(
        'ST_INVALID_OPTION',
        `${key} must be a positive integer, got ${showValue(v)}`,
      );
    }
  }
  return { maxSeries, maxValueLength, strict: o.strict ?? false };
}
