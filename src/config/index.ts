export { parseConfigFlags } from './flags.js';
export { configCheck, formatConfig, maskSecrets } from './format.js';
export type { ConfigKey, KeyKind } from './keys.js';
export { type ConfigIssue, ConfigValidationError, type LoadConfigOptions, loadConfig } from './load.js';
export type { SidetoneConfig } from './schema.js';
