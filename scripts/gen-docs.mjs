// Regenerate docs/metrics.md and docs/events.md from the catalogue and the event schemas.
// Usage: npx tsc -p tsconfig.build.json && node scripts/gen-docs.mjs
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderEventsMarkdown } from '../dist/events/docs.js';
import { renderCatalogueMarkdown } from '../dist/telephony/catalogue.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
writeFileSync(join(root, 'docs/metrics.md'), renderCatalogueMarkdown());
writeFileSync(join(root, 'docs/events.md'), renderEventsMarkdown());
console.log('wrote docs/metrics.md and docs/events.md');
