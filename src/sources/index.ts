export type { IngestRejection } from '../logs/audit.js';
export { type IngestOptions, ingestRoute } from './ingest.js';
export { Simulator, type SimulatorOptions } from './simulator/simulator.js';
export type { IngestSink } from './store-first.js';
