// Types of bench/events-floor.mjs for the test that checks the floor does sidetone's work.

export interface EventsFloor {
  emit(e: { type: string } & Record<string, unknown>): void;
  inviteResult(direction: string, code: number): void;
  smsReceived(): void;
  firstByte(stage: string, seconds: number): void;
  unknownCalls(): number;
  totals(): Record<string, number>;
}
export function eventsFloor(config?: {
  trunks?: string[];
  agents?: string[];
  models?: string[];
  listening?: boolean;
}): EventsFloor;
export function floorProblems(m: { Registry: unknown; EventBus: unknown; instrument: unknown }): string[];
