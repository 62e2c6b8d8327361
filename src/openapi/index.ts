export { type OpenApiOptions, openApiDocument } from './document.js';
export { eventJsonSchemas, JSON_SCHEMA_DIALECT, type JsonSchema, toJsonSchema } from './event-schemas.js';
