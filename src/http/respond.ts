/** Headers every JSON answer carries: probes and errors must never be cached by a proxy. */
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

/**
 * A JSON response with `Content-Length`.
 * @example
 * return json(200, { status: 'ok' });
 */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const bytes = Buffer.from(JSON.stringify(body), 'utf8');
  return new Response(bytes, {
    status,
    headers: { ...JSON_HEADERS, 'content-length': String(bytes.length), ...headers },
  });
}

/**
 * The error shape every route answers with: `{ error: { code, message } }`. Messages never echo
 * request data (a path or a header can carry a token someone pasted in the wrong place).
 * @example
 * return errorResponse(404, 'ST_NOT_FOUND', 'no such route');
 */
export function errorResponse(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return json(status, { error: { code, message } }, headers);
}

/** The same response without a body, for `HEAD`: headers (and `Content-Length`) are kept. */
export function withoutBody(res: Response): Response {
  // The body is not needed; cancel it so a stream behind it is released.
  res.body?.cancel().catch(() => {});
  return new Response(null, { status: res.status, statusText: res.statusText, headers: res.headers });
}
