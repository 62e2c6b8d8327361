import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../config/load.js';
import { InternalError } from '../errors.js';
import { eventJsonSchemas, JSON_SCHEMA_DIALECT } from '../openapi/event-schemas.js';
import { startSidecar } from './sidecar.js';

/** A generated file: its path from the repository root and its text. */
export interface GeneratedFile {
  path: string;
  text: string;
}

const text = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/**
 * docs/openapi.json as a new user's sidecar serves it (every default, nothing from the
 * environment): a sidecar is started on a scratch store and a free port and asked for
 * `/openapi.json`, so the document lists exactly the routes the server registers.
 * @example writeFileSync('docs/openapi.json', await servedOpenApi());
 */
export async function servedOpenApi(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'sidetone-openapi-'));
  try {
    const config = loadConfig({
      env: {},
      flags: { 'server.host': '127.0.0.1', 'server.port': 0, 'store.path': join(dir, 'docs.db') },
    });
    const sidecar = await startSidecar(config, { signals: false, logger: pino({ level: 'silent' }) });
    try {
      const res = await fetch(`${sidecar.url}/openapi.json`);
      if (!res.ok) throw new InternalError(`GET /openapi.json answered ${res.status}`);
      return await res.text();
    } finally {
      await sidecar.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * docs/schemas/: one JSON Schema per event type (`<type>.json`) and `event.json`, any of them.
 * @example for (const f of eventSchemaFiles()) writeFileSync(f.path, f.text);
 */
export function eventSchemaFiles(): GeneratedFile[] {
  const events = eventJsonSchemas();
  const files = events.map(({ type, schema }) => ({
    path: `docs/schemas/${type}.json`,
    text: text({ $schema: JSON_SCHEMA_DIALECT, $id: `${type}.json`, ...schema }),
  }));
  files.push({
    path: 'docs/schemas/event.json',
    text: text({
      $schema: JSON_SCHEMA_DIALECT,
      $id: 'event.json',
      title: 'event',
      description: 'Any sidetone event: one of the schemas beside this file, chosen by `type`',
      oneOf: events.map((e) => ({ $ref: `${e.type}.json` })),
    }),
  });
  return files;
}
