// What the client generators read from an event's JSON Schema (docs/schemas): its own fields in
// order (the common ones, type, ts, source and id, are the clients' to fill), whether each is
// optional, and the words of a camelCase name.

const COMMON = new Set(['type', 'ts', 'source', 'id']);

/** The timestamp argument each language takes: epoch ms or an ISO 8601 string. */
export const TS_TYPES = { python: 'Union[int, float, str]' };

/** @returns {Array<{ wire: string, schema: object }>} the event's own fields, in schema order */
export function fieldsOf(schema) {
  return Object.entries(schema.properties ?? {})
    .filter(([k]) => !COMMON.has(k))
    .map(([wire, s]) => ({ wire, schema: s }));
}

export const isOptional = (schema, wire) => !(schema.required ?? []).includes(wire);

/** `rttSeconds` -> ['rtt', 'seconds'], `q850` -> ['q850'], `sipCode` -> ['sip', 'code']. */
export function camelWords(name) {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w.toLowerCase());
}

/** The schema's description as one line (first member's for a union of described members). */
export function describe(schema) {
  return (schema.description ?? '').replace(/\s+/g, ' ').trim();
}
