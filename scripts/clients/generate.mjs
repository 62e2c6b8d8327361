// Every client file generated from the event JSON Schemas, for scripts/gen-docs.mjs and the
// drift test (test/clients/generated.e2e.test.ts).
import { renderGo } from './go.mjs';
import { renderPython } from './python.mjs';

/**
 * @param {Array<{ type: string, schema: object }>} events `eventJsonSchemas()`
 * @returns {Array<{ path: string, text: string }>}
 */
export function clientFiles(events) {
  return [
    { path: 'clients/python/sidetone/_events.py', text: renderPython(events) },
    { path: 'clients/go/events.go', text: renderGo(events) },
  ];
}
