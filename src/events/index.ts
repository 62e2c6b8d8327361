export { EventBus, type EventBusOptions } from './bus.js';
export { renderEventsMarkdown } from './docs.js';
export {
  assertEvent,
  EVENT_SCHEMAS,
  EVENT_TYPES,
  type EventIssue,
  eventSchema,
  type ParseEventResult,
  parseEvent,
} from './schemas.js';
export type { EventInput, EventMap, EventOf, EventType, Listener, SidetoneEvent } from './types.js';
export * from './vocab.js';
