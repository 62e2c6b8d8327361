/**
 * Runbook links in alerts are absolute (a relative `docs/runbook.md` means nothing in a pager):
 * the default is a default install's own page (GET /runbook; the old default, a CDN page of a
 * version never published, was a 404: issue 50), the configured base must be an absolute http(s)
 * URL, and every alert's anchor is a heading of docs/runbook.md (test/rules/runbook.test.ts follows
 * each link to its section).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { alertRules, renderRules } from '../../src/rules/index.js';
import { ALERT_DEFAULTS } from '../../src/rules/thresholds.js';

const runbook = readFileSync(new URL('../../docs/runbook.md', import.meta.url), 'utf8');

describe('runbook links', () => {
  it('are absolute, to the sidecar own /runbook by default, with an anchor per alert that the runbook has', () => {
    const links = [...renderRules().matchAll(/runbook_url: "([^"]+)"/g)].map((m) => m[1] as string);
    expect(links).toHaveLength(alertRules(ALERT_DEFAULTS).length);
    const anchors = new Set(
      [...runbook.matchAll(/^#+ (.+)$/gm)].map((m) =>
        (m[1] as string).toLowerCase().replace(/[^a-z0-9]+/g, ''),
      ),
    );
    for (const link of links) {
      const url = new URL(link);
      expect(url.href).toBe(link);
      expect(`${url.origin}${url.pathname}`).toBe('http://127.0.0.1:9464/runbook');
      expect(anchors, link).toContain(url.hash.slice(1));
    }
  });

  it('take the configured base, and a relative one is refused naming the key', () => {
    const base = 'https://wiki.example/ops/sidetone-runbook';
    const config = loadConfig({ env: {}, flags: { 'alerts.runbook_url': base } });
    expect(renderRules({ alerts: config.alerts })).toContain(`runbook_url: "${base}#sidetonedown"`);
    for (const bad of ['docs/runbook.md', '/runbook.md', 'ftp://host/runbook', 'https://wiki.example/a#b'])
      expect(() => loadConfig({ env: {}, flags: { 'alerts.runbook_url': bad } }), bad).toThrow(
        /alerts\.runbook_url.*absolute http\(s\) URL/,
      );
  });
});
