export { readConfigFile } from './files.js';
export { configCheck, formatConfig, maskSecrets, parseConfigFlags } from './format.js';
export { CONFIG_KEYS, type ConfigKey, type KeyKind } from './keys.js';
export { type ConfigIssue, ConfigValidationError, type LoadConfigOptions, loadConfig } from './load.js';
export { CONFIG_PACKS, configSchema, isSecretPath, SECRET_PATHS, type SidetoneConfig } from './schema.js';
