/**
 * CLI test helpers: run the built binary as a child process (the real entry point, exit codes and
 * all), seed real SQLite stores, and serve canned API answers over node:http.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteCallStore } from '../../src/store/sqlite/store.js';
import type { CallUpdate } from '../../src/store/types.js';
import { CLI } from '../helpers/spawn.js';

/** The built CLI: the one path, from test/helpers/spawn.ts. */
export const BIN = CLI;
export const HASH_KEY = 'cli-test-hash-key-0123456789abcdef';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run `node dist/bin/sidetone.js ...args`. Asynchronous on purpose: a test's stub server lives in this
 * process and must keep answering while the child runs. The environment starts clean of
 * `SIDETONE_*` and colour variables so the host's settings cannot change the outcome.
 */
export function run(args: readonly string[], env: Record<string, string> = {}): Promise<RunResult> {
  if (!existsSync(BIN))
    throw new Error(`${BIN} is missing: build first with \`npx tsc -p tsconfig.build.json\``);
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('SIDETONE_') && !/^(NO_COLOR|FORCE_COLOR)$/.test(k),
    ),
  );
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...base, ...env }, timeout: 20_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
        done({ code, stdout, stderr });
      },
    );
  });
}

export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'sidetone-cli-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const MIN = 60_000;
const HOUR = 3_600_000;

/** A raw number that must never reach the CLI's output (only its mask, `+1555***4567`). */
export const RAW_FROM = '+15551234567';
export const MASKED_FROM = '+1555***4567';

/** When each fixture call was filed, so tests can compute expected buckets from the same times. */
export interface Fixture {
  now: number;
  /** `firstAt` of every call. */
  times: number[];
}

/**
 * Calls relative to `now`. In the last 24 h: 6 completed (carrier-a), 3 busy (carrier-b, from
 * RAW_FROM), 1 failed (503 / Q.850 34), 1 active for 20 min, 1 zombie active for 5 h: 12 calls,
 * 6 answered, 4 failed, 2 active. One more completed call 30 h ago (the previous period) and two
 * 3 days ago.
 */
export function fixture(now: number): { updates: CallUpdate[]; fixture: Fixture } {
  const updates: CallUpdate[] = [];
  const times: number[] = [];
  const completed = (id: string, at: number) => {
    times.push(at);
    updates.push(
      {
        kind: 'started',
        callId: id,
        at,
        direction: 'outbound',
        channel: 'sip',
        trunk: 'carrier-a',
        to: '+442079460001',
      },
      { kind: 'ringing', callId: id, at: at + 1000 },
      { kind: 'answered', callId: id, at: at + 2000 },
      { kind: 'ended', callId: id, at: at + 62_000, sipCode: 200 },
    );
  };
  for (let i = 0; i < 6; i++) completed(`ok-${i}`, now - (10 + i * 7) * MIN);
  for (let i = 0; i < 3; i++) {
    const at = now - (15 + i * 11) * MIN;
    times.push(at);
    updates.push(
      {
        kind: 'started',
        callId: `busy-${i}`,
        at,
        direction: 'inbound',
        channel: 'sip',
        trunk: 'carrier-b',
        from: RAW_FROM,
        to: '+442079460002',
      },
      { kind: 'ended', callId: `busy-${i}`, at: at + 4000, sipCode: 486 },
    );
  }
  const failedAt = now - 50 * MIN;
  times.push(failedAt);
  updates.push(
    {
      kind: 'started',
      callId: 'fail-0',
      at: failedAt,
      direction: 'outbound',
      channel: 'sip',
      trunk: 'carrier-a',
      from: RAW_FROM,
      to: '+442079460003',
    },
    { kind: 'ended', callId: 'fail-0', at: failedAt + 9000, sipCode: 503, q850: 34 },
  );
  for (const [id, at] of [
    ['live-0', now - 20 * MIN],
    ['zombie-0', now - 5 * HOUR],
  ] as const) {
    times.push(at);
    updates.push({
      kind: 'started',
      callId: id,
      at,
      direction: 'inbound',
      channel: 'sip',
      trunk: 'carrier-b',
    });
  }
  completed('prev-0', now - 30 * HOUR);
  completed('old-0', now - 72 * HOUR);
  completed('old-1', now - 73 * HOUR);
  return { updates, fixture: { now, times } };
}

/** A store file at `path` holding {@link fixture}; `storeRaw` keeps raw numbers in it too. */
export async function seedStore(path: string, storeRaw = false): Promise<Fixture> {
  const store = await openSqliteCallStore({ path, privacy: { hashKey: HASH_KEY, storeRaw } });
  const { updates, fixture: f } = fixture(Date.now());
  await store.applyBatch(updates);
  await store.close();
  return f;
}

export interface Stub {
  url: string;
  /** Every request seen: method, path with query, Authorization header. */
  requests: Array<{ method: string; url: string; auth: string | undefined }>;
  close(): Promise<void>;
}

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

/** A node:http server answering `routes` (keyed `METHOD /path`), 404 JSON for anything else. */
export async function stubServer(routes: Record<string, Route>, token?: string): Promise<Stub> {
  const requests: Stub['requests'] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization });
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (token !== undefined && req.headers.authorization !== `Bearer ${token}`) {
      res.writeHead(401, {
        'content-type': 'application/json',
        'www-authenticate': 'Bearer realm="metrics"',
      });
      res.end(
        JSON.stringify({ error: { code: 'ST_UNAUTHORIZED', message: 'missing or invalid credentials' } }),
      );
      return;
    }
    const route = routes[`${req.method} ${path}`];
    if (route) route(req, res);
    else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'ST_NOT_FOUND', message: `no route ${path}` } }));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export const json =
  (body: unknown, status = 200): Route =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

/** A port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** The start of any ANSI escape sequence. */
export const ANSI = /\x1b\[/;
