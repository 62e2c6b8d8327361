/**
 * docs/compat/*.md are executable: each page's config starts a real `sidetone serve`, its event
 * blocks are posted, and every request and CLI line in it runs and must give the documented
 * answer (status code, JSON keys and status values, metric series and values, output lines).
 * The format is described in docs/compat/README.md.
 */
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../cli/helpers.js';
import { startListening } from '../helpers/spawn.js';

const DIR = new URL('../../docs/compat/', import.meta.url);
const PAGES = readdirSync(DIR).filter((f) => f.endsWith('.md') && f !== 'README.md');
const KEY = 'compat-pages-hash-key-0123456789';

interface Block {
  lang: string;
  info: string[];
  body: string;
}

/** Fenced blocks in order, with their info string split on spaces. */
function blocks(md: string): Block[] {
  const out: Block[] = [];
  const re = /^```([^\n]*)\n([\s\S]*?)^```$/gm;
  for (let m = re.exec(md); m !== null; m = re.exec(md)) {
    const [lang = '', ...info] = (m[1] ?? '').trim().split(/\s+/);
    out.push({ lang, info, body: m[2] ?? '' });
  }
  return out;
}

/** Every key of `want` exists in `got` (recursively for objects; first element for arrays); `status` values equal. */
function expectShape(want: unknown, got: unknown, path = '$'): void {
  if (Array.isArray(want)) {
    expect(Array.isArray(got), `${path} is an array`).toBe(true);
    if (want.length > 0 && (got as unknown[]).length > 0)
      expectShape(want[0], (got as unknown[])[0], `${path}[0]`);
    return;
  }
  if (want === null || typeof want !== 'object') return;
  expect(got !== null && typeof got === 'object', `${path} is an object`).toBe(true);
  for (const [k, v] of Object.entries(want)) {
    expect(Object.hasOwn(got as object, k), `${path}.${k} is present`).toBe(true);
    if (k === 'status') expect((got as Record<string, unknown>)[k], `${path}.status`).toEqual(v);
    expectShape(v, (got as Record<string, unknown>)[k], `${path}.${k}`);
  }
}

/** `# TYPE` lines verbatim; sample lines by series, with the value unless it is `*`. */
function expectExposition(want: string, got: string): void {
  const lines = got.split('\n');
  for (const line of want.split('\n').filter((l) => l.trim() !== '')) {
    if (line.startsWith('# TYPE')) {
      expect(lines, line).toContain(line);
      continue;
    }
    if (line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    const series = line.slice(0, cut);
    const value = line.slice(cut + 1);
    const found = lines.find((l) => l.slice(0, l.lastIndexOf(' ')) === series);
    expect(found, `series ${series}`).toBeDefined();
    if (value !== '*') expect(Number(found?.slice(found.lastIndexOf(' ') + 1)), line).toBe(Number(value));
  }
}

const children: ChildProcess[] = [];
const tmp = tempDir();
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  tmp.remove();
});

async function startServer(config: string | undefined, name: string) {
  const db = join(tmp.dir, `${name}.db`);
  const args = ['serve', '--port', '0', '--host', '127.0.0.1', '--db', db];
  let file: string | undefined;
  if (config !== undefined) {
    file = join(tmp.dir, `${name}.toml`);
    writeFileSync(file, config);
    args.push('--config', file);
  }
  const { child, url } = await startListening(args, { SIDETONE_STORE_HASH_KEY: KEY });
  children.push(child);
  return { url, db, file, port: new URL(url).port };
}

describe.each(PAGES)('docs/compat/%s', (page) => {
  it('every example gives the documented answer', async () => {
    const md = readFileSync(new URL(page, DIR), 'utf8');
    const all = blocks(md);
    const config = all.find((b) => b.lang === 'toml' && b.info.includes('sidetone.toml'))?.body;
    const server = await startServer(config, page.replace(/\.md$/, ''));
    const env: Record<string, string> = {
      SIDETONE_SERVER_PORT: server.port,
      SIDETONE_STORE_PATH: server.db,
      SIDETONE_STORE_HASH_KEY: KEY,
      ...(server.file === undefined ? {} : { SIDETONE_CONFIG: server.file }),
    };
    let ran = 0;
    for (let i = 0; i < all.length; i++) {
      const b = all[i] as Block;
      if (b.lang === 'ndjson' && b.info.includes('events')) {
        const res = await fetch(`${server.url}/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson' },
          body: b.body,
        });
        expect(res.status, `events block ${i}: ${await res.clone().text()}`).toBe(200);
        ran++;
      } else if (b.lang === 'http') {
        const [requestLine = '', ...rest] = b.body.trim().split('\n');
        const [method = 'GET', path = '/'] = requestLine.split(' ');
        const headers: Record<string, string> = {};
        for (const h of rest) {
          const colon = h.indexOf(':');
          if (colon > 0) headers[h.slice(0, colon).trim().toLowerCase()] = h.slice(colon + 1).trim();
        }
        const answer = all[i + 1];
        expect(answer?.info[0], `the request "${requestLine}" is followed by its answer block`).toMatch(
          /^\d{3}$/,
        );
        const res = await fetch(`${server.url}${path}`, { method, headers });
        const body = await res.text();
        expect(res.status, `${requestLine}: ${body.slice(0, 300)}`).toBe(Number(answer?.info[0]));
        for (const want of answer?.info.slice(1) ?? []) {
          const eq = want.indexOf('=');
          const name = want.slice(0, eq);
          expect(res.headers.get(name), `${requestLine}: header ${name}`).toBe(
            want.slice(eq + 1).replace(/_/g, ' '),
          );
        }
        if (answer?.lang === 'json') expectShape(JSON.parse(answer.body), JSON.parse(body));
        else if (answer?.lang === 'text') expectExposition(answer.body, body);
        i++;
        ran++;
      } else if (b.lang === 'console') {
        const commands = b.body.split(/^\$ /m).filter((c) => c.trim() !== '');
        for (const c of commands) {
          const [line = '', ...output] = c.split('\n');
          const argv = line
            .replace(/\s*>\s*\S+\s*$/, '') // output redirection is the shell's, not ours
            .trim()
            .split(/\s+/)
            .filter((w, k) => !(k === 0 && w === 'npx'));
          expect(argv[0], line).toBe('sidetone');
          const r = await run(argv.slice(1), env);
          expect(r.code, `${line}\n${r.stderr}`).toBe(0);
          for (const want of output.map((l) => l.trim()).filter((l) => l !== '')) {
            expect(r.stdout, `${line}: output line`).toContain(want);
          }
          ran++;
        }
      }
    }
    expect(ran, 'the page has runnable examples').toBeGreaterThanOrEqual(2);
  });
});
