export { type AuditLog, auditLog, type RefusalReason } from './audit.js';
export { type CallEventLogOptions, callEventLog } from './call-events.js';
export { createLogger, type LoggerSettings, traceFields } from './logger.js';
export { prettyDestination, prettyLine } from './pretty.js';
export { redactValue, Trusted, trusted } from './redact.js';
