export { type IngestOptions, type IngestRejection, type IngestSink, ingestRoute } from './ingest.js';
export { Rng } from './simulator/random.js';
export { Simulator, type SimulatorOptions } from './simulator/simulator.js';
