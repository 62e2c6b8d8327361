export type { IngestRejection } from '../logs/audit.js';
export { type IngestOptions, type IngestSink, ingestRoute } from './ingest.js';
export { Rng } from './simulator/random.js';
export { Simulator, type SimulatorOptions } from './simulator/simulator.js';
