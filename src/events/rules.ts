import { STORE_LIMITS } from '../domain/limits.js';
import { reportMeasures } from '../domain/outcome/media.js';

/**
 * The rules across an event's fields, written without zod: the schemas refine with them (the
 * ingest edge's parse) and the predicates generated from the schemas call them (`bus.emit`, the
 * ingest fast path), so the root import needs no zod and both paths apply one rule.
 */

/** One broken rule: the field it names and why. */
export interface RuleIssue {
  path: string;
  message: string;
}

/** `sms.delivery_report`: a status from the network (TS 23.040) or the provider. */
export const DELIVERY_STATUS_RULE = {
  message: 'give tpStatus (TS 23.040) or providerStatus',
  path: ['tpStatus'],
};
export function hasDeliveryStatus(e: { tpStatus?: unknown; providerStatus?: unknown }): boolean {
  return e.tpStatus !== undefined || e.providerStatus !== undefined;
}

/** `modem.signal`: at least one reading. */
export const SIGNAL_READING_RULE = { message: 'give at least one of csq, cesq or signal', path: ['signal'] };
export function hasSignalReading(e: { csq?: unknown; cesq?: unknown; signal?: unknown }): boolean {
  return e.csq !== undefined || e.cesq !== undefined || e.signal !== undefined;
}

/**
 * `media.report`: what the store keeps is derived (jitter in RTP units / clock rate, RTT from the
 * RR fields), so the derived values are bounded: a report the schema accepts is one the store stores.
 */
export function mediaReportIssues(e: object): RuleIssue[] {
  const m = reportMeasures(e as never);
  const issues: RuleIssue[] = [];
  for (const [field, v] of [
    ['jitter', m.jitterMs],
    ['rtcp', m.rttMs],
  ] as const) {
    if (v !== undefined && !(v <= STORE_LIMITS.mediaMsMax)) {
      issues.push({
        path: field,
        message: `gives ${field === 'jitter' ? 'a jitter' : 'an RTT'} over ${STORE_LIMITS.mediaMsMax} ms`,
      });
    }
  }
  return issues;
}

/**
 * Per event type, its rule as a yes/no: what the generated predicates call (by this name, see
 * scripts/gen-predicates.mjs). A schema that writes a rule into its JSON Schema (an anyOf of
 * `required`) with no entry here fails the generation; one only code can say (media.report's) is
 * found by test/events/exact.slow.test.ts, which compares the predicates with the parse.
 */
export const EVENT_RULES: Readonly<Record<string, (e: object) => boolean>> = {
  'sms.delivery_report': hasDeliveryStatus,
  'modem.signal': hasSignalReading,
  'media.report': (e) => mediaReportIssues(e).length === 0,
};
