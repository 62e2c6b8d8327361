import { webRequest } from '../../src/http/request.js';
import { toResponse } from '../../src/http/respond.js';
import type { Handler, RouteContext } from '../../src/http/router.js';

/**
 * One route called as the fetch adapter calls it: a fetch `Request` in, a `Response` out (the
 * route itself reads an HttpRequest and answers a Reply).
 */
export async function callRoute(handler: Handler, req: Request, ctx = {} as RouteContext): Promise<Response> {
  return toResponse(await handler(webRequest(req), ctx));
}
