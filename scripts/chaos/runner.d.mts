/** See runner.mjs and run.mjs (the scenario interface). */
export interface ChaosScenario {
  name: string;
  run(options: { full: boolean; log: (message: string) => void }): Promise<Record<string, number | string>>;
}
export interface ChaosResult {
  name: string;
  seconds: number;
  figures: Record<string, number | string | undefined>;
  failed: boolean;
  error?: string;
}
export declare function loadScenarios(only?: readonly string[]): Promise<ChaosScenario[]>;
export declare function runScenarios(
  scenarios: readonly ChaosScenario[],
  options?: { full?: boolean; log?: (name: string, message: string) => void },
): Promise<ChaosResult[]>;
export declare function table(results: readonly ChaosResult[]): string;
