export type {
  AiErrorReason,
  AiLatencyStage,
  CallChannel,
  Direction,
  HangupBy,
  ModemDisconnectReason,
  SipRegistrationResult,
  SmsFailureReason,
} from '../domain/vocab.js';
export { EventBus, type EventBusOptions } from './bus.js';
export {
  assertEvent,
  EVENT_TYPES,
  type EventIssue,
  eventSchema,
  type ParseEventResult,
  parseEvent,
} from './schemas.js';
export type { EventInput, EventMap, EventOf, EventType, Listener, SidetoneEvent } from './types.js';
