/** What a scenario is given (./scenarios.ts, ./voice.ts): randomness, where its events go, the names it may use. */
import type { SidetoneEvent } from '../../events/types.js';
import type { Rng } from './random.js';

/** Where a scenario puts its events: each at a time in the (virtual) future. */
export interface Schedule {
  at(ms: number, event: SidetoneEvent): void;
}

export interface ScenarioContext {
  rng: Rng;
  schedule: Schedule;
  trunks: readonly string[];
  modem: string;
  queues: readonly string[];
  /** Sequence number for ids. */
  seq: number;
}
