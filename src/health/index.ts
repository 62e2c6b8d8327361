export {
  type DiskSpaceCheckOptions,
  diskSpaceCheck,
  type EventLoopCheckOptions,
  eventLoopCheck,
  fileWriteProbe,
  formatBytes,
  type WritableCheckOptions,
  writableCheck,
} from './checks.js';
export { exportHealthMetrics } from './metrics.js';
export {
  assertCheckName,
  type CheckDefinition,
  type CheckResult,
  type CheckState,
  type CheckStatus,
  HealthRegistry,
  type HealthReport,
  type PushCheckDefinition,
} from './registry.js';
export { MAX_DETAIL_LENGTH, sanitizeDetail } from './sanitize.js';
