import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';

const doc = readFileSync(new URL('../../docs/deploy.md', import.meta.url), 'utf8');
const section = doc.slice(doc.indexOf('## A Pi behind NAT'));
const dir = mkdtempSync(join(tmpdir(), 'sidetone-docs-push-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('docs/deploy.md: the Pi-behind-NAT recipe', () => {
  it('its TOML loads with the push settings it describes', () => {
    const toml = /```toml\n([\s\S]*?)```/.exec(section)?.[1] as string;
    writeFileSync(join(dir, 'push.toml'), toml.replaceAll('/etc/sidetone/', `${dir}/`));
    const c = loadConfig({ file: join(dir, 'push.toml'), env: {} });
    expect(c.push).toMatchObject({
      remote_write_url: 'https://prometheus.example.net/api/v1/write',
      interval_seconds: 15,
      queue_max_bytes: 64 * 1024 * 1024,
      bearer_token_file: `${dir}/push.token`,
      job: 'sidetone',
      instance: 'pi-kitchen',
      external_labels: { site: 'kitchen' },
    });
    expect(section).toContain('When the disk queue is full');
  });
});
