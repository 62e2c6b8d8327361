export { detectPii, PII_KINDS, type PiiKind } from './pii.js';
export {
  DEFAULT_MAX_SERIES,
  DEFAULT_MAX_VALUE_LENGTH,
  type GuardOptions,
  OTHER,
  REDACTED,
} from './policy.js';
export {
  isSecretKey,
  MASK,
  maskSecretsIn,
  redactSecrets,
  redactUrlCredentials,
  rememberSecrets,
  secretValues,
} from '../secrets.js';
