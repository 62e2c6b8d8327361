/**
 * The sidecar answers `POST /events` on node:http without a web Request/Response (issue 39), and
 * through the app's fetch route for everything that path leaves to it. `/events` exactly is the
 * direct path; `/events?via=fetch` reaches the same route through the fetch handler (the router
 * ignores the query). The same requests to both must get the same status, headers and body bytes,
 * share one dedupe window, and be counted alike in the request metrics.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/logs/index.js';
import { type SidecarHandle, startSidecar } from '../../src/server/sidecar.js';
import { captureLines } from '../helpers/lines.js';
import { countWebRequests, okRequests } from '../helpers/request-metrics.js';

const INGEST = 'ingest-direct-token-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'sidetone-direct-'));
let sidecar: SidecarHandle;
const lines = captureLines();

beforeAll(async () => {
  const config = loadConfig({
    env: {},
    flags: {
      'server.port': '0',
      'store.path': join(dir, 'direct.db'),
      'store.hash_key': 'direct-ingest-hash-key-0123',
      'auth.ingest_tokens': INGEST,
      'server.body_limit_bytes': '4096',
    },
  });
  sidecar = await startSidecar(config, {
    signals: false,
    logger: createLogger({ destination: lines.destination }),
  });
});
afterAll(async () => {
  await sidecar.close();
  rmSync(dir, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${INGEST}` };
let n = 0;
const started = (id = `direct-${n++}`) => ({
  type: 'call.started',
  id: `ev-${id}`,
  callId: id,
  direction: 'inbound',
  channel: 'sip',
  trunk: 'trunk-a',
});

/** Status, the headers a client sees (less Date and Connection) and the body's bytes. */
async function send(path: string, init: RequestInit) {
  const res = await fetch(`${sidecar.url}${path}`, { method: 'POST', ...init });
  const headers = Object.fromEntries(
    [...res.headers].filter(([k]) => k !== 'date' && k !== 'connection' && k !== 'keep-alive'),
  );
  return { status: res.status, headers, body: await res.text() };
}

/** One request's answer through each path, for bodies the two get fresh copies of. */
async function both(body: (via: string) => string, headers: Record<string, string>) {
  return [
    await send('/events', { headers, body: body('direct') }),
    await send('/events?via=fetch', { headers, body: body('fetch') }),
  ];
}

describe('POST /events on node:http directly', () => {
  it('answers as the fetch route does: stored, refused items, bad JSON, no type, no credential, over the limit', async () => {
    const json = { ...auth, 'content-type': 'application/json' };
    const cases: Array<[string, (via: string) => string, Record<string, string>]> = [
      ['one event', (v) => JSON.stringify(started(`one-${v}`)), json],
      [
        'a batch with a refused item',
        (v) => JSON.stringify([started(`b-${v}`), { type: 'call.started' }]),
        json,
      ],
      [
        'NDJSON',
        (v) => `${JSON.stringify(started(`nd-${v}`))}\n{oops\n`,
        { ...auth, 'content-type': 'application/x-ndjson' },
      ],
      ['bad JSON', () => '{"type":', json],
      ['only refused items', () => JSON.stringify({ type: 'nope' }), json],
      [
        'another media type',
        (v) => JSON.stringify(started(`t-${v}`)),
        { ...auth, 'content-type': 'text/plain' },
      ],
      ['no credential', (v) => JSON.stringify(started(`c-${v}`)), { 'content-type': 'application/json' }],
      ['over the body limit', () => JSON.stringify([started('big')]).padEnd(5000, ' '), json],
      [
        'NDJSON over the body limit',
        () => `${JSON.stringify(started('big-nd'))}\n`.padEnd(5000, ' '),
        { ...auth, 'content-type': 'application/x-ndjson' },
      ],
    ];
    for (const [name, body, headers] of cases) {
      const [direct, viaFetch] = await both(body, headers);
      expect(direct, name).toEqual(viaFetch);
    }
    // The cases answered what each is: not all alike.
    const statuses = [];
    for (const [, body, headers] of cases)
      statuses.push((await send('/events', { headers, body: body(`s${n++}`) })).status);
    expect(statuses).toEqual([200, 200, 200, 400, 400, 415, 401, 413, 413]);
  });

  it('splits NDJSON as it arrives: a line and a character cut between chunks, blank lines and CRLF counted', async () => {
    // Three writes with pauses between them, so the server reads three chunks: the second event's
    // line starts in the first chunk, and the 'é' of a refused line is cut between its two bytes.
    const body = (v: string) =>
      Buffer.from(
        `${JSON.stringify(started(`ch1-${v}`))}\r\n\n${JSON.stringify(started(`ch2-${v}`))}\n{"caf\u00e9"\n`,
      );
    const post = (path: string, bytes: Buffer) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`${sidecar.url}${path}`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/x-ndjson' },
        });
        req.on('response', (res) => {
          let text = '';
          res.on('data', (d) => {
            text += String(d);
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.on('error', reject);
        const second = bytes.indexOf('\n\n') + 20;
        const accent = bytes.indexOf(Buffer.from('\u00e9')) + 1;
        req.write(bytes.subarray(0, second));
        setTimeout(() => {
          req.write(bytes.subarray(second, accent));
          setTimeout(() => req.end(bytes.subarray(accent)), 30);
        }, 30);
      });
    const direct = await post('/events', body('direct'));
    const viaFetch = await post('/events?via=fetch', body('fetch'));
    expect(direct).toEqual(viaFetch);
    expect(JSON.parse(direct.body)).toMatchObject({
      accepted: 2,
      rejected: 1,
      errors: [{ index: 2, line: 4, issues: [{ message: expect.stringContaining('not JSON') }] }],
    });
  });

  it('shares one dedupe window with the fetch route: a retry counts once whichever path it takes', async () => {
    const headers = { ...auth, 'content-type': 'application/json' };
    const body = JSON.stringify(started('dedupe'));
    const first = JSON.parse((await send('/events', { headers, body })).body);
    const again = JSON.parse((await send('/events?via=fetch', { headers, body })).body);
    const third = JSON.parse((await send('/events', { headers, body })).body);
    expect(first).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(again).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(third).toMatchObject({ accepted: 1, duplicates: 1 });
  });

  it('counts its requests in the request metrics as the app does, under the route /events', async () => {
    const count = async () => okRequests(await (await fetch(`${sidecar.url}/metrics`)).text(), '/events');
    const before = await count();
    const headers = { ...auth, 'content-type': 'application/json' };
    await send('/events', { headers, body: JSON.stringify(started()) });
    await send('/events?via=fetch', { headers, body: JSON.stringify(started()) });
    expect(await count()).toBe(before + 2);
  });

  it('builds no web Request for POST /events (the fetch route does)', async () => {
    // Posted with node:http, so that the only Requests built in this process are the server's.
    const post = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${sidecar.url}${path}`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
        });
        req.on('response', (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end(JSON.stringify(started()));
      });
    const requests = countWebRequests();
    try {
      expect(await post('/events')).toBe(200);
      expect(requests.built()).toBe(0);
      expect(await post('/events?via=fetch')).toBe(200);
      expect(requests.built()).toBe(1);
    } finally {
      requests.restore();
    }
  });
});
