/** Every client file generated from the event JSON Schemas (`eventJsonSchemas()`). */
export function clientFiles(
  events: ReadonlyArray<{ type: string; schema: object }>,
): Array<{ path: string; text: string }>;
