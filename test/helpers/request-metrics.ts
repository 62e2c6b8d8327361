/**
 * The count of 2xx answers the sidecar's request metrics give `route` in an exposition text
 * (`sidetone_http_server_requests_total`), 0 when the route has none yet: how the dispatch contract
 * test checks node:http and the fetch adapter are counted alike.
 */
export function okRequests(text: string, route: string): number {
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith('sidetone_http_server_requests_total{') &&
        l.includes(`route="${route}"`) &&
        l.includes('status_class="2xx"'),
    );
  return Number(line?.split(' ').at(-1) ?? 0);
}

/**
 * Count the web `Request`s and `Response`s this process builds until `restore()`: node:http
 * builds none for the routes that answer a reply (readiness, metrics, ingest).
 */
export function countWebRequests(): { built: () => number; responses: () => number; restore: () => void } {
  const OriginalRequest = globalThis.Request;
  const OriginalResponse = globalThis.Response;
  let built = 0;
  let responses = 0;
  globalThis.Request = class extends OriginalRequest {
    constructor(...args: ConstructorParameters<typeof Request>) {
      super(...args);
      built++;
    }
  };
  globalThis.Response = class extends OriginalResponse {
    constructor(...args: ConstructorParameters<typeof Response>) {
      super(...args);
      responses++;
    }
  };
  return {
    built: () => built,
    responses: () => responses,
    restore: () => {
      globalThis.Request = OriginalRequest;
      globalThis.Response = OriginalResponse;
    },
  };
}
