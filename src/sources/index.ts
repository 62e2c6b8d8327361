export { type IngestOptions, type IngestRejection, ingestRoute } from './ingest.js';
export { Rng } from './simulator/random.js';
export { Simulator, type SimulatorOptions } from './simulator/simulator.js';
