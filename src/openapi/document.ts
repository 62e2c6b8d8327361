import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../error-codes.js';
import type { DocResponse, DocSchema, RouteDoc } from '../http/route-doc.js';
import type { RouteInfo } from '../http/router.js';
import { eventJsonSchemas, type JsonSchema, toJsonSchema } from './event-schemas.js';

export interface OpenApiOptions {
  /** `info.version`: sidetone's version. */
  version: string;
  title?: string;
}

/** What the security scheme of an auth kind asks for, by kind; a new kind gets a generic line. */
const AUTH_TEXT: Record<string, string> = {
  scrape:
    'A token from `auth.scrape_tokens` (or a user of `auth.basic_users` with Basic): Prometheus, the analytics API and the CLI. Enforced once configured.',
  ingest:
    'A token from `auth.ingest_tokens`: the apps that send events, which cannot read metrics with it. Enforced once configured.',
};

const REF = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/**
 * The OpenAPI 3.1 document of an app, built from its route table (`app.routes()`): every route
 * the running app answers is in it, with what its registration documented (`RouteDoc`), its auth
 * as a security requirement and its error answers by catalogue code (src/error-codes.ts). The
 * event schemas are components, one per type, and `Event` is their union on `type`.
 * @example
 * const doc = openApiDocument(app.routes(), { version: sidetoneVersion() });
 */
export function openApiDocument(routes: readonly RouteInfo[], options: OpenApiOptions): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const kinds = new Set<string>();
  const tags = new Set<string>();
  const sorted = [...routes].sort((a, b) =>
    a.path === b.path ? a.method.localeCompare(b.method) : a.path.localeCompare(b.path),
  );
  for (const r of sorted) {
    if (r.auth !== 'none') kinds.add(r.auth);
    const doc = r.doc;
    if (doc !== undefined) tags.add(doc.tag);
    // The router's `:name` segment is OpenAPI's `{name}` path template.
    (paths[r.path.replace(/:(\w+)/g, '{$1}')] ??= {})[r.method.toLowerCase()] = operation(r, doc);
  }
  const events = eventJsonSchemas();
  const schemas: Record<string, JsonSchema> = {};
  for (const { type, schema } of events) schemas[type] = schema;
  schemas.Event = {
    description: 'Any event: the member is chosen by `type`',
    oneOf: events.map((e) => REF(e.type)),
    discriminator: {
      propertyName: 'type',
      mapping: Object.fromEntries(events.map((e) => [e.type, `#/components/schemas/${e.type}`])),
    },
  };
  schemas.Error = {
    type: 'object',
    description: 'Every error answer: a catalogue code (docs/errors.md) and a message naming the fix',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: { code: { type: 'string', pattern: '^ST_[A-Z0-9_]+$' }, message: { type: 'string' } },
      },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: options.title ?? 'sidetone sidecar',
      version: options.version,
      description:
        'Events in (`POST /events`), metrics, health and call analytics out. Generated from the running sidecar: its route table, the zod schemas the ingest edge validates with, and the error catalogue.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    tags: [...tags].sort().map((name) => ({ name })),
    paths,
    components: {
      schemas,
      securitySchemes: Object.fromEntries(
        [...kinds].sort().map((k) => [
          k,
          {
            type: 'http',
            scheme: 'bearer',
            description: AUTH_TEXT[k] ?? `A token from \`auth.${k}_tokens\`. Enforced once configured.`,
          },
        ]),
      ),
    },
  };
}

function operation(r: RouteInfo, doc: RouteDoc | undefined): JsonSchema {
  const op: JsonSchema = {
    operationId: operationId(r.method, r.path),
    tags: [doc?.tag ?? 'undocumented'],
    // A route registered without a doc is still listed (the test that every route is documented
    // fails on this mark), so the document never hides a route the server answers.
    summary: doc?.summary ?? '(undocumented)',
  };
  if (doc === undefined) op['x-undocumented'] = true;
  if (doc?.description !== undefined) op.description = doc.description;
  op.security = r.auth === 'none' ? [] : [{ [r.auth]: [] }];
  const inPath = [...r.path.matchAll(/:(\w+)/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  if (inPath.length > 0) op.parameters = inPath;
  if (doc?.query !== undefined) {
    op.parameters = [
      ...inPath,
      ...Object.entries(doc.query.shape).map(([name, field]) => {
        const schema = toJsonSchema(field as z.ZodType);
        const { description, ...rest } = schema;
        return {
          name,
          in: 'query',
          required: !(field as z.ZodType).safeParse(undefined).success,
          ...(description !== undefined && { description }),
          schema: rest,
        };
      }),
    ];
  }
  if (doc?.body !== undefined) {
    op.requestBody = {
      required: true,
      ...(doc.body.description !== undefined && { description: doc.body.description }),
      content: media(doc.body.content),
    };
  }
  op.responses = responses(r, doc);
  return op;
}

/** The route's answers: its own, merged with its error codes grouped by their catalogue status. */
function responses(r: RouteInfo, doc: RouteDoc | undefined): JsonSchema {
  const codes: ErrorCode[] = [...(doc?.errors ?? [])];
  if (r.auth !== 'none') codes.push('ST_UNAUTHORIZED');
  codes.push('ST_INTERNAL');
  const byStatus = new Map<number, ErrorCode[]>();
  for (const c of new Set(codes)) {
    const status = ERROR_CODES[c].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), c]);
  }
  const out: Record<string, JsonSchema> = {};
  const statuses = new Set([...Object.keys(doc?.responses ?? {}).map(Number), ...byStatus.keys()]);
  for (const status of [...statuses].sort((a, b) => a - b)) {
    const own: DocResponse | undefined = doc?.responses[status];
    const errors = byStatus.get(status);
    const lines = errors?.map((c) => `\`${c}\`: ${ERROR_CODES[c].doc}`) ?? [];
    const description = [own?.description, ...lines].filter((l) => l !== undefined).join('\n\n');
    const res: JsonSchema = { description };
    const headers: Record<string, JsonSchema> = {};
    for (const [name, h] of Object.entries(own?.headers ?? {}))
      headers[name] = { description: h.description, schema: convert(h.schema) };
    if (status === 401) {
      headers['WWW-Authenticate'] = {
        description: 'The scheme and realm to answer with',
        schema: { type: 'string' },
      };
    }
    if (Object.keys(headers).length > 0) res.headers = headers;
    const content = own?.content === undefined ? {} : media(own.content);
    if (errors !== undefined) {
      const error = {
        allOf: [
          REF('Error'),
          {
            type: 'object',
            properties: { error: { type: 'object', properties: { code: { enum: errors } } } },
          },
        ],
      };
      const json = content['application/json'] as { schema: JsonSchema } | undefined;
      content['application/json'] = { schema: json === undefined ? error : { anyOf: [json.schema, error] } };
    }
    if (Object.keys(content).length > 0) res.content = content;
    out[String(status)] = res;
  }
  return out;
}

function media(content: Readonly<Record<string, DocSchema>>): Record<string, JsonSchema> {
  return Object.fromEntries(Object.entries(content).map(([type, s]) => [type, { schema: convert(s) }]));
}

function convert(s: DocSchema): JsonSchema {
  return s instanceof z.ZodType ? toJsonSchema(s) : { ...s };
}

/** `GET /metrics/dashboard` -> `getMetricsDashboard`: stable, unique per route. */
function operationId(method: string, path: string): string {
  const words = path.split(/[^A-Za-z0-9]+/).filter((w) => w !== '');
  return method.toLowerCase() + words.map((w) => (w[0] as string).toUpperCase() + w.slice(1)).join('');
}
