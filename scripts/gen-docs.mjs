// Regenerate docs/metrics.md, docs/events.md and docs/errors.md from the metric catalogue, the
// event schemas and the error-code catalogue.
// Usage: npx tsc -p tsconfig.build.json && node scripts/gen-docs.mjs
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderErrorCodesMarkdown } from '../dist/error-codes.js';
import { renderEventsMarkdown } from '../dist/events/docs.js';
import { renderCatalogueMarkdown } from '../dist/telephony/catalogue.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
writeFileSync(join(root, 'docs/metrics.md'), renderCatalogueMarkdown());
writeFileSync(join(root, 'docs/events.md'), renderEventsMarkdown());
writeFileSync(join(root, 'docs/errors.md'), renderErrorCodesMarkdown());
console.log('wrote docs/metrics.md, docs/events.md and docs/errors.md');
