export { EVENT_LOOP_BUCKETS, eventLoopMetrics } from './event-loop.js';
export { GC_BUCKETS, type RuntimeMetricsOptions, runtimeMetrics } from './metrics.js';
export { sidetoneVersion } from './version.js';
