import type { Logger } from 'pino';
import type { SidetoneConfig } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import type { App } from '../http/app.js';
import { type Served, serve } from '../http/node.js';
import { errorReply, toResponse } from '../http/respond.js';

/**
 * The health paths alone on `health.port` (CardLink's health server), the same checks and answers
 * as on the main port, so a probe can be pointed at a port that serves nothing else.
 */
export async function serveHealth(
  config: SidetoneConfig,
  app: App,
  log: Logger,
  onRequest?: () => void,
): Promise<Served> {
  const paths = new Set([app.paths.healthz, app.paths.readyz]);
  const elsewhere = () => errorReply('ST_NOT_FOUND', `health.port serves ${[...paths].join(' and ')} only`);
  const healthOnly: App = {
    ...app,
    answer: (req) => (paths.has(new URL(req.url).pathname) ? app.answer(req) : Promise.resolve(elsewhere())),
    fetch: (req) =>
      paths.has(new URL(req.url).pathname) ? app.fetch(req) : Promise.resolve(toResponse(elsewhere())),
  };
  const host = config.server.host;
  const port = config.health.port ?? 0;
  return serve(healthOnly, { host, port, logger: log, ...(onRequest !== undefined && { onRequest }) }).catch(
    (err: { code?: string }) => {
      throw new ConfigError(
        'ST_CONFIG_INVALID',
        `health.port ${port} on ${host}: cannot listen (${err?.code ?? String(err)}): choose a free port, or leave health.port unset`,
      );
    },
  );
}
