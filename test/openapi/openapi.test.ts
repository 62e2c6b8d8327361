/**
 * The event API as a contract: docs/openapi.json and docs/schemas/ are what the code generates
 * (a default sidecar's /openapi.json, the zod schemas), the document passes a real OpenAPI 3.1
 * validator, every route the server registers is in it and documented, and real answers of a
 * live sidecar match the documented schemas.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createApp } from '../../src/http/app.js';
import { openApiDocument } from '../../src/openapi/document.js';
import { eventSchemaFiles, servedOpenApi } from '../../src/server/openapi-files.js';
import { type SidecarHandle, startSidecar } from '../../src/server/sidecar.js';

const ROOT = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, ROOT), 'utf8');
const REGEN = 'stale: run npm run gen-docs';

type Doc = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object> };
};
type Operation = {
  summary: string;
  'x-undocumented'?: boolean;
  security: Array<Record<string, string[]>>;
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
};

let served: string;
beforeAll(async () => {
  served = await servedOpenApi();
});

describe('generated API docs', () => {
  it('docs/openapi.json is what a default sidecar serves at /openapi.json', () => {
    expect(read('docs/openapi.json'), `docs/openapi.json is ${REGEN}`).toBe(served);
  });

  it('docs/schemas/ holds one JSON Schema per event type, as generated, and nothing else', () => {
    const files = eventSchemaFiles();
    expect(readdirSync(new URL('docs/schemas/', ROOT)).sort()).toEqual(
      files.map((f) => f.path.slice('docs/schemas/'.length)).sort(),
    );
    for (const f of files) expect(read(f.path), `${f.path} is ${REGEN}`).toBe(f.text);
  });

  it('passes an OpenAPI 3.1 validator (@seriousme/openapi-schema-validator)', async () => {
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(served));
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('every event schema compiles under a strict JSON Schema 2020-12 validator', () => {
    const ajv = strictAjv();
    for (const f of eventSchemaFiles()) ajv.addSchema(JSON.parse(f.text));
    const any = ajv.getSchema('event.json');
    expect(any?.({ type: 'call.started', callId: 'c1', direction: 'inbound', channel: 'sip' })).toBe(true);
    expect(any?.({ type: 'call.startd', callId: 'c1' })).toBe(false);
  });

  it('lists every route and documents each; an undocumented route is listed and marked', () => {
    const doc = JSON.parse(served) as Doc;
    const ops = Object.entries(doc.paths).flatMap(([path, ms]) =>
      Object.entries(ms).map(([method, op]) => ({ path, method, op })),
    );
    // The sidecar's own families: ingest, analytics, health, metrics, the dashboard and this.
    for (const p of ['/events', '/metrics', '/healthz', '/readyz', '/metrics/dashboard', '/openapi.json'])
      expect(doc.paths[p], p).toBeDefined();
    for (const { path, method, op } of ops) {
      expect(op['x-undocumented'], `${method} ${path}`).toBeUndefined();
      expect(op.summary.length, `${method} ${path}`).toBeGreaterThan(5);
      expect(op.responses['500'], `${method} ${path}`).toBeDefined();
    }
    expect(new Set(ops.map((o) => (o.op as { operationId?: string }).operationId)).size).toBe(ops.length);
    // The document is the route table: a route added without a doc still shows up, marked.
    const app = createApp();
    app.route('POST', '/v1/traces', () => new Response(null), { auth: 'ingest' });
    const built = openApiDocument(app.routes(), { version: '0' }) as unknown as Doc;
    expect(Object.keys(built.paths).sort()).toEqual(['/healthz', '/readyz', '/v1/traces']);
    expect(built.paths['/v1/traces']?.post?.['x-undocumented']).toBe(true);
    expect(built.paths['/v1/traces']?.post?.security).toEqual([{ ingest: [] }]);
    expect(built.paths['/v1/traces']?.post?.responses['401']).toBeDefined();
  });

  it('error answers name their catalogue codes', () => {
    const doc = JSON.parse(served) as Doc;
    const events = doc.paths['/events']?.post as unknown as {
      responses: Record<string, { description: string }>;
    };
    expect(events.responses['415']?.description).toContain('ST_UNSUPPORTED_MEDIA_TYPE');
    expect(events.responses['413']?.description).toMatch(/ST_BODY_TOO_LARGE[\s\S]*ST_TOO_MANY_ITEMS/);
    expect(events.responses['503']?.description).toContain('ST_STORE_UNAVAILABLE');
    expect(events.responses['507']?.description).toContain('ST_STORE_FULL');
    expect(events.responses['401']?.description).toContain('ST_UNAUTHORIZED');
    expect(doc.paths['/healthz']?.get?.responses['401']).toBeUndefined();
  });
});

describe('a live sidecar answers as documented', () => {
  let dir: string;
  let sidecar: SidecarHandle;
  let doc: Doc;
  let ajv: ReturnType<typeof strictAjv>;
  const auth = { scrape: 'scrape-token-0123456789', ingest: 'ingest-token-0123456789' };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sidetone-openapi-live-'));
    const config = loadConfig({
      env: {},
      flags: {
        'server.host': '127.0.0.1',
        'server.port': 0,
        'store.path': join(dir, 'live.db'),
        'auth.scrape_tokens': auth.scrape,
        'auth.ingest_tokens': auth.ingest,
      },
    });
    sidecar = await startSidecar(config, { signals: false, logger: pino({ level: 'silent' }) });
    const res = await fetch(`${sidecar.url}/openapi.json`, { headers: bearer(auth.scrape) });
    doc = (await res.json()) as Doc;
    ajv = strictAjv();
    ajv.addSchema(rebase({ $id: 'api', $defs: doc.components.schemas }));
  });
  afterAll(async () => {
    await sidecar?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  /** The answer's status is documented and its JSON body matches that status's schema. */
  const conforms = async (method: string, path: string, res: Response) => {
    const op = doc.paths[path]?.[method.toLowerCase()];
    expect(op, `${method} ${path}`).toBeDefined();
    const documented = op?.responses[String(res.status)];
    expect(documented, `${method} ${path} answered ${res.status}, not documented`).toBeDefined();
    const type = res.headers.get('content-type') ?? '';
    if (!type.startsWith('application/json')) return undefined;
    const body = await res.json();
    const schema = documented?.content?.['application/json']?.schema;
    expect(schema, `${method} ${path} ${res.status} has no JSON schema`).toBeDefined();
    const validate = ajv.compile(rebase(schema as object));
    expect(validate(body), `${method} ${path} ${res.status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    return body;
  };

  it('POST /events: stored, partly refused, all refused, not JSON, wrong type, no token', async () => {
    const post = (body: string, type = 'application/json', token = auth.ingest) =>
      fetch(`${sidecar.url}/events`, {
        method: 'POST',
        headers: { 'content-type': type, ...bearer(token) },
        body,
      });
    const good = { type: 'call.started', id: 'e1', callId: 'c1', direction: 'inbound', channel: 'sip' };
    expect(await conforms('POST', '/events', await post(JSON.stringify([good])))).toMatchObject({
      accepted: 1,
    });
    const mixed = await conforms(
      'POST',
      '/events',
      await post(
        JSON.stringify([
          { ...good, id: 'e2', callId: 'c2' },
          { type: 'call.startd', callId: 'c3' },
        ]),
      ),
    );
    expect(mixed).toMatchObject({ accepted: 1, rejected: 1 });
    expect(mixed.errors[0].issues).toEqual([
      { path: 'type', message: 'unknown event type: did you mean "call.started"?' },
    ]);
    const bad = await post(`${JSON.stringify({ type: 'modem.sigal' })}\n`, 'application/x-ndjson');
    expect(bad.status).toBe(400);
    await conforms('POST', '/events', bad);
    for (const res of [
      await post('{'),
      await post('x', 'text/plain'),
      await post('[]', 'application/json', 'no'),
    ])
      expect((await conforms('POST', '/events', res)).error.code).toMatch(/^ST_/);
  });

  it('every GET route answers a documented status with a body of the documented shape', async () => {
    const gets = Object.entries(doc.paths).filter(([, ms]) => ms.get !== undefined);
    expect(gets.length).toBeGreaterThan(10);
    for (const [path, ms] of gets) {
      const token = ms.get?.security.length === 0 ? undefined : auth.scrape;
      const res = await fetch(`${sidecar.url}${path}`, { headers: token ? bearer(token) : {} });
      await conforms('GET', path, res);
      if (token !== undefined) await conforms('GET', path, await fetch(`${sidecar.url}${path}`));
    }
    const q = await fetch(`${sidecar.url}/metrics/dashboard?dayz=3`, { headers: bearer(auth.scrape) });
    expect((await conforms('GET', '/metrics/dashboard', q)).error.code).toBe('ST_INVALID_QUERY');
  });
});

/** Refs into the document's components, as `$defs` of a schema ajv knows as `api`. */
function rebase(schema: object): object {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', '"api#/$defs/'));
}

/**
 * ajv in strict mode, with OpenAPI's `discriminator` and the events' `x-pii` as known words
 * (strictRequired off: `anyOf: [{ required: [a] }, ...]` names properties defined beside it).
 */
function strictAjv() {
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
  ajv.addKeyword('x-pii');
  ajv.addKeyword('discriminator');
  ajv.addFormat('date-time', {
    validate: (s: string) => !Number.isNaN(Date.parse(s)),
  });
  return ajv;
}
