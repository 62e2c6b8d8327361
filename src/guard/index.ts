export { redactSecrets, redactUrlCredentials } from '../secrets.js';
export { detectPii } from './pii.js';
export { PII_KINDS, type PiiKind } from './pii-kinds.js';
export type { GuardOptions } from './policy.js';
