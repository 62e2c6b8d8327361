export { configCheck, formatConfig, maskSecrets, parseConfigFlags } from './format.js';
export type { ConfigKey, KeyKind } from './keys.js';
export { type ConfigIssue, ConfigValidationError, type LoadConfigOptions, loadConfig } from './load.js';
export type { SidetoneConfig } from './schema.js';
