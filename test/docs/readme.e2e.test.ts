import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/prometheus.js';
import { spawnNode } from '../helpers/spawn.js';
import { until } from '../helpers/until.js';

// The README's code, run as a user would: a module inside the package importing `sidetone/...`
// through the exports map (Node's self-reference), against the built dist/.
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
const dir = new URL('../../.tmp/', import.meta.url);
afterAll(() => rmSync(new URL('readme.mjs', dir), { force: true }));

describe('README', () => {
  it('the ten-line library example and the telephony example run and expose what they say', async () => {
    expect(snippets.length).toBeGreaterThanOrEqual(2);
    const [library, telephony] = snippets as [string, string];
    expect(library.trim().split('\n').length).toBeLessThanOrEqual(11);
    const port = await freePort();
    mkdirSync(dir, { recursive: true });
    const file = new URL('readme.mjs', dir);
    writeFileSync(file, `${library.replace('.listen(9464)', `.listen(${port})`)}\n${telephony}`);
    const { child, stderr } = spawnNode([file.pathname]);
    try {
      const text = await until(
        async () => (await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()) || undefined,
        'the README example serving /metrics',
        { timeoutMs: 10_000, everyMs: 100 },
      );
      expect(stderr()).toBe('');
      expect(text).toContain('pbx_invites_total{direction="inbound",class="4xx"} 1');
      expect(text).toMatch(/^sidetone_modem_signal_rssi_dbm\{modem="modem0"\} -77$/m);
      expect(text).toMatch(/^sidetone_sms_delivery_reports_total\{outcome="failed"\} 1$/m);
      const om = await (
        await fetch(`http://127.0.0.1:${port}/metrics`, {
          headers: { accept: 'application/openmetrics-text' },
        })
      ).text();
      expect(om.endsWith('# EOF\n')).toBe(true);
    } finally {
      child.kill();
    }
  });
});
