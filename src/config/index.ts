export { readConfigFile } from './files.js';
export { configCheck, formatConfig, maskSecrets, parseConfigFlags } from './format.js';
export { CONFIG_KEYS, type ConfigKey, type KeyKind, SECRET_PATHS } from './keys.js';
export { type ConfigIssue, ConfigValidationError, type LoadConfigOptions, loadConfig } from './load.js';
export { CONFIG_PACKS, configSchema, isSecretPath, type SidetoneConfig } from './schema.js';
