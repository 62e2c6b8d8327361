import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { SidetoneConfig } from '../config/schema.js';
import type { HealthRegistry } from '../health/index.js';
import { API_PATHS } from '../http/api-paths.js';
import type { App } from '../http/app.js';
import type { Reply } from '../http/respond.js';
import type { RouteDoc } from '../http/route-doc.js';
import type { Handler } from '../http/router.js';
import type { Registry } from '../metrics/index.js';
import { packageRoot } from '../runtime/package-files.js';
import type { CallStore } from '../store/types.js';
import { liveReader } from './console-live.js';
import { mountConsoleApi } from './console-routes.js';
import { consoleWindows } from './console-voice.js';
import type { LiveWindows } from './console-windows.js';

/** The console's files (assets/console): static, no build step. */
const asset = (name: string) => readFileSync(join(packageRoot(), 'assets', 'console', name), 'utf8');
/** uPlot's files, from its package. */
const uplot = (file: string) =>
  readFileSync(createRequire(import.meta.url).resolve(`uplot/dist/${file}`), 'utf8');

export interface DashboardOptions {
  store: CallStore;
  registry: Registry;
  config: Pick<SidetoneConfig, 'alerts' | 'store' | 'metrics'>;
  title?: string;
  /**
   * The registry sampled over the alerts' windows (voice panel, "Problems now"), started and
   * stopped by its owner (the sidecar); without one, one is started here (its timer unref'd).
   */
  windows?: LiveWindows;
  /** Readiness for "Problems now" as /readyz answers it (else the `<prefix>_ready` gauge). */
  health?: Pick<HealthRegistry, 'run'>;
}

/**
 * Serve the web console at `/dashboard` and its API (`/metrics/console`, `/metrics/calls`). The
 * page, its script and uPlot are public (they hold no data); every figure comes from the analytics
 * API behind scrape auth, so the page asks for a token when the server wants one. The page is
 * handed the API's paths (src/http/api-paths.ts), never writes one itself.
 *
 * @example
 * mountDashboard(app, { store, registry, config });
 */
export function mountDashboard(app: App, options: DashboardOptions): void {
  const prefix = options.config.metrics.prefix;
  let windows = options.windows;
  if (windows === undefined) {
    windows = consoleWindows(options.registry, prefix);
    windows.start();
  }
  mountConsoleApi(app, {
    store: options.store,
    config: options.config,
    live: liveReader(
      options.registry,
      prefix,
      windows,
      options.health === undefined ? undefined : async () => (await options.health!.run()).ready,
    ),
  });
  const boot = JSON.stringify({ api: API_PATHS, server: app.paths }).replace(/</g, '\\u003c');
  const html = () =>
    asset('index.html')
      .replaceAll('>sidetone<', `>${(options.title ?? 'sidetone').replace(/[&<>"]/g, '')}<`)
      .replace('"__BOOT__"', boot);
  // Each file's bytes once, read at its first request (the sidecar's start-up reads none of them:
  // 1.9 ms of its CPU in a profile, issue 51), then a reply over them per request (no Response, no
  // copy).
  const serve = (body: () => string, type: string): Handler => {
    let reply: Reply | undefined;
    return () =>
      (reply ??= {
        status: 200,
        headers: {
          'content-type': type,
          'cache-control': 'no-cache',
          // Only its own scripts run; it talks only to this server.
          'content-security-policy':
            "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; form-action 'none'; frame-ancestors 'none'",
          'x-content-type-options': 'nosniff',
        },
        bytes: Buffer.from(body(), 'utf8'),
      });
  };
  const doc = (summary: string, type: string): RouteDoc => ({
    tag: 'dashboard',
    summary,
    responses: { 200: { description: 'OK', content: { [type]: { type: 'string' } } } },
  });
  const base = API_PATHS.page;
  const HTML = 'text/html; charset=utf-8';
  const JS = 'text/javascript; charset=utf-8';
  const CSS = 'text/css; charset=utf-8';
  const routes: Array<[path: string, body: () => string, type: string, summary: string]> = [
    [base, html, HTML, 'The web console (its data comes from the analytics API)'],
    [`${base}/console.js`, () => asset('console.js'), JS, "The console's script"],
    [`${base}/ladder.js`, () => asset('ladder.js'), JS, "The console's SIP ladder"],
    [`${base}/turns.js`, () => asset('turns.js'), JS, "The call page's voice-agent panel"],
    [`${base}/modem.js`, () => asset('modem.js'), JS, "The modem panel's history"],
    [`${base}/console.css`, () => asset('console.css'), CSS, "The console's style sheet"],
    [`${base}/uplot.js`, () => uplot('uPlot.iife.min.js'), JS, 'uPlot, for the console'],
    [`${base}/uplot.css`, () => uplot('uPlot.min.css'), CSS, "uPlot's style sheet, for the console"],
    [
      API_PATHS.runbook,
      () => readFileSync(join(packageRoot(), 'assets', 'runbook.html'), 'utf8'),
      HTML,
      "The runbook: a section per alert, where every shipped rule's runbook_url points (alerts.runbook_url)",
    ],
  ];
  for (const [path, body, type, summary] of routes)
    app.route('GET', path, serve(body, type), { auth: 'none', doc: doc(summary, type) });
}
