// Regenerate what is generated from the code: docs/metrics.md, docs/events.md and docs/errors.md
// (the metric catalogue, the event schemas, the error catalogue), docs/openapi.json (a default
// sidecar's /openapi.json), docs/schemas/*.json (one JSON Schema per event type) and the event
// code of the Python and Go clients (from those schemas), and src/events/predicates.generated.ts
// (the event predicates the bus runs without zod) and src/config/fast.generated.ts (the config's keys
// and its fast path, which loads no zod) and src/store/sqlite/schema.generated.ts (the schema of a new
// SQLite store file, from its migrations), and assets/runbook.html (docs/runbook.md as GET /runbook serves it). Tests fail when any of them is stale.
// Usage: npm run gen-docs (builds, then runs this).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_FNS } from '../dist/config/checks.js';
import { configJsonSchema } from '../dist/config/schema.js';
import { renderErrorCodesMarkdown } from '../dist/error-codes.js';
import { renderEventsMarkdown } from '../dist/events/docs.js';
import { EVENT_RULES } from '../dist/events/rules.js';
import { eventJsonSchemas } from '../dist/openapi/event-schemas.js';
import { eventSchemaFiles, servedOpenApi } from '../dist/server/openapi-files.js';
import { renderSqliteSchemaModule } from '../dist/store/sqlite/schema-gen.js';
import { renderCatalogueMarkdown } from '../dist/telephony/catalogue.js';
import { clientFiles } from './clients/generate.mjs';
import { renderFastConfigModule } from './gen-config.mjs';
import { renderPredicatesModule } from './gen-predicates.mjs';
import { renderRunbookHtml } from './runbook-html.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const files = [
  { path: 'docs/metrics.md', text: renderCatalogueMarkdown() },
  { path: 'docs/events.md', text: renderEventsMarkdown() },
  { path: 'docs/errors.md', text: renderErrorCodesMarkdown() },
  { path: 'docs/openapi.json', text: await servedOpenApi() },
  {
    path: 'src/events/predicates.generated.ts',
    text: renderPredicatesModule(eventJsonSchemas(), eventJsonSchemas('output'), Object.keys(EVENT_RULES)),
  },
  {
    path: 'src/config/fast.generated.ts',
    text: renderFastConfigModule(configJsonSchema(), Object.keys(CONFIG_FNS)),
  },
  { path: 'src/store/sqlite/schema.generated.ts', text: renderSqliteSchemaModule() },
  {
    path: 'assets/runbook.html',
    text: renderRunbookHtml(readFileSync(join(root, 'docs/runbook.md'), 'utf8')),
  },
  ...eventSchemaFiles(),
  ...clientFiles(eventJsonSchemas()),
];
// A removed event type takes its schema file with it.
rmSync(join(root, 'docs/schemas'), { recursive: true, force: true });
for (const f of files) {
  mkdirSync(dirname(join(root, f.path)), { recursive: true });
  writeFileSync(join(root, f.path), f.text);
}
console.log(
  `wrote ${files.length} files (${readdirSync(join(root, 'docs/schemas')).length} in docs/schemas)`,
);
