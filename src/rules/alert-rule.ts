/** The shape of a generated alerting rule, shared by the call/modem rules (./alerts.ts) and the voice-agent ones (./voice.ts). */
export type Severity = 'critical' | 'warning';

/** One generated alerting rule. */
export interface AlertRule {
  readonly alert: string;
  /** `kpis` is the recording rules' group: rules in one group run in order, so the drop alerts
   * read this evaluation's KPIs, not the previous one's (groups run in no fixed order). */
  readonly group: 'kpis' | 'availability' | 'modem-sms' | 'calls' | 'voice' | 'self';
  readonly severity: Severity;
  /** Default `for:`; `generateRules({ for })` can shorten it (the end-to-end test does). */
  readonly for: string;
  readonly expr: string;
  /**
   * The data-bearing query under the threshold: the end-to-end test checks that a demo returns
   * data for it (a renamed metric or a typo shows up as empty). Absent for `absent()` rules.
   */
  readonly signal?: string;
  readonly summary: string;
  readonly description: string;
}
