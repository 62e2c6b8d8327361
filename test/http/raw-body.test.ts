import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { toRequest } from '../../src/http/node-bridge.js';
import { requestBytes } from '../../src/http/raw-body.js';

/** A node request as node:http gives it: headers, a target and a body stream. */
function nodeRequest(body: string, method = 'POST'): IncomingMessage {
  const req = Readable.from([Buffer.from(body)]) as unknown as IncomingMessage;
  Object.assign(req, {
    url: '/events',
    method,
    headers: { 'content-length': String(Buffer.byteLength(body)) },
    rawHeaders: ['Content-Type', 'application/x-ndjson', 'Content-Length', String(Buffer.byteLength(body))],
  });
  return req;
}

describe('requestBytes', () => {
  it('hands over the bytes the node adapter read, while the Request keeps its own body', async () => {
    const req = await toRequest(nodeRequest('{"type":"heartbeat"}'), 1024);
    expect(requestBytes(req)?.toString('utf8')).toBe('{"type":"heartbeat"}');
    expect(await req.clone().text()).toBe('{"type":"heartbeat"}');
    // Once the body is read, it is the stream's: no second reader through the side door.
    await req.text();
    expect(requestBytes(req)).toBeUndefined();
  });

  it('has nothing for a Request built elsewhere, or one without a body', async () => {
    expect(
      requestBytes(new Request('http://localhost/events', { method: 'POST', body: 'x' })),
    ).toBeUndefined();
    expect(requestBytes(await toRequest(nodeRequest('', 'GET'), 1024))).toBeUndefined();
  });
});
