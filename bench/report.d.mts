// Types of bench/report.mjs for the tests that check docs/benchmarks.md.

export interface Row {
  section: string;
  case: string;
  against: string;
  sidetone: string;
  other?: string;
  ratios?: number[];
  /** A figure per run, for rows that give figures rather than ratios. */
  values?: number[];
  show?: (x: number) => string;
  /** Why the row is shown but not checked (a figure in units of the machine's speed). */
  informative?: string;
  ratioIs?: string;
  runs: number;
  method: string;
  loads: number[];
  target?: unknown;
}
export const METHODS: Readonly<Record<string, string>>;
export function checkRow(row: Partial<Row>): string[];
export function rows(saved: unknown): Row[];
export function loadSaved(dir?: URL): Record<string, unknown>;
export function renderPage(saved: unknown): string;
export function pooled(saved: unknown): Record<string, unknown>;
export function poolSuite(suite: string, now: unknown, before: unknown): unknown;
export const POOLED_RUNS: number;
export function median(xs: number[]): number;
export interface CheckResult {
  checked: number;
  outside: { row: string; median: number; lo: number; hi: number; text: string }[];
  unchecked: string[];
  /** Rows shown but not checked (`Row.informative`). */
  informative: string[];
}
export function checkAgainstPage(page: unknown, fresh: unknown): CheckResult;
export function checkReport(result: CheckResult): string;
export const SUITES: readonly string[];
