export {
  isSecretKey,
  MASK,
  maskSecretsIn,
  redactSecrets,
  redactUrlCredentials,
  rememberSecrets,
  secretValues,
} from '../secrets.js';
export { detectPii } from './pii.js';
export { PII_KINDS, type PiiKind } from './pii-kinds.js';
export {
  DEFAULT_MAX_SERIES,
  DEFAULT_MAX_VALUE_LENGTH,
  type GuardOptions,
  OTHER,
  REDACTED,
} from './policy.js';
