/**
 * Issue 50: every alert linked to a runbook that did not exist (a package page on a CDN for a version
 * never published: 404). Now the sidecar serves docs/runbook.md at GET /runbook, one section per
 * alert, and the shipped rules link there by default: each runbook_url of `sidetone rules` is
 * followed to a 200 page holding its section.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderRunbookHtml } from '../../scripts/runbook-html.mjs';
import { configSchema } from '../../src/config/schema.js';
import { createApp } from '../../src/http/app.js';
import { Registry } from '../../src/metrics/index.js';
import { alertRules } from '../../src/rules/index.js';
import { renderRules } from '../../src/rules/render.js';
import { ALERT_DEFAULTS } from '../../src/rules/thresholds.js';
import { mountDashboard } from '../../src/server/dashboard.js';
import { openSqliteCallStore } from '../../src/store/sqlite/store.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('runbook_url', () => {
  it('assets/runbook.html is docs/runbook.md rendered (regenerate: npm run gen-docs)', () => {
    expect(read('assets/runbook.html')).toBe(renderRunbookHtml(read('docs/runbook.md')));
  });

  it("every shipped rule's runbook_url opens a 200 page holding that alert's section", async () => {
    const store = await openSqliteCallStore({
      path: ':memory:',
      privacy: { hashKey: 'runbook-test-key-0123456789', storeRaw: false },
    });
    const app = createApp({ registry: new Registry() });
    mountDashboard(app, { store, registry: new Registry(), config: configSchema().parse({}) });
    const urls = [...read('deploy/prometheus/sidetone-rules.yml').matchAll(/runbook_url: "([^"]+)"/g)].map(
      (m) => m[1] as string,
    );
    // One link per alert, each to the sidecar's own page by default.
    expect(urls).toHaveLength(alertRules(ALERT_DEFAULTS).length);
    expect(new Set(urls).size).toBe(urls.length);
    for (const url of urls) {
      const { origin, pathname, hash } = new URL(url);
      expect(`${origin}${pathname}`).toBe(ALERT_DEFAULTS.runbook_url);
      const res = await app.fetch(new Request(url));
      expect(res.status, url).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await res.text(), url).toContain(`<h2 id="${hash.slice(1)}">`);
    }
    await store.close();
  });

  it('an operator sets the base once: every alert gets it plus its anchor', () => {
    const rules = renderRules({ alerts: { runbook_url: 'https://wiki.example/sidetone/runbook' } });
    const urls = [...rules.matchAll(/runbook_url: "([^"]+)"/g)].map((m) => m[1]);
    expect(urls.length).toBe(alertRules(ALERT_DEFAULTS).length);
    for (const u of urls) expect(u).toMatch(/^https:\/\/wiki\.example\/sidetone\/runbook#sidetone[a-z0-9]+$/);
  });
});
