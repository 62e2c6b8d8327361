export { mediaSummary, type StoreSink, type StoreSinkOptions, storeSink } from './store-sink.js';
