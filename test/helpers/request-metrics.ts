/**
 * The count of 2xx answers the sidecar's request metrics give `route` in an exposition text
 * (`sidetone_http_server_requests_total`), 0 when the route has none yet: how the direct node:http
 * paths' tests check they are counted as the app counts them.
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
 * Count the web `Request`s this process builds until `restore()`: the direct node:http paths
 * build none, the fetch route one per request.
 */
export function countWebRequests(): { built: () => number; restore: () => void } {
  const Original = globalThis.Request;
  let built = 0;
  globalThis.Request = class extends Original {
    constructor(...args: ConstructorParameters<typeof Request>) {
      super(...args);
      built++;
    }
  };
  return { built: () => built, restore: () => (globalThis.Request = Original) };
}
