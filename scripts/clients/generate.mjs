// Every client file generated from the event JSON Schemas, for scripts/gen-docs.mjs and the
// drift test (test/clients/generated.test.ts).
import { renderPython } from './python.mjs';

/**
 * @param {Array<{ type: string, schema: object }>} events `eventJsonSchemas()`
 * @returns {Array<{ path: string, text: string }>}
 */
export function clientFiles(events) {
  return [{ path: 'clients/python/sidetone/_events.py', text: renderPython(events) }];
}
