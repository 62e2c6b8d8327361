export {
  type DiskSpaceCheckOptions,
  diskSpaceCheck,
  type EventLoopCheckOptions,
  eventLoopCheck,
  fileWriteProbe,
  type WritableCheckOptions,
  writableCheck,
} from './checks.js';
export {
  type CheckDefinition,
  type CheckResult,
  type CheckState,
  type CheckStatus,
  HealthRegistry,
  type HealthReport,
  type PushCheckDefinition,
} from './registry.js';
