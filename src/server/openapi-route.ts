import type { App } from '../http/app.js';
import type { RouteDoc } from '../http/route-doc.js';
import { sidetoneVersion } from '../runtime/version.js';

const DOC: RouteDoc = {
  tag: 'docs',
  summary: 'This API as an OpenAPI 3.1 document',
  description: 'Every route this server answers, as configured, with the event schemas as components.',
  responses: {
    200: {
      description: 'The document',
      content: { 'application/json': { type: 'object', description: 'An OpenAPI 3.1 document' } },
    },
  },
};

/**
 * Serve `GET /openapi.json`: the app's own routes (with the auth of read routes). Built on the
 * first request, when every route is registered, then served from the same bytes; the builder, the
 * event schemas it converts (zod) and the routes' documents built on demand (LazyRouteDoc) are
 * loaded then too, not at start-up (issue 39).
 * @example mountOpenApi(app); // after the other routes
 */
export function mountOpenApi(app: App): void {
  let bytes: Buffer | undefined;
  app.route(
    'GET',
    '/openapi.json',
    async () => {
      if (bytes === undefined) {
        const { openApiDocument } = await import('../openapi/document.js');
        // Documents built on demand (their zod schemas) are built now, once.
        const routes = await Promise.all(
          app
            .routes()
            .map(async ({ lazyDoc, ...r }) => (lazyDoc === undefined ? r : { ...r, doc: await lazyDoc() })),
        );
        bytes = Buffer.from(
          `${JSON.stringify(openApiDocument(routes, { version: sidetoneVersion() }), null, 2)}\n`,
        );
      }
      return {
        status: 200,
        headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' },
        bytes,
      };
    },
    { auth: 'scrape', doc: DOC },
  );
}
