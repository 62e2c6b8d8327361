import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { App } from '../http/app.js';
import type { RouteDoc } from '../http/route-doc.js';
import { ALERT_DEFAULTS } from '../rules/thresholds.js';
import { dashboardHtml } from './dashboard-page.js';

/**
 * Serve the web dashboard at `/dashboard`. The page and uPlot are public (they hold no data);
 * everything they show comes from the analytics API behind scrape auth, so the page asks for a
 * token when the server wants one.
 *
 * `prefix` is the metric prefix the page reads `/metrics` families under (`metrics.prefix`);
 * `nerMinPercent` (`alerts.ner_min_percent`) colours a trunk's NER red below it, amber within 15
 * points above it.
 *
 * @example
 * mountDashboard(app, { prefix: 'sidetone', nerMinPercent: 70 });
 */
export function mountDashboard(
  app: App,
  options: { title?: string; prefix?: string; nerMinPercent?: number } = {},
): void {
  // Read once at mount: the hot path of a page view is a string and two buffers.
  const require = createRequire(import.meta.url);
  const js = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
  const css = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  const html = dashboardHtml(
    options.title ?? 'sidetone',
    app.paths.readyz,
    app.paths.metrics,
    options.prefix ?? 'sidetone',
    options.nerMinPercent ?? ALERT_DEFAULTS.ner_min_percent,
  );
  const asset = (body: string, type: string) => () =>
    new Response(body, {
      headers: {
        'content-type': type,
        'cache-control': 'no-cache',
        // The page runs only its own inline script and uPlot, and talks only to this server.
        'content-security-policy':
          "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; form-action 'none'; frame-ancestors 'none'",
        'x-content-type-options': 'nosniff',
      },
    });
  const doc = (summary: string, type: string): RouteDoc => ({
    tag: 'dashboard',
    summary,
    responses: { 200: { description: 'OK', content: { [type]: { type: 'string' } } } },
  });
  const page = (path: string, body: string, type: string, summary: string) =>
    app.route('GET', path, asset(body, type), { auth: 'none', doc: doc(summary, type) });
  page(
    '/dashboard',
    html,
    'text/html; charset=utf-8',
    'The web dashboard (its data comes from the analytics API)',
  );
  page('/dashboard/uplot.js', js, 'text/javascript; charset=utf-8', 'uPlot, for the dashboard');
  page('/dashboard/uplot.css', css, 'text/css; charset=utf-8', "uPlot's style sheet, for the dashboard");
}
