export { mediaSummary, type StoreSink, type StoreSinkOptions, storeSink } from './store-sink.js';
export { type TraceSinkOptions, traceSink } from './trace-sink.js';
