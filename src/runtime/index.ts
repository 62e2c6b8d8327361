export { type RuntimeMetricsOptions, runtimeMetrics } from './metrics.js';
