export { type AuditLog, auditLog, type RefusalReason } from './audit.js';
export { type CallEventLogOptions, callEventLog } from './call-events.js';
export { createLogger, type LoggerSettings } from './logger.js';
export { type Trusted, trusted } from './redact.js';
